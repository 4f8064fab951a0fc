// Fast mode against reference mode: the same scenario run over many seeds in both modes, and a
// two-sample Kolmogorov-Smirnov test on each main outcome (MODEL.md section 6).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/world/outcomes.hpp"

namespace mailstorm::models {

// The outcomes the equivalence test compares: the run's main outcomes and the named hosts'
// figures, by name.
std::vector<std::pair<std::string, double>> main_outcomes(const RunResult& r);

struct OutcomeComparison {
  std::string outcome;
  double mean_reference = 0, mean_fast = 0;
  double d = 0, p_value = 1;
  bool differs = false;  // p-value below the per-outcome level
};

struct ModeEquivalence {
  int seeds = 0;
  double family_alpha = 0;   // the chance of a false alarm over all outcomes together
  double outcome_alpha = 0;  // Bonferroni: family_alpha / number of outcomes
  std::vector<OutcomeComparison> outcomes;
  double reference_wall_s = 0, fast_wall_s = 0;  // event-loop time summed over the seeds
  std::uint64_t reference_events = 0, fast_events = 0;
  bool equivalent() const;
  std::string table() const;  // a readable report
};

// Runs seeds 1..seeds (replication 0) in both modes on `threads` threads and tests each main
// outcome at family_alpha / (number of outcomes).
//
// With a record file, every seed's outcomes in both modes are appended to it (CSV, flushed
// seed by seed) and seeds already recorded there are not run again: a comparison that takes
// hours can be stopped and resumed. A seed recorded in reference mode only is run in fast mode
// only (to re-check fast mode after a change to it alone, keep a record's reference lines). With
// `record_only_report`, nothing is run and the test is made on the seeds the file holds (at
// least 2).
ModeEquivalence compare_modes(const scenario::Scenario& s, int seeds, int threads, double family_alpha,
                              const std::string& record_path = "", bool record_only_report = false);

}  // namespace mailstorm::models
