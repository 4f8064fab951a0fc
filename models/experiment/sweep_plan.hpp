// A scenario's [sweep] table read as a plan: which settings vary, over which values, which
// points of their cross product the constraint keeps, and how many replications by default.
//
//   [sweep]
//   behaviour.forward_share = [0.05, 0.1, 0.2]          # values, as the setting takes them
//   list.posting_policy = ["open", "moderated"]
//   population.members = { from = 500, to = 2000, step = 500 }   # a range (numbers)
//   constraint = "population.members * behaviour.forward_share <= 200"   # optional
//   replications = 20                                    # optional, default for --replications
//
// Settings can also be written as tables ([sweep.behaviour] forward_share = [...]) or quoted
// dotted keys; every other key is an error naming the file, line and the nearest setting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace mailstorm::models::experiment {

// One point of a sweep: the swept settings' values as `--set` writes them.
struct SweepPoint {
  std::string name;  // "base" without a [sweep] table, else "key=value,key=value" (safe chars)
  std::vector<std::pair<std::string, std::string>> values;
};

struct SweepPlan {
  // Swept settings in name order; the cross product varies the last one fastest.
  std::vector<std::string> keys;
  std::vector<SweepPoint> points;  // the cross product minus the points the constraint rejects
  std::optional<std::uint64_t> replications;
  std::string constraint;
};

// Reads the scenario's [sweep] table. Throws scenario::ScenarioError naming the file, line and
// key of any problem (unknown setting, a value the setting refuses, a bad range or constraint,
// two points whose names collide, a constraint that rejects every point).
SweepPlan sweep_plan(const scenario::Scenario& scenario);

// The scenario of one point: `base` with the point's values set.
scenario::Scenario point_scenario(const scenario::Scenario& base, const SweepPoint& point);

// Replaces every character outside [A-Za-z0-9._=,+-] by '_' (for folder names).
std::string filesystem_safe(std::string_view text);

}  // namespace mailstorm::models::experiment
