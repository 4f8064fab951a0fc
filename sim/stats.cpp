// Run and replication statistics: moments with Student-t intervals, quantiles, histograms,
// time-binned counters and time-weighted averages.
#include "sim/stats.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace mailstorm::sim {

double student_t_quantile(double p, double degrees_of_freedom) {
  if (!(p > 0.0 && p < 1.0))
    throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(degrees_of_freedom > 0.0))
    throw std::invalid_argument("student_t_quantile: degrees of freedom must be > 0");
  // Beyond 1e8 degrees of freedom t and the standard normal agree to ~1e-8; the normal also
  // covers infinity, which Boost's students_t does not accept everywhere.
  if (degrees_of_freedom > 1e8) return boost::math::quantile(boost::math::normal_distribution<>(), p);
  return boost::math::quantile(boost::math::students_t_distribution<>(degrees_of_freedom), p);
}

void RunningStats::add(double x) {
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

void RunningStats::merge(const RunningStats& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  // Chan, Golub & LeVeque (1979), the pairwise update.
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_ += other.m2_ + delta * delta * (na * nb / n);
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double RunningStats::variance() const {
  if (n_ < 2) return 0.0;
  return m2_ / static_cast<double>(n_ - 1);
}

double RunningStats::stddev() const { return std::sqrt(variance()); }

ConfidenceInterval RunningStats::confidence_interval(double level) const {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument("RunningStats::confidence_interval: level must be in (0, 1)");
  if (n_ < 2) return {mean_, mean_, 0.0};
  const double t = student_t_quantile(0.5 + level / 2.0, static_cast<double>(n_ - 1));
  const double half = t * stddev() / std::sqrt(static_cast<double>(n_));
  return {mean_ - half, mean_ + half, half};
}

double Quantiles::quantile(double q) {
  if (!(q >= 0.0 && q <= 1.0)) throw std::invalid_argument("Quantiles::quantile: q must be in [0, 1]");
  if (values_.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!sorted_) {
    std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
  // Hyndman & Fan type 7: h = (n - 1) q, interpolate between the neighbouring order statistics.
  const double h = static_cast<double>(values_.size() - 1) * q;
  const double lower = std::floor(h);
  const auto i = static_cast<std::size_t>(lower);
  if (i + 1 >= values_.size()) return values_.back();
  return values_[i] + (h - lower) * (values_[i + 1] - values_[i]);
}

Histogram::Histogram(double low, double high, std::size_t bins)
    : low_(low), width_((high - low) / static_cast<double>(bins)), counts_(bins, 0.0) {
  if (bins == 0) throw std::invalid_argument("Histogram: needs at least one bin");
  if (!(std::isfinite(low) && std::isfinite(high) && low < high) || !(width_ > 0.0))
    throw std::invalid_argument("Histogram: needs finite low < high");
}

void Histogram::add(double x, double weight) {
  if (std::isnan(x)) throw std::invalid_argument("Histogram::add: value is NaN");
  if (x < low_) {
    underflow_ += weight;
    return;
  }
  const double position = (x - low_) / width_;
  if (!(position < static_cast<double>(counts_.size()))) {
    overflow_ += weight;
    return;
  }
  // Rounding of (x - low) / width can reach counts_.size() for x just below high.
  const auto i = std::min(static_cast<std::size_t>(position), counts_.size() - 1);
  counts_[i] += weight;
}

TimeBinnedCounter::TimeBinnedCounter(Duration bin) : bin_(bin) {
  if (bin.us <= 0) throw std::invalid_argument("TimeBinnedCounter: bin width must be positive");
}

void TimeBinnedCounter::add(Time t, double amount) {
  if (t.us < 0) throw std::invalid_argument("TimeBinnedCounter::add: time is negative");
  const auto i = static_cast<std::size_t>(t.us / bin_.us);
  if (i >= bins_.size()) bins_.resize(i + 1, 0.0);
  bins_[i] += amount;
  total_ += amount;
}

void TimeWeightedAverage::set(Time t, double level) {
  if (t < last_t_)
    throw std::invalid_argument("TimeWeightedAverage::set: time is earlier than the last update");
  area_ += level_ * static_cast<double>((t - last_t_).us);
  last_t_ = t;
  level_ = level;
  max_ = std::max(max_, level);
}

double TimeWeightedAverage::mean(Time until) const {
  if (until < last_t_)
    throw std::invalid_argument("TimeWeightedAverage::mean: time is earlier than the last update");
  const double span = static_cast<double>((until - start_).us);
  if (span == 0.0) return level_;
  return (area_ + level_ * static_cast<double>((until - last_t_).us)) / span;
}

double kolmogorov_survival(double x) {
  if (x <= 0) return 1.0;
  if (x < 0.2) return 1.0;  // the series converges slowly there; the value is 1 to 1e-10
  double sum = 0;
  for (int k = 1; k <= 200; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += (k % 2 == 1 ? term : -term);
    if (term < 1e-18) break;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

TwoSampleKs ks_two_sample(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) throw std::invalid_argument("ks_two_sample: both samples must be non-empty");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const auto n = static_cast<double>(a.size()), m = static_cast<double>(b.size());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  const double ne = n * m / (n + m);
  const double sn = std::sqrt(ne);
  TwoSampleKs r;
  r.d = d;
  r.p_value = kolmogorov_survival((sn + 0.12 + 0.11 / sn) * d);
  return r;
}

}  // namespace mailstorm::sim
