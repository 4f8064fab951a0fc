// `mailstorm live`: a storm played at an adjustable pace on the terminal, where measures can be
// switched on at the current moment; plain hourly lines when the output is not a terminal.
//
//   mailstorm live SCENARIO [--seed N] [--replication R] [--set key=value]...
//                  [--speed HOURS_PER_SECOND] [--at TIME=MEASURE]... [--ascii] [--plain]
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/world/storm.hpp"
#include "sim/time.hpp"

namespace mailstorm::cli::live {

// A measure switched on at a set time after the run's start (--at 2h=emergency_moderation).
struct ScheduledMeasure {
  sim::Duration after{};
  models::Intervention what{};
  std::string text;  // as written, for messages
};

struct LiveArguments {
  std::string scenario;
  std::uint64_t seed = 1, replication = 0;
  models::Mode mode = models::Mode::reference;  // --mode fast: a list of millions, live
  std::vector<std::string> overrides;
  std::optional<double> speed_hours_per_s;  // default: 1 on a terminal, as fast as possible else
  std::vector<ScheduledMeasure> at;         // in time order
  bool ascii = false;                       // ASCII charts even in a UTF-8 locale
  bool plain = false;                       // plain lines even on a terminal
  bool help = false;
};

// `words` is the command line after the program name, starting with "live". Throws
// cli::UsageError.
LiveArguments parse_live_arguments(const std::vector<std::string>& words);

// "emergency_moderation" ... as --at writes them; nullopt for another name.
std::optional<models::Intervention> parse_measure(std::string_view name);
// "emergency moderation", "list closed", "sender's server restored", "explanation published".
std::string measure_text(models::Intervention what);

// Runs the command; returns the exit status (0 ok, 1 failure, 2 usage or scenario error).
int live_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The usage lines of `live`, for the main help text.
std::string live_usage_text();

}  // namespace mailstorm::cli::live
