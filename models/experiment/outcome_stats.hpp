// Outcomes of many runs: their names, reading them back from summary.json, and the statistics
// the experiment tools report (mean with a Student-t interval, quantiles with distribution-free
// intervals, probabilities with Wilson intervals).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailstorm::models::experiment {

// The numeric outcomes of a run: the keys of summary.json's "outcomes" object whose values are
// numbers, in the order summary.json writes them.
const std::vector<std::string>& outcome_names();

// The values of `names` in a summary.json text. Throws JsonError if the text is not a complete
// summary or lacks one of them.
std::vector<double> read_outcomes(std::string_view summary_json, const std::vector<std::string>& names);

struct Describe {
  double mean = 0, sd = 0, ci95_low = 0, ci95_high = 0, min = 0, max = 0;
  std::uint64_t n = 0;
};
// Mean, sample standard deviation, Student-t 95 % interval for the mean (zero width for n < 2),
// min, max, n; the values are added in the order given, so the same values in the same order give
// bit-identical figures.
Describe describe(const std::vector<double>& values);

// A statistic with its 95 % interval; low/high may be -inf/+inf when the sample cannot bound it.
struct Estimate {
  double value = 0, low = 0, high = 0;
  bool has_interval = false;
};
// Sample quantile (type 7) with the order-statistic interval of at least 95 % coverage
// (binomial, distribution-free).
Estimate quantile_estimate(std::vector<double> values, double q);
// The share of values above (or below) `threshold` with its Wilson score 95 % interval.
Estimate probability_estimate(const std::vector<double>& values, double threshold, bool above);

}  // namespace mailstorm::models::experiment
