// The files of a sweep's output folder (the contract the report and notebooks read):
//   DIR/sweep.json    what was swept: scenario, seed, replications, mode, keys, points, outcomes
//   DIR/runs/<point>/rep-<NNNN>/summary.json   one per run (run_set.hpp)
//   DIR/summary.csv   point,<keys>,outcome,mean,sd,ci95_low,ci95_high,min,max,n
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/experiment/sweep_plan.hpp"
#include "models/scenario/scenario.hpp"

namespace mailstorm::models::experiment {

struct SweepInfo {
  std::string scenario_file, scenario_name, mode;
  std::uint64_t seed = 1, replications = 0;
  std::vector<std::string> keys;
  std::vector<SweepPoint> points;
  std::vector<std::string> outcomes;
  // A digest of every point's resolved settings: the same scenario (after --set) gives the same
  // fingerprint, so a folder is only resumed or merged with the sweep that made it.
  std::string fingerprint;
};

// A hex digest of every setting's value (name=value lines, registry order).
std::string settings_fingerprint(const scenario::Scenario& scenario);

// A hex FNV-1a digest of a text.
std::string text_fingerprint(std::string_view text);

std::string sweep_json(const SweepInfo& info);
// Reads DIR/sweep.json; throws OutputError naming the file and what is wrong with it.
SweepInfo read_sweep_json(const std::filesystem::path& dir);

// Same sweep (for resuming and merging): everything but the replication count agrees. Returns
// the first difference as text, empty when they agree.
std::string sweep_difference(const SweepInfo& a, const SweepInfo& b);

// summary.csv from values[point][replication][outcome]; runs with no values are left out of n.
std::string summary_csv(const SweepInfo& info,
                        const std::vector<std::vector<std::vector<double>>>& values);

// A CSV field, quoted when it must be.
std::string csv_field(std::string_view text);

}  // namespace mailstorm::models::experiment
