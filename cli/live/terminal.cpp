// Raw mode and screen handling for the live view. The signal handlers only set flags: the main
// loop sees them (poll() returns early, interrupted) and restores the terminal in normal code.
#include "cli/live/terminal.hpp"

#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mailstorm::cli::live {
namespace {

// Escape sequences (ECMA-48 and the xterm private modes every modern terminal knows).
constexpr const char* kEnter = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";  // alternate screen, no cursor
constexpr const char* kLeave = "\x1b[0m\x1b[?25h\x1b[?1049l";          // cursor back, main screen

volatile std::sig_atomic_t g_stop_signal = 0;
volatile std::sig_atomic_t g_resized = 0;

// What restore() needs, also reachable from the atexit handler.
struct Saved {
  bool active = false;
  termios settings{};
  struct sigaction old_int{}, old_term{}, old_hup{}, old_winch{};
};
Saved g_saved;
bool g_atexit_registered = false;

void write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nothing sensible to do when the terminal is gone
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void on_stop_signal(int signal) { g_stop_signal = signal; }
void on_resize(int) { g_resized = 1; }

void restore_saved() {
  if (!g_saved.active) return;
  g_saved.active = false;
  write_all(kLeave, std::strlen(kLeave));
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved.settings);
  ::sigaction(SIGINT, &g_saved.old_int, nullptr);
  ::sigaction(SIGTERM, &g_saved.old_term, nullptr);
  ::sigaction(SIGHUP, &g_saved.old_hup, nullptr);
  ::sigaction(SIGWINCH, &g_saved.old_winch, nullptr);
}

}  // namespace

bool interactive_terminal() { return ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1; }

bool utf8_locale() {
  std::setlocale(LC_CTYPE, "");
  const char* codeset = ::nl_langinfo(CODESET);
  const bool utf8 = codeset != nullptr && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
  std::setlocale(LC_CTYPE, "C");  // the rest of mailstorm formats numbers without the locale
  return utf8;
}

Terminal::Terminal() {
  if (g_saved.active) throw std::logic_error("live view: a terminal is already in use");
  termios settings{};
  if (::tcgetattr(STDIN_FILENO, &settings) != 0)
    throw std::runtime_error(std::string("cannot read the terminal's settings: ") + std::strerror(errno));
  g_saved.settings = settings;
  g_stop_signal = 0;
  g_resized = 0;

  struct sigaction stop{}, resize{};
  stop.sa_handler = on_stop_signal;
  sigemptyset(&stop.sa_mask);
  stop.sa_flags = 0;  // no SA_RESTART: poll() returns at once
  resize.sa_handler = on_resize;
  sigemptyset(&resize.sa_mask);
  resize.sa_flags = 0;
  ::sigaction(SIGINT, &stop, &g_saved.old_int);
  ::sigaction(SIGTERM, &stop, &g_saved.old_term);
  ::sigaction(SIGHUP, &stop, &g_saved.old_hup);
  ::sigaction(SIGWINCH, &resize, &g_saved.old_winch);
  g_saved.active = true;
  if (!g_atexit_registered) {
    std::atexit(restore_saved);
    g_atexit_registered = true;
  }

  termios raw = settings;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | IEXTEN);  // keys at once, unechoed
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL);            // Ctrl-S/Ctrl-Q are keys too
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  raw.c_cc[VSUSP] = _POSIX_VDISABLE;  // Ctrl-Z would stop us with the terminal still raw
  if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) != 0) {
    const int e = errno;
    restore_saved();
    throw std::runtime_error(std::string("cannot set the terminal to raw mode: ") + std::strerror(e));
  }
  write_all(kEnter, std::strlen(kEnter));
  query_size();
}

Terminal::~Terminal() { restore(); }

void Terminal::restore() { restore_saved(); }

int Terminal::stop_signal() { return g_stop_signal; }

bool Terminal::take_resized() {
  if (g_resized == 0) return false;
  g_resized = 0;
  query_size();
  clear_next_ = true;
  return true;
}

void Terminal::query_size() {
  winsize w{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0 && w.ws_row > 0) {
    columns_ = w.ws_col;
    rows_ = w.ws_row;
  }
}

std::size_t Terminal::columns() const { return columns_; }
std::size_t Terminal::rows() const { return rows_; }

std::vector<char> Terminal::read_keys(int timeout_ms) {
  std::vector<char> keys;
  pollfd in{STDIN_FILENO, POLLIN, 0};
  if (::poll(&in, 1, timeout_ms) <= 0 || (in.revents & POLLIN) == 0) return keys;
  char buf[64];
  const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == '\x1b') break;  // an escape sequence: ignore the rest of it
    keys.push_back(buf[i]);
  }
  return keys;
}

void Terminal::draw(const std::vector<std::string>& lines) {
  std::string out;
  if (clear_next_) {
    out += "\x1b[H\x1b[2J";
    shown_.clear();
    clear_next_ = false;
  }
  const std::size_t n = std::max(lines.size(), shown_.size());
  for (std::size_t row = 0; row < n && row < rows_; ++row) {
    const std::string& line = row < lines.size() ? lines[row] : std::string();
    if (row < shown_.size() && shown_[row] == line) continue;
    out += "\x1b[" + std::to_string(row + 1) + ";1H";
    // At most the screen's width (a longer line would wrap and scroll). A full-width line needs
    // no erase: after the last column the cursor waits there, and an erase would take that
    // column's character away.
    std::size_t columns = 0, end = 0;
    for (; end < line.size(); ++end) {
      if ((static_cast<unsigned char>(line[end]) & 0xC0) != 0x80) {
        if (columns == columns_) break;
        ++columns;
      }
    }
    out.append(line, 0, end);
    if (columns < columns_) out += "\x1b[K";
  }
  shown_ = lines;
  if (!out.empty()) write_all(out.data(), out.size());
}

}  // namespace mailstorm::cli::live
