// A scenario's [expect] table: bounds on outcome statistics that `mailstorm check` verifies.
//
//   [expect]
//   replications = 200                                  # optional: how many runs the check takes
//   sender_inbox_peak_per_hour.p95 = "< 500"
//   messages_total.mean = "< 1e5"
//   complaints.max = "<= 20"
//   forwards.probability_above = { threshold = 1000, bound = "< 0.05" }
//
// A key is an outcome (a numeric key of summary.json's "outcomes") and a statistic: mean, sd,
// min, max, median, p1..p99 (quantiles), probability_above / probability_below (the share of runs
// beyond a threshold). A bound is "<", "<=", ">" or ">=" and a number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/experiment/outcome_stats.hpp"
#include "models/scenario/scenario.hpp"

namespace mailstorm::models::experiment {

struct Expectation {
  std::string outcome;
  std::size_t outcome_index = 0;  // in outcome_names()
  std::string statistic;          // "mean", "p95", "probability_above", ...
  double quantile = 0;            // for quantiles (0.95 for p95)
  double threshold = 0;           // for probabilities
  std::string op;                 // "<", "<=", ">", ">="
  double bound = 0;
  std::string text;               // "p95(sender_inbox_peak_per_hour) < 500"
  scenario::Origin origin;        // where the key is written
};

struct ExpectTable {
  std::vector<Expectation> expectations;  // in file order (the scenario's file, then its bases')
  std::optional<std::uint64_t> replications;
};

// Reads the [expect] table; throws scenario::ScenarioError naming the file, line, key and what is
// allowed (the outcome list, the statistics, the bound syntax).
ExpectTable expect_table(const scenario::Scenario& scenario);

struct Verdict {
  Estimate estimate;  // the statistic and its 95 % interval (has_interval false for min/max/sd)
  bool holds = false;       // the estimate satisfies the bound
  bool conclusive = false;  // the whole interval satisfies it (or violates it)
};

// Evaluates one expectation on the values of its outcome across the replications.
Verdict judge(const Expectation& e, const std::vector<double>& values);

}  // namespace mailstorm::models::experiment
