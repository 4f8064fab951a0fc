#include "models/experiment/outcome_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/settings.hpp"
#include "sim/stats.hpp"

namespace mailstorm::models::experiment {

const std::vector<std::string>& outcome_names() {
  // The one list of outcomes is the summary writer's: read it off the summary of an empty run.
  static const std::vector<std::string> names = [] {
    const scenario::Scenario s = scenario::default_scenario(settings_registry());
    const std::string text = summary_json(s, RunOptions{}, RunResult{});
    const JsonValue doc = parse_json(text, "summary.json");
    std::vector<std::string> out;
    for (const auto& [k, v] : doc.at("outcomes").members())
      if (v.is_number()) out.push_back(k);
    return out;
  }();
  return names;
}

std::vector<double> read_outcomes(std::string_view summary, const std::vector<std::string>& names) {
  const JsonValue doc = parse_json(summary, "summary.json");
  const JsonValue* format = doc.is_object() ? doc.find("format") : nullptr;
  if (format == nullptr || !format->is_string() || format->as_string() != "mailstorm-summary")
    throw JsonError("summary.json: not a mailstorm summary");
  const JsonValue& outcomes = doc.at("outcomes");
  std::vector<double> out;
  out.reserve(names.size());
  for (const std::string& n : names) out.push_back(outcomes.at(n).as_number());
  return out;
}

Describe describe(const std::vector<double>& values) {
  sim::RunningStats st;
  for (const double x : values) st.add(x);
  Describe d;
  d.n = st.count();
  if (d.n == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    d.mean = d.sd = d.ci95_low = d.ci95_high = d.min = d.max = nan;
    return d;
  }
  d.mean = st.mean();
  d.sd = st.stddev();
  const sim::ConfidenceInterval ci = st.confidence_interval(0.95);
  d.ci95_low = ci.low;
  d.ci95_high = ci.high;
  d.min = st.min();
  d.max = st.max();
  return d;
}

namespace {

// P(B <= k) for B ~ Binomial(n, p), summed in log space.
std::vector<double> binomial_cdf(std::size_t n, double p) {
  std::vector<double> cdf(n + 1);
  double acc = 0;
  for (std::size_t k = 0; k <= n; ++k) {
    const double dk = static_cast<double>(k), dn = static_cast<double>(n);
    double log_pmf = std::lgamma(dn + 1) - std::lgamma(dk + 1) - std::lgamma(dn - dk + 1);
    log_pmf += (k > 0 ? dk * std::log(p) : 0) + (k < n ? (dn - dk) * std::log1p(-p) : 0);
    acc += std::exp(log_pmf);
    cdf[k] = std::min(acc, 1.0);
  }
  return cdf;
}

}  // namespace

Estimate quantile_estimate(std::vector<double> values, double q) {
  Estimate e;
  if (values.empty()) {
    e.value = e.low = e.high = std::numeric_limits<double>::quiet_NaN();
    return e;
  }
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double h = (static_cast<double>(n) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, n - 1);
  e.value = values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  // Order statistics x(l) <= Q_q <= x(u) (1-based) hold with probability
  // P(l <= B < u), B ~ Binomial(n, q): take the largest l with P(B < l) <= 2.5 % and the smallest
  // u with P(B >= u) <= 2.5 %; beyond the sample the interval is unbounded.
  e.has_interval = true;
  if (q <= 0 || q >= 1) {
    e.low = e.high = e.value;
    return e;
  }
  const std::vector<double> cdf = binomial_cdf(n, q);
  std::size_t l = 0;  // P(B < l) = cdf[l-1]
  for (std::size_t k = 1; k <= n; ++k)
    if (cdf[k - 1] <= 0.025) l = k;
  std::size_t u = n + 1;  // P(B >= u) = 1 - cdf[u-1]
  for (std::size_t k = n; k >= 1; --k) {
    if (1 - cdf[k - 1] <= 0.025) u = k;
    else break;
  }
  const double inf = std::numeric_limits<double>::infinity();
  e.low = l >= 1 ? values[l - 1] : -inf;
  e.high = u <= n ? values[u - 1] : inf;
  return e;
}

Estimate probability_estimate(const std::vector<double>& values, double threshold, bool above) {
  Estimate e;
  const double n = static_cast<double>(values.size());
  if (values.empty()) {
    e.value = e.low = e.high = std::numeric_limits<double>::quiet_NaN();
    return e;
  }
  double hits = 0;
  for (const double x : values) hits += (above ? x > threshold : x < threshold) ? 1 : 0;
  const double p = hits / n, z = 1.959963984540054;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  e.value = p;
  e.low = std::max(0.0, centre - half);
  e.high = std::min(1.0, centre + half);
  e.has_interval = true;
  return e;
}

}  // namespace mailstorm::models::experiment
