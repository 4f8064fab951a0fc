// `mailstorm analyze`: the branching-process approximation of a scenario beside (optionally) its
// simulation, and the statistics of a recorded run's cascade.
//
//   mailstorm analyze SCENARIO [--set key=value]... [--json FILE] [--simulate N] [--seed S]
//   mailstorm analyze --cascade RUN_DIR
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mailstorm::cli {

// `words` is the whole command line after the program name, starting with "analyze".
// Returns the exit status (0 ok, 1 failure, 2 usage or scenario error).
int analyze_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The usage lines of `analyze`, for the main help text.
std::string analyze_usage_text();

}  // namespace mailstorm::cli
