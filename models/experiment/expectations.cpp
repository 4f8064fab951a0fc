#include "models/experiment/expectations.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "models/output/results_writer.hpp"
#include "models/scenario/reserved_table.hpp"

namespace mailstorm::models::experiment {
namespace {

namespace sc = models::scenario;
using Kind = sc::PlainValue::Kind;

constexpr const char* kStatistics =
    "mean, sd, min, max, median, p1..p99, probability_above, probability_below";

sc::ScenarioError error_at(const sc::PlainValue& v, const std::string& key, const std::string& what) {
  return sc::ScenarioError(v.origin.file, v.origin.line, v.origin.column, key, what);
}

std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string outcome_hint(const std::string& name) {
  std::string best;
  std::size_t best_d = 4;
  for (const std::string& o : outcome_names()) {
    const std::size_t d = distance(name, o);
    if (d < best_d) best_d = d, best = o;
  }
  std::string all;
  for (const std::string& o : outcome_names()) all += (all.empty() ? "" : ", ") + o;
  return (best.empty() ? std::string() : "; did you mean '" + best + "'?") + " (outcomes: " + all + ")";
}

// "< 500" -> ("<", 500)
bool parse_bound(const std::string& text, std::string& op, double& bound) {
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  for (const char* candidate : {"<=", ">=", "<", ">"}) {
    const std::string c(candidate);
    if (text.compare(i, c.size(), c) == 0) {
      op = c;
      i += c.size();
      break;
    }
  }
  if (op.empty()) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::size_t end = text.size();
  while (end > i && text[end - 1] == ' ') --end;
  if (i == end) return false;
  const auto [p, ec] = std::from_chars(text.data() + i, text.data() + end, bound);
  return ec == std::errc() && p == text.data() + end && std::isfinite(bound);
}

}  // namespace

ExpectTable expect_table(const sc::Scenario& scenario) {
  const sc::PlainValue table = sc::reserved_table(scenario, "expect");
  ExpectTable out;
  const auto& names = outcome_names();
  for (const auto& [outcome, stats] : table.members) {
    if (outcome == "replications") {
      if (stats.kind != Kind::integer || stats.integer < 1 || stats.integer > 1000000)
        throw error_at(stats, "expect.replications",
                       "expected a whole number of replications from 1 to 1000000, got " + stats.text);
      out.replications = static_cast<std::uint64_t>(stats.integer);
      continue;
    }
    const auto found = std::find(names.begin(), names.end(), outcome);
    if (found == names.end())
      throw error_at(stats, "expect." + outcome, "unknown outcome '" + outcome + "'" + outcome_hint(outcome));
    if (stats.kind != Kind::table)
      throw error_at(stats, "expect." + outcome,
                     "expected statistics with bounds, e.g. " + outcome + ".p95 = \"< 500\" or " +
                         outcome + ".mean = \"<= 1e5\"; got " + stats.text);
    for (const auto& [statistic, v] : stats.members) {
      Expectation e;
      e.outcome = outcome;
      e.outcome_index = static_cast<std::size_t>(found - names.begin());
      e.statistic = statistic;
      e.origin = v.origin;
      const std::string key = "expect." + outcome + "." + statistic;
      const bool probability = statistic == "probability_above" || statistic == "probability_below";
      bool known = probability || statistic == "mean" || statistic == "sd" ||
                   statistic == "min" || statistic == "max" || statistic == "median";
      if (statistic == "median") e.quantile = 0.5;
      if (!known && statistic.size() >= 2 && statistic.size() <= 3 && statistic[0] == 'p') {
        int pct = 0;
        const auto [p, ec] = std::from_chars(statistic.data() + 1, statistic.data() + statistic.size(), pct);
        if (ec == std::errc() && p == statistic.data() + statistic.size() && pct >= 1 && pct <= 99 &&
            statistic[1] != '0') {
          known = true;
          e.quantile = pct / 100.0;
        }
      }
      if (!known)
        throw error_at(v, key, "unknown statistic '" + statistic + "'; statistics: " + kStatistics);
      std::string bound_text;
      const sc::PlainValue* bound_at = &v;
      if (probability) {
        if (v.kind != Kind::table)
          throw error_at(v, key, "a probability needs a threshold: " + outcome + "." + statistic +
                                     " = { threshold = 1000, bound = \"< 0.05\" }");
        bool have_threshold = false;
        for (const auto& [k, part] : v.members) {
          if (k == "threshold" && (part.kind == Kind::integer || part.kind == Kind::real)) {
            e.threshold = part.real;
            have_threshold = true;
          } else if (k == "bound" && part.kind == Kind::string) {
            bound_text = part.text;
            bound_at = &part;
          } else {
            throw error_at(part, key + "." + k,
                           "expected { threshold = <number>, bound = \"< 0.05\" }, got " + k + " = " + part.text);
          }
        }
        if (!have_threshold || bound_text.empty())
          throw error_at(v, key, "expected { threshold = <number>, bound = \"< 0.05\" }");
      } else {
        if (v.kind != Kind::string)
          throw error_at(v, key, "expected a bound as a string, e.g. \"< 500\" or \">= 0.9\"; got " + v.text);
        bound_text = v.text;
      }
      if (!parse_bound(bound_text, e.op, e.bound))
        throw error_at(*bound_at, key,
                       "expected a bound: <, <=, > or >= and a number, e.g. \"< 500\"; got \"" +
                           bound_text + "\"");
      e.text = statistic + "(" + outcome +
               (probability ? std::string(statistic == "probability_above" ? " > " : " < ") +
                                  json_number(e.threshold)
                            : std::string()) +
               ") " + e.op + " " + json_number(e.bound);
      out.expectations.push_back(std::move(e));
    }
  }
  // In the order they are written: the scenario's own file first, then its bases'.
  std::stable_sort(out.expectations.begin(), out.expectations.end(),
                   [&](const Expectation& a, const Expectation& b) {
                     const auto rank = [&](const std::string& f) {
                       const auto& files = scenario.files();
                       return std::find(files.begin(), files.end(), f) - files.begin();
                     };
                     return std::make_pair(rank(a.origin.file), a.origin.line) <
                            std::make_pair(rank(b.origin.file), b.origin.line);
                   });
  return out;
}

Verdict judge(const Expectation& e, const std::vector<double>& values) {
  Verdict v;
  if (e.statistic == "mean") {
    const Describe d = describe(values);
    v.estimate = Estimate{d.mean, d.ci95_low, d.ci95_high, d.n >= 2};
  } else if (e.statistic == "sd" || e.statistic == "min" || e.statistic == "max") {
    const Describe d = describe(values);
    const double x = e.statistic == "sd" ? d.sd : e.statistic == "min" ? d.min : d.max;
    v.estimate = Estimate{x, x, x, false};
  } else if (e.statistic == "probability_above" || e.statistic == "probability_below") {
    v.estimate = probability_estimate(values, e.threshold, e.statistic == "probability_above");
  } else {
    v.estimate = quantile_estimate(values, e.quantile);
  }
  auto satisfies = [&](double x) {
    if (e.op == "<") return x < e.bound;
    if (e.op == "<=") return x <= e.bound;
    if (e.op == ">") return x > e.bound;
    return x >= e.bound;
  };
  v.holds = satisfies(v.estimate.value);
  // Conclusive: the interval lies wholly on one side (min, max and sd are exact for the sample).
  if (!v.estimate.has_interval) {
    v.conclusive = true;
  } else {
    const bool low_ok = satisfies(v.estimate.low), high_ok = satisfies(v.estimate.high);
    v.conclusive = low_ok == high_ok && low_ok == v.holds;
  }
  return v;
}

}  // namespace mailstorm::models::experiment
