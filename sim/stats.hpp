// Statistics for run outputs and replications: streaming moments with Student-t confidence
// intervals, quantiles and histograms, time-binned counters and time-weighted averages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/time.hpp"

namespace mailstorm::sim {

struct ConfidenceInterval {
  double low = 0, high = 0, half_width = 0;
};

// Quantile of Student's t distribution (two-sided intervals use p = 1 - alpha/2).
double student_t_quantile(double p, double degrees_of_freedom);

// Welford's streaming mean and variance; mergeable (Chan et al.) for parallel replications.
class RunningStats {
 public:
  void add(double x);
  void merge(const RunningStats& other);
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  // Sample variance (n - 1 denominator); 0 with fewer than two values.
  double variance() const;
  double stddev() const;
  double min() const { return min_; }
  double max() const { return max_; }
  // Student-t interval for the mean at the given level (0.95 = 95 %); zero width when n < 2.
  ConfidenceInterval confidence_interval(double level = 0.95) const;

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Exact sample quantiles (keeps the values; linear interpolation, Hyndman & Fan type 7, as R's
// default and numpy's "linear").
class Quantiles {
 public:
  void add(double x) {
    values_.push_back(x);
    sorted_ = false;
  }
  std::size_t count() const { return values_.size(); }
  double quantile(double q);  // q in [0, 1]; NaN when empty

 private:
  std::vector<double> values_;
  bool sorted_ = true;
};

// Fixed-width histogram over [low, high) with underflow and overflow counts.
class Histogram {
 public:
  Histogram(double low, double high, std::size_t bins);
  void add(double x, double weight = 1.0);
  const std::vector<double>& counts() const { return counts_; }
  double underflow() const { return underflow_; }
  double overflow() const { return overflow_; }
  double bin_low(std::size_t i) const { return low_ + width_ * static_cast<double>(i); }
  double bin_width() const { return width_; }

 private:
  double low_, width_;
  std::vector<double> counts_;
  double underflow_ = 0, overflow_ = 0;
};

// Sums amounts into bins of simulated time [k*bin, (k+1)*bin); grows as time advances.
class TimeBinnedCounter {
 public:
  explicit TimeBinnedCounter(Duration bin);
  void add(Time t, double amount = 1.0);
  Duration bin_width() const { return bin_; }
  const std::vector<double>& bins() const { return bins_; }
  double total() const { return total_; }

 private:
  Duration bin_;
  std::vector<double> bins_;
  double total_ = 0;
};

// Time-weighted average of a piecewise-constant level (a queue length, say): call set() whenever
// the level changes; mean(until) weights each level by how long it held.
// Two-sample Kolmogorov-Smirnov test: D = sup |F_a - F_b| (ties handled: both empirical
// distributions step together at a shared value) and its asymptotic p-value from Kolmogorov's
// distribution with Stephens' correction, n_e = n m / (n + m). Conservative for discrete data.
struct TwoSampleKs {
  double d = 0;
  double p_value = 1;
};
TwoSampleKs ks_two_sample(std::vector<double> a, std::vector<double> b);
// P(K > x) for Kolmogorov's limiting distribution.
double kolmogorov_survival(double x);

class TimeWeightedAverage {
 public:
  explicit TimeWeightedAverage(Time start = Time::zero(), double initial = 0.0)
      : last_t_(start), start_(start), level_(initial), max_(initial) {}
  void set(Time t, double level);
  double level() const { return level_; }
  double max() const { return max_; }
  double mean(Time until) const;

 private:
  Time last_t_, start_;
  double level_;
  double area_ = 0;
  double max_;
};

}  // namespace mailstorm::sim
