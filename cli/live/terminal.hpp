// The terminal for the live view, with plain ANSI escape sequences and termios: the alternate
// screen, a hidden cursor, keys read one at a time without echo, redraws without flicker, and the
// terminal given back as it was on every way out (return, exception, exit(), SIGINT, SIGTERM,
// SIGHUP).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mailstorm::cli::live {

// True when both stdin and stdout are terminals (keys can be read and the screen drawn).
bool interactive_terminal();

// True when the locale's character set is UTF-8 (after setlocale(LC_CTYPE, "")).
bool utf8_locale();

class Terminal {
 public:
  // Saves the terminal's settings, switches to raw input (no echo, no line buffering, Ctrl-C
  // still raises SIGINT, Ctrl-Z disabled), the alternate screen and a hidden cursor, and installs
  // handlers for SIGINT, SIGTERM, SIGHUP (they ask to stop) and SIGWINCH (size changed). Throws
  // std::runtime_error if the terminal cannot be set up. One at a time.
  Terminal();
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Gives the terminal back as it was (settings, main screen, cursor, signal handlers). Safe to
  // call more than once.
  void restore();

  // Keys pressed, waiting at most `timeout_ms` for the first one; empty on timeout or when a
  // signal interrupted the wait. Escape sequences (arrow keys...) are dropped.
  std::vector<char> read_keys(int timeout_ms);

  // Columns and rows (80 x 24 when the size cannot be read).
  std::size_t columns() const;
  std::size_t rows() const;

  // Draws `lines` from the top left, rewriting only the lines that changed since the last call
  // (the whole screen after a resize).
  void draw(const std::vector<std::string>& lines);

  // The signal that asked to stop (SIGINT, SIGTERM or SIGHUP), 0 if none.
  static int stop_signal();
  // True once after each change of the terminal's size.
  bool take_resized();

 private:
  void query_size();
  std::size_t columns_ = 80, rows_ = 24;
  std::vector<std::string> shown_;
  bool clear_next_ = true;
};

}  // namespace mailstorm::cli::live
