// Progress of many runs on stderr: a bar with the rate and the time left on a terminal, a plain
// line every 5 % or 10 s otherwise (logs of CI jobs and batch systems).
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "models/experiment/run_set.hpp"

namespace mailstorm::cli {

class ProgressBar {
 public:
  // `terminal`: redraw one line in place; else print plain lines.
  ProgressBar(std::ostream& err, bool terminal, std::string label);
  void update(const models::experiment::Progress& p);
  void finish();  // the last state, and a newline on a terminal

  // True when `err` is the process's stderr and that is a terminal.
  static bool is_terminal(const std::ostream& err);

 private:
  std::string line(const models::experiment::Progress& p, double elapsed_s) const;
  std::ostream& err_;
  bool terminal_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_print_;
  models::experiment::Progress last_{};
  std::uint64_t last_percent_step_ = 0, last_printed_done_ = 0;
  bool printed_ = false;
};

// "42s", "3m07s", "1h02m"
std::string duration_text(double seconds);

}  // namespace mailstorm::cli
