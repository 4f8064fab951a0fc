#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <ostream>

namespace mailstorm::cli {

std::string duration_text(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, (static_cast<int>(s) / 60) % 60);
  return buf;
}

bool ProgressBar::is_terminal(const std::ostream& err) {
  return &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::ostream& err, bool terminal, std::string label)
    : err_(err), terminal_(terminal), label_(std::move(label)),
      start_(std::chrono::steady_clock::now()), last_print_(start_) {}

std::string ProgressBar::line(const models::experiment::Progress& p, double elapsed) const {
  const std::uint64_t fresh = p.done - p.resumed;
  const double rate = elapsed > 0 ? static_cast<double>(fresh) / elapsed : 0;
  std::string out = label_ + " ";
  if (terminal_) {
    constexpr int width = 30;
    const int filled = p.total ? static_cast<int>(width * p.done / p.total) : width;
    out.append("[").append(static_cast<std::size_t>(filled), '#');
    out.append(static_cast<std::size_t>(width - filled), '-').append("] ");
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%llu/%llu runs (%.0f%%)", static_cast<unsigned long long>(p.done),
                static_cast<unsigned long long>(p.total),
                p.total ? 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total) : 100.0);
  out += buf;
  if (p.resumed) out += ", " + std::to_string(p.resumed) + " already done";
  if (fresh > 0) {
    std::snprintf(buf, sizeof buf, ", %.2f runs/s", rate);
    out += buf;
    if (p.done < p.total && rate > 0)
      out += ", ETA " + duration_text(static_cast<double>(p.total - p.done) / rate);
    else
      out += ", " + duration_text(elapsed) + " elapsed";
  }
  return out;
}

void ProgressBar::update(const models::experiment::Progress& p) {
  last_ = p;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_print_).count();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (terminal_) {
    if (printed_ && since < 0.1 && p.done < p.total) return;
    err_ << '\r' << line(p, elapsed) << "\033[K" << std::flush;
  } else {
    const std::uint64_t step = p.total ? 20 * p.done / p.total : 20;  // 5 % steps
    if (printed_ && step == last_percent_step_ && since < 10) return;
    last_percent_step_ = step;
    err_ << line(p, elapsed) << '\n' << std::flush;
  }
  last_printed_done_ = p.done;
  printed_ = true;
  last_print_ = now;
}

void ProgressBar::finish() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (terminal_) err_ << '\r' << line(last_, elapsed) << "\033[K\n" << std::flush;
  else if (!printed_ || last_printed_done_ != last_.done) err_ << line(last_, elapsed) << '\n' << std::flush;
}

}  // namespace mailstorm::cli
