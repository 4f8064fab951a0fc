// The live view's pictures: a frame (the dashboard drawn on a terminal) and a plain line (one
// simulated hour, for output that is not a terminal), both pure functions of a snapshot.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/world/storm.hpp"

namespace mailstorm::cli::live {

// What the dashboard shows besides the run itself.
struct ViewState {
  std::string scenario_name;
  double speed_hours_per_s = 1;    // asked for
  std::optional<double> reaching;  // the pace actually reached, when slower than asked
  bool paused = false;
  bool finished = false;            // the horizon is reached
  std::vector<std::string> events;  // oldest first; the newest are shown
  bool utf8 = true;                 // Unicode block characters, else ASCII
  std::size_t width = 80, height = 24;
};

// The dashboard: at most `height` lines of at most `width` columns each (no escape codes).
std::vector<std::string> render_frame(const models::LiveSnapshot& snapshot, const ViewState& view);

// One line per simulated hour for output that is not a terminal (no escape codes): the clock,
// the last full hour's figures and the state of the world.
std::string plain_line(const models::LiveSnapshot& snapshot);

// The closing line printed after the view: where the run stopped, its totals and the measures
// taken (event lines such as "at Sat 15:17: emergency moderation").
std::string summary_line(const models::LiveSnapshot& snapshot, const std::string& scenario_name,
                         const std::vector<std::string>& measures);

// A sparkline of `values`, one character per value, scaled so that `scale` (the largest value
// when not given; 0 and below show as a blank) fills the cell: U+2581..U+2588, or ASCII
// ".:-=+*#@" when `utf8` is false.
std::string sparkline(const std::vector<double>& values, bool utf8,
                      std::optional<double> scale = std::nullopt);

// "Sat 2000-06-24 15:17 +09:00" and "Sat 15:17": the simulated local time.
std::string clock_text(const models::LiveSnapshot& snapshot);
std::string short_clock_text(const sim::Calendar& calendar, sim::Time t);

// Columns a UTF-8 string takes (one per code point: the view uses no wide characters), and the
// string cut to at most `columns` of them.
std::size_t display_width(const std::string& text);
std::string truncate_columns(const std::string& text, std::size_t columns);

// 12345 -> "12,345"; 1234567 -> "1.23M" when `compact`.
std::string count_text(double value, bool compact = false);

// Speeds the + and - keys step through, in simulated hours per real second.
double faster(double speed_hours_per_s);
double slower(double speed_hours_per_s);

// What changed in the world between two snapshots that the run did by itself (the sender shut
// his server down, the operator moderated or closed the list, the explanation went out), as
// event lines "at Sat 15:17: ...".
std::vector<std::string> changes(const models::LiveSnapshot& before, const models::LiveSnapshot& after);

}  // namespace mailstorm::cli::live
