// The commands behind `mailstorm`: each returns the process exit status.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/registry.hpp"

namespace mailstorm::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the run or writing its results failed
inline constexpr int kExitUsage = 2;    // bad command line, bad scenario, scenario too large

// Inside a catch block: writes what the exception being handled says to `err` and returns the
// exit status it stands for (every command maps its failures the same way): a usage or scenario
// error kUsage, results not written, a ledger that does not balance (a bug) or anything else
// kExitFailure, a rank that ends quietly (MPI) its own status.
int exit_status_of_current_exception(std::ostream& err);

// Runs the whole command line (argv[1..]); normal output to `out`, diagnostics to `err`.
int run_command_line(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The `params` table: name, type, default, allowed values, help; one setting per line.
std::string params_table(const models::scenario::Registry& registry);

// MemAvailable from /proc/meminfo, in bytes; nullopt when it cannot be read.
std::optional<std::uint64_t> available_memory_bytes();

}  // namespace mailstorm::cli
