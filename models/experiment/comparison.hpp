// Comparing variants of a scenario with a base on common random numbers: replication r of every
// scenario uses the same seed and replication, and each variant's difference from the base is
// estimated from the paired per-replication differences (Student-t 95 % interval).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailstorm::models::experiment {

struct CompareRow {
  std::string variant, outcome;
  double base_mean = 0, variant_mean = 0, diff_mean = 0, diff_low = 0, diff_high = 0;
  double percent_change = 0;  // 100 * diff / base mean; NaN when the base mean is 0
  std::uint64_t n = 0;
};

// values[scenario][replication][outcome], the base first. One row per variant and outcome.
std::vector<CompareRow> compare_rows(const std::vector<std::string>& names,
                                     const std::vector<std::string>& outcomes,
                                     const std::vector<std::vector<std::vector<double>>>& values);

// variant,outcome,base_mean,variant_mean,diff_mean,diff_ci95_low,diff_ci95_high,percent_change,n
std::string compare_csv(const std::vector<CompareRow>& rows);
// The same as a Markdown table (a section per variant), with the base's name in the title.
std::string compare_markdown(const std::string& base, const std::vector<CompareRow>& rows);

struct CompareInfo {
  std::string base_file, mode;
  std::vector<std::pair<std::string, std::string>> variants;  // name, file
  std::uint64_t replications = 0, seed = 1;
  std::vector<std::string> outcomes;
};
std::string compare_json(const CompareInfo& info);

// "+12.5%" / "-3.1%" / "n/a"; numbers for tables with 4 significant digits.
std::string percent_text(double pct);
std::string short_number(double x);

}  // namespace mailstorm::models::experiment
