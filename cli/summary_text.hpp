// The human summary of one run, for a list operator: what happened, when it peaked, what it cost.
#pragma once

#include <cstdint>
#include <string>

#include "models/scenario/scenario.hpp"
#include "models/world/outcomes.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::cli {

// About twenty lines of plain text ending with a newline.
std::string summary_text(const models::scenario::Scenario& scenario,
                         const models::RunOptions& options, const models::RunResult& result);

// Helpers, exposed for tests. All are locale-free.
std::string with_thousands(std::uint64_t n);  // 1234567 -> "1,234,567"
std::string bytes_text(std::uint64_t bytes);  // "812 B", "3.4 MB", "1.20 GB" (powers of 1000)
// "Saturday 2000-06-24 23:00 (+09:00)", or "never" for Time::never().
std::string local_time_text(const sim::Calendar& calendar, sim::Time t);

}  // namespace mailstorm::cli
