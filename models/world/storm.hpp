// Running one storm: the whole mail world on one engine, from a resolved scenario.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/scenario/scenario.hpp"
#include "models/world/outcomes.hpp"
#include "sim/event_queue.hpp"

namespace mailstorm::models {

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  sim::QueueKind queue = sim::QueueKind::radix_heap;
  bool record_cascade = false;
};

// Thrown when the conservation check fails: a bug, never a user error.
struct ConservationError : std::logic_error {
  using std::logic_error::logic_error;
};

// Runs the storm to the scenario's horizon. Throws ConservationError if the books do not balance.
RunResult run_storm(const scenario::Scenario& scenario, const RunOptions& options);

// A rough estimate of the memory a run needs, in bytes, from the scenario's sizes; and a refusal
// message when it exceeds what the machine has (nullopt when it fits).
std::uint64_t estimate_memory_bytes(const scenario::Scenario& scenario);
std::optional<std::string> refuse_if_too_large(const scenario::Scenario& scenario,
                                               std::uint64_t available_bytes);

}  // namespace mailstorm::models
