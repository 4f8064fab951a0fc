// Tests of the run statistics: moments and merging, t intervals and their coverage, quantiles,
// histograms, time-binned counters and time-weighted averages.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <catch2/catch.hpp>

#include "sim/random.hpp"
#include "sim/stats.hpp"

using namespace mailstorm::sim;

namespace {

std::vector<double> sample_values(std::size_t n, std::uint64_t seed, double offset) {
  RandomStream r(seed, 0, 0);
  std::vector<double> xs(n);
  // A large offset: at 1e9 the naive sum-of-squares formula loses every digit, Welford's keeps
  // about seven (the data themselves are only rounded to 1e-7).
  for (double& x : xs) x = offset + r.lognormal(0.0, 1.0);
  return xs;
}

}  // namespace

TEST_CASE("stats: RunningStats agrees with a two-pass computation", "[stats]") {
  const auto xs = sample_values(100'000, 1, 1e9);
  RunningStats s;
  for (double x : xs) s.add(x);
  double mean = 0;
  for (double x : xs) mean += x;
  mean /= static_cast<double>(xs.size());
  double m2 = 0;
  for (double x : xs) m2 += (x - mean) * (x - mean);
  const double variance = m2 / static_cast<double>(xs.size() - 1);

  CHECK(s.count() == xs.size());
  CHECK(s.mean() == Approx(mean).epsilon(1e-14));
  CHECK(s.variance() == Approx(variance).epsilon(1e-6));
  CHECK(s.stddev() == Approx(std::sqrt(variance)).epsilon(1e-6));
  CHECK(s.min() == *std::min_element(xs.begin(), xs.end()));
  CHECK(s.max() == *std::max_element(xs.begin(), xs.end()));
}

TEST_CASE("stats: RunningStats edge cases", "[stats]") {
  RunningStats s;
  CHECK(s.count() == 0);
  CHECK(s.variance() == 0);
  CHECK(s.confidence_interval().half_width == 0);
  s.add(3.5);
  CHECK(s.mean() == 3.5);
  CHECK(s.variance() == 0);
  const ConfidenceInterval one = s.confidence_interval();
  CHECK(one.low == 3.5);
  CHECK(one.high == 3.5);
  CHECK(one.half_width == 0);
  s.add(5.5);
  CHECK(s.mean() == 4.5);
  CHECK(s.variance() == 2.0);
  // n = 2: t(0.975, 1) = 12.7062047361747; sd / sqrt(2) = 1.
  const ConfidenceInterval ci = s.confidence_interval(0.95);
  CHECK(ci.half_width == Approx(12.7062047361747).epsilon(1e-10));
  CHECK(ci.low == Approx(4.5 - 12.7062047361747));
  CHECK(ci.high == Approx(4.5 + 12.7062047361747));
  CHECK_THROWS_AS(s.confidence_interval(1.0), std::invalid_argument);
  CHECK_THROWS_AS(s.confidence_interval(0.0), std::invalid_argument);
}

TEST_CASE("stats: merge equals sequential adds", "[stats]") {
  const auto xs = sample_values(10'000, 2, 1e6);
  RunningStats all;
  for (double x : xs) all.add(x);
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{5000},
                            std::size_t{9999}, std::size_t{10000}}) {
    RunningStats a, b;
    for (std::size_t i = 0; i < xs.size(); ++i) (i < split ? a : b).add(xs[i]);
    a.merge(b);
    INFO("split " << split);
    CHECK(a.count() == all.count());
    CHECK(a.mean() == Approx(all.mean()).epsilon(1e-14));
    CHECK(a.variance() == Approx(all.variance()).epsilon(1e-8));
    CHECK(a.min() == all.min());
    CHECK(a.max() == all.max());
  }
  // Many small pieces, as replications merged one by one.
  RunningStats merged;
  for (std::size_t start = 0; start < xs.size(); start += 37) {
    RunningStats piece;
    for (std::size_t i = start; i < std::min(xs.size(), start + 37); ++i) piece.add(xs[i]);
    merged.merge(piece);
  }
  CHECK(merged.count() == all.count());
  CHECK(merged.mean() == Approx(all.mean()).epsilon(1e-14));
  CHECK(merged.variance() == Approx(all.variance()).epsilon(1e-8));
}

TEST_CASE("stats: student_t_quantile", "[stats]") {
  // Reference values (R: qt(p, df)).
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062047361747).epsilon(1e-12));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.262157162798205).epsilon(1e-12));
  CHECK(student_t_quantile(0.995, 29) == Approx(2.756385903670586).epsilon(1e-12));
  CHECK(student_t_quantile(0.025, 9) == Approx(-2.262157162798205).epsilon(1e-12));
  CHECK(student_t_quantile(0.5, 4) == Approx(0.0).margin(1e-15));
  // Large degrees of freedom tend to the normal quantile 1.959963984540054.
  CHECK(student_t_quantile(0.975, 1e6) == Approx(1.959966).epsilon(1e-6));
  CHECK(student_t_quantile(0.975, 1e12) == Approx(1.959963984540054).epsilon(1e-10));
  CHECK(student_t_quantile(0.975, std::numeric_limits<double>::infinity()) ==
        Approx(1.959963984540054).epsilon(1e-12));
  CHECK_THROWS_AS(student_t_quantile(0.0, 5), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(1.0, 5), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(0.9, 0), std::invalid_argument);
  CHECK_THROWS_AS(student_t_quantile(std::nan(""), 5), std::invalid_argument);
}

TEST_CASE("stats: 95% t intervals cover the mean 95% of the time", "[stats]") {
  // 2000 replications of 10 N(5, 2^2) draws. The number of intervals covering 5 is
  // Binomial(2000, 0.95) if the intervals are right; it must lie in that distribution's central
  // 99.9 % band (false-failure probability 0.001).
  constexpr int replications = 2000;
  RandomStream r(3, 0, 0);
  int covered = 0;
  for (int rep = 0; rep < replications; ++rep) {
    RunningStats s;
    for (int i = 0; i < 10; ++i) s.add(r.normal(5.0, 2.0));
    const ConfidenceInterval ci = s.confidence_interval(0.95);
    CHECK(ci.half_width == Approx((ci.high - ci.low) / 2));
    if (ci.low <= 5.0 && 5.0 <= ci.high) ++covered;
  }
  const boost::math::binomial_distribution<> coverage(replications, 0.95);
  const double lo = boost::math::quantile(coverage, 0.0005);
  const double hi = boost::math::quantile(boost::math::complement(coverage, 0.0005));
  INFO("covered " << covered << " of " << replications << ", band [" << lo << ", " << hi << "]");
  CHECK(covered >= lo);
  CHECK(covered <= hi);
}

TEST_CASE("stats: quantiles are Hyndman-Fan type 7", "[stats]") {
  Quantiles q;
  CHECK(std::isnan(q.quantile(0.5)));
  // numpy.percentile([3, 1, 4, 1, 5, 9, 2, 6], [0, 25, 50, 90, 100]) = 1, 1.75, 3.5, 6.9, 9.
  for (double x : {3, 1, 4, 1, 5, 9, 2, 6}) q.add(x);
  CHECK(q.count() == 8);
  CHECK(q.quantile(0.0) == 1.0);
  CHECK(q.quantile(0.25) == Approx(1.75));
  CHECK(q.quantile(0.5) == Approx(3.5));
  CHECK(q.quantile(0.9) == Approx(6.9));
  CHECK(q.quantile(1.0) == 9.0);
  // Adding after a query re-sorts.
  q.add(0);
  CHECK(q.quantile(0.0) == 0.0);
  CHECK(q.quantile(0.5) == 3.0);  // sorted 0 1 1 2 3 4 5 6 9, h = 4
  CHECK_THROWS_AS(q.quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(q.quantile(-0.1), std::invalid_argument);

  Quantiles single;
  single.add(7);
  CHECK(single.quantile(0.0) == 7);
  CHECK(single.quantile(0.3) == 7);
  CHECK(single.quantile(1.0) == 7);
}

TEST_CASE("stats: histogram bins, underflow and overflow", "[stats]") {
  Histogram h(0.0, 10.0, 5);
  CHECK(h.bin_width() == 2.0);
  CHECK(h.bin_low(3) == 6.0);
  h.add(-0.001);
  h.add(-5, 2.0);
  h.add(0.0);
  h.add(1.999);
  h.add(2.0);
  h.add(9.999999999);
  h.add(std::nextafter(10.0, 0.0));
  h.add(10.0);
  h.add(1e300, 0.5);
  h.add(std::numeric_limits<double>::infinity());
  h.add(-std::numeric_limits<double>::infinity());
  CHECK(h.underflow() == 4.0);
  CHECK(h.overflow() == 2.5);
  CHECK(h.counts() == std::vector<double>{2, 1, 0, 0, 2});
  CHECK_THROWS_AS(h.add(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(Histogram(0, 10, 0), std::invalid_argument);
  CHECK_THROWS_AS(Histogram(5, 5, 3), std::invalid_argument);
  CHECK_THROWS_AS(Histogram(5, 1, 3), std::invalid_argument);
}

TEST_CASE("stats: time-binned counter", "[stats]") {
  TimeBinnedCounter c(seconds(10));
  CHECK(c.bin_width() == seconds(10));
  CHECK(c.bins().empty());
  c.add(Time::zero());
  c.add(Time::zero() + seconds(10) - microseconds(1));
  c.add(Time::zero() + seconds(10));
  c.add(Time::zero() + seconds(35), 2.5);
  CHECK(c.bins() == std::vector<double>{2, 1, 0, 2.5});
  CHECK(c.total() == 5.5);
  // Out of order is fine: bins are by time, not by arrival.
  c.add(Time::zero() + seconds(21));
  CHECK(c.bins() == std::vector<double>{2, 1, 1, 2.5});
  CHECK_THROWS_AS(c.add(Time{-1}), std::invalid_argument);
  CHECK_THROWS_AS(TimeBinnedCounter(Duration{0}), std::invalid_argument);
  CHECK_THROWS_AS(TimeBinnedCounter(seconds(-1)), std::invalid_argument);
}

TEST_CASE("stats: time-weighted average", "[stats]") {
  // Level 0 on [0, 2), 3 on [2, 5), 1 for no time at 5, then 4 on [5, 10):
  // (0*2 + 3*3 + 4*5) / 10 = 2.9.
  TimeWeightedAverage a;
  CHECK(a.mean(Time::zero()) == 0.0);
  a.set(Time::zero() + seconds(2), 3);
  a.set(Time::zero() + seconds(5), 1);
  a.set(Time::zero() + seconds(5), 4);
  CHECK(a.level() == 4);
  CHECK(a.max() == 4);
  CHECK(a.mean(Time::zero() + seconds(10)) == Approx(2.9));
  CHECK(a.mean(Time::zero() + seconds(5)) == Approx(9.0 / 5));
  CHECK_THROWS_AS(a.set(Time::zero() + seconds(4), 1), std::invalid_argument);
  CHECK_THROWS_AS(a.mean(Time::zero() + seconds(4)), std::invalid_argument);

  // A start other than zero and an initial level.
  TimeWeightedAverage b(Time::zero() + seconds(100), 2.0);
  CHECK(b.mean(Time::zero() + seconds(100)) == 2.0);
  b.set(Time::zero() + seconds(110), 6.0);
  CHECK(b.mean(Time::zero() + seconds(120)) == Approx(4.0));
  CHECK(b.max() == 6.0);
}

TEST_CASE("two-sample Kolmogorov-Smirnov: statistic, ties, level and power", "[stats][ks]") {
  SECTION("the statistic by hand, with ties") {
    const TwoSampleKs same = ks_two_sample({1, 2, 2, 3}, {3, 2, 1, 2});
    CHECK(same.d == 0.0);
    CHECK(same.p_value == Approx(1.0));
    // F_a - F_b is largest after 2: a has 3 of 4 values <= 2, b has 0 of 2.
    const TwoSampleKs apart = ks_two_sample({1, 2, 2, 5}, {3, 4});
    CHECK(apart.d == Approx(0.75));
    CHECK_THROWS_AS(ks_two_sample({}, {1.0}), std::invalid_argument);
  }
  SECTION("level: samples from one distribution are rejected at about the stated rate") {
    // 400 pairs of samples of 200 normals each, level 0.05: rejections follow Binomial(400, p)
    // with p <= 0.05 (the asymptotic test is slightly conservative); the count must stay below
    // the binomial 0.999 quantile for p = 0.05.
    RandomStream r(11, 0, 0);
    int rejected = 0;
    for (int k = 0; k < 400; ++k) {
      std::vector<double> a(200), b(200);
      for (double& x : a) x = r.normal(0, 1);
      for (double& x : b) x = r.normal(0, 1);
      rejected += ks_two_sample(a, b).p_value < 0.05 ? 1 : 0;
    }
    const boost::math::binomial_distribution<> bin(400, 0.05);
    CHECK(rejected <= static_cast<int>(boost::math::quantile(bin, 0.999)));
    CHECK(rejected >= 2);  // and it does reject now and then: not a test that cannot fail
  }
  SECTION("power: a shift of 0.7 standard deviations is found with 200 per sample") {
    RandomStream r(12, 0, 0);
    int found = 0;
    for (int k = 0; k < 50; ++k) {
      std::vector<double> a(200), b(200);
      for (double& x : a) x = r.normal(0, 1);
      for (double& x : b) x = r.normal(0.7, 1);
      found += ks_two_sample(a, b).p_value < 0.001 ? 1 : 0;
    }
    CHECK(found >= 45);
  }
}
