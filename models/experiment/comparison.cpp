#include "models/experiment/comparison.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "models/experiment/outcome_stats.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::models::experiment {

std::vector<CompareRow> compare_rows(const std::vector<std::string>& names,
                                     const std::vector<std::string>& outcomes,
                                     const std::vector<std::vector<std::vector<double>>>& values) {
  std::vector<CompareRow> rows;
  for (std::size_t v = 1; v < names.size(); ++v)
    for (std::size_t o = 0; o < outcomes.size(); ++o) {
      std::vector<double> base, variant, diff;
      for (std::size_t r = 0; r < values[0].size() && r < values[v].size(); ++r) {
        if (values[0][r].empty() || values[v][r].empty()) continue;  // pairs only
        base.push_back(values[0][r][o]);
        variant.push_back(values[v][r][o]);
        diff.push_back(values[v][r][o] - values[0][r][o]);
      }
      CompareRow row;
      row.variant = names[v];
      row.outcome = outcomes[o];
      row.base_mean = describe(base).mean;
      row.variant_mean = describe(variant).mean;
      const Describe d = describe(diff);
      row.diff_mean = d.mean;
      row.diff_low = d.ci95_low;
      row.diff_high = d.ci95_high;
      row.n = d.n;
      row.percent_change = row.base_mean != 0 ? 100.0 * d.mean / row.base_mean
                                              : std::numeric_limits<double>::quiet_NaN();
      rows.push_back(row);
    }
  return rows;
}

namespace {
std::string num(double x) { return std::isnan(x) ? std::string() : json_number(x); }
}  // namespace

std::string percent_text(double pct) {
  if (std::isnan(pct)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.1f%%", pct);
  return buf;
}

std::string short_number(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string compare_csv(const std::vector<CompareRow>& rows) {
  std::string out =
      "variant,outcome,base_mean,variant_mean,diff_mean,diff_ci95_low,diff_ci95_high,percent_change,n\n";
  for (const CompareRow& r : rows)
    out += csv_field(r.variant) + "," + r.outcome + "," + num(r.base_mean) + "," + num(r.variant_mean) +
           "," + num(r.diff_mean) + "," + num(r.diff_low) + "," + num(r.diff_high) + "," +
           num(r.percent_change) + "," + std::to_string(r.n) + "\n";
  return out;
}

std::string compare_markdown(const std::string& base, const std::vector<CompareRow>& rows) {
  std::string out = "# Comparison with " + base + "\n\nDifferences are variant minus base on common random "
                    "numbers, with 95 % Student-t intervals over the paired replications.\n";
  std::string current;
  for (const CompareRow& r : rows) {
    if (r.variant != current) {
      current = r.variant;
      out += "\n## " + r.variant + "\n\n"
             "| outcome | base mean | variant mean | difference | 95 % interval | change | n |\n"
             "|---|---:|---:|---:|---:|---:|---:|\n";
    }
    out += "| " + r.outcome + " | " + short_number(r.base_mean) + " | " + short_number(r.variant_mean) +
           " | " + short_number(r.diff_mean) + " | [" + short_number(r.diff_low) + ", " +
           short_number(r.diff_high) + "] | " + percent_text(r.percent_change) + " | " +
           std::to_string(r.n) + " |\n";
  }
  return out;
}

std::string compare_json(const CompareInfo& info) {
  JsonWriter w;
  w.begin_object();
  w.key("format").value("mailstorm-compare");
  w.key("format_version").value(1);
  w.key("version").value(mailstorm_version());
  w.key("git_revision").value(mailstorm_git_revision());
  w.key("base").value(info.base_file);
  w.key("variants").begin_array();
  for (const auto& [name, file] : info.variants) {
    w.begin_object();
    w.key("name").value(name);
    w.key("file").value(file);
    w.end_object();
  }
  w.end_array();
  w.key("replications").value(info.replications);
  w.key("seed").value(info.seed);
  w.key("mode").value(info.mode);
  w.key("outcomes").begin_array();
  for (const std::string& o : info.outcomes) w.value(o);
  w.end_array();
  w.end_object();
  return w.str();
}

}  // namespace mailstorm::models::experiment
