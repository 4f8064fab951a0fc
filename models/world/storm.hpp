// Running one storm: the whole mail world on one engine, from a resolved scenario.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "models/scenario/scenario.hpp"
#include "models/world/outcomes.hpp"
#include "sim/event_queue.hpp"

namespace mailstorm::models {

// How a run is simulated: `reference` gives every copy, delivery attempt and reading its own
// event; `fast` aggregates where that is exact in distribution (MODEL.md section 6). Same
// outputs, same ledger, same conservation check.
enum class Mode { reference, fast };
const char* to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
  sim::QueueKind queue = sim::QueueKind::radix_heap;
  bool record_cascade = false;
  Mode mode = Mode::reference;
};

// Thrown when the conservation check fails: a bug, never a user error.
struct ConservationError : std::logic_error {
  using std::logic_error::logic_error;
};

// What a run looks like so far, for the live view (mailstorm live): the clock, the counters of
// Outcomes as they stand (peaks and times are filled in only by finish), queue levels now, and
// the time series summed by clock hour (queue columns: the highest bin of the hour).
struct LiveSnapshot {
  sim::Time now{}, horizon{};
  sim::Calendar calendar;
  Outcomes so_far;
  Ledger ledger_so_far;  // created/delivered/bounced/dropped/held so far (queued is not counted)
  std::uint64_t events_handled = 0;
  bool sender_host_up = true, emergency_moderation = false, list_closed = false;
  bool explanation_published = false;
  // Queue levels now: sender's host, list host, list copies still to send, all domain hosts,
  // the outside world.
  double queue_sender_host = 0, queue_list_host = 0, queue_list_outbound = 0, queue_domains = 0,
         queue_outside = 0;
  TimeSeries hourly;  // bin = 1 h from the run's start; rows up to the current hour
};

// Measures a teacher can switch on at the current moment of a running storm.
enum class Intervention {
  emergency_moderation,  // the list holds every post from now on
  close_list,            // the list refuses every post from now on
  restore_sender_host,   // the sender's server comes back up now
  publish_explanation,   // the sender publishes his explanation now (to the list if the scenario names no channel)
};

// A run that can be advanced in steps, watched and acted on. run_storm is
// StormRun(s, o).finish(); a run advanced in steps without interventions gives the same result.
class StormRun {
 public:
  StormRun(const scenario::Scenario& scenario, const RunOptions& options);
  ~StormRun();
  StormRun(StormRun&&) noexcept;
  StormRun& operator=(StormRun&&) noexcept;

  // Handles every event before `t` (capped at the horizon) and sets the clock to it. Returns
  // false once the horizon is reached.
  bool advance_to(sim::Time t);
  sim::Time now() const;
  sim::Time horizon() const;
  LiveSnapshot snapshot() const;
  // Switches a measure on now. Returns false when it was already in force (nothing changed).
  bool intervene(Intervention what);
  // Runs to the horizon and closes the books (throws ConservationError if they do not balance).
  // Call once.
  RunResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs the storm to the scenario's horizon. Throws ConservationError if the books do not balance.
RunResult run_storm(const scenario::Scenario& scenario, const RunOptions& options);

// A rough estimate of the memory a run needs, in bytes, from the scenario's sizes and the mode;
// and a refusal message when it exceeds what the machine has (nullopt when it fits).
std::uint64_t estimate_memory_bytes(const scenario::Scenario& scenario, Mode mode = Mode::reference);
std::optional<std::string> refuse_if_too_large(const scenario::Scenario& scenario, std::uint64_t available_bytes,
                                               Mode mode = Mode::reference);

}  // namespace mailstorm::models
