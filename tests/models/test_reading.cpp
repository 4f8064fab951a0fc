// Reading: activity profiles, the exact inversion of cumulative activity, and the delay mixture.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "models/behaviour/reading.hpp"

using namespace mailstorm;
using models::ActivityProfile;
using models::ReadingDelayModel;

namespace {
// 2000-06-26 was a Monday; a calendar starting Monday 00:00 JST.
const sim::Calendar monday = sim::Calendar::parse("2000-06-26T00:00:00+09:00");
sim::Time at_hours(double h) { return sim::Time::zero() + sim::seconds_f(h * 3600.0); }

// Active 12:00-24:00 every day, nothing 00:00-12:00: normalised weight 2 in the active half.
ActivityProfile afternoons() {
  std::array<double, 168> w{};
  for (int h = 0; h < 168; ++h) w[static_cast<std::size_t>(h)] = h % 24 >= 12 ? 1.0 : 0.0;
  return ActivityProfile(w);
}
}  // namespace

TEST_CASE("profiles are normalised to mean 1 and bad weights are rejected", "[reading]") {
  for (const char* name : {"flat", "office", "home_evening", "dialup_jp2000"}) {
    INFO(name);
    const ActivityProfile p = ActivityProfile::named(name);
    double sum = 0.0;
    for (int h = 0; h < 168; ++h) {
      CHECK(p.weight(h) >= 0.0);
      sum += p.weight(h);
    }
    CHECK(sum == Approx(168.0));
  }
  CHECK(afternoons().weight(12) == Approx(2.0));
  CHECK_THROWS_AS(ActivityProfile::named("telehodai"), std::invalid_argument);
  std::array<double, 168> zero{};
  CHECK_THROWS_AS(ActivityProfile(zero), std::invalid_argument);
  std::array<double, 168> negative{};
  negative.fill(1.0);
  negative[5] = -0.1;
  CHECK_THROWS_AS(ActivityProfile(negative), std::invalid_argument);
  // Shapes: office weekday 10:00 beats Saturday 10:00; dialup 23:00 beats weekday 15:00.
  const ActivityProfile office = ActivityProfile::named("office");
  CHECK(office.weight(2 * 24 + 10) > 5 * office.weight(5 * 24 + 10));
  const ActivityProfile dialup = ActivityProfile::named("dialup_jp2000");
  CHECK(dialup.weight(2 * 24 + 23) > 20 * dialup.weight(2 * 24 + 15));
  CHECK(dialup.weight(5 * 24 + 15) > 2 * dialup.weight(2 * 24 + 15));  // weekend afternoon
}

TEST_CASE("a flat profile advances by plain hours", "[reading]") {
  const ActivityProfile flat;
  const sim::Time from = at_hours(13.0 + 17.0 / 60.0) + sim::microseconds(123);
  for (double h : {0.0, 1e-6, 0.25, 1.0, 10.5, 167.9, 168.0, 1000.0, 12345.678}) {
    INFO(h);
    CHECK(std::llabs((flat.advance(monday, from, h) - from).us - std::llround(h * 3.6e9)) <= 1);
  }
}

TEST_CASE("one active hour from a zero-weight period lands exactly in the next active hour", "[reading]") {
  const ActivityProfile p = afternoons();
  // Monday 03:00 (inactive) + 1 active hour = 12:00 + 30 min (weight 2).
  CHECK(p.advance(monday, at_hours(3.0), 1.0) == at_hours(12.5));
  // From 11:59:59.999999 the same.
  CHECK(p.advance(monday, at_hours(12.0) - sim::microseconds(1), 1.0) == at_hours(12.5));
  // The partial first hour: from 12:30, 1 active hour = 13:00.
  CHECK(p.advance(monday, at_hours(12.5), 1.0) == at_hours(13.0));
  // 24 active hours from 12:00 fill the first afternoon exactly: the earliest instant is midnight.
  CHECK(p.advance(monday, at_hours(12.0), 24.0) == at_hours(24.0));
  // A hair more jumps over the night to Tuesday 12:00.
  // (2e-9 active hours at weight 2 = 3.6 microseconds.)
  CHECK(std::llabs((p.advance(monday, at_hours(12.0), 24.0 + 2e-9) - at_hours(36.0)).us - 4) <= 1);
  // Several weeks: 7 days = 168 active hours; from Monday 18:00 + 3*168 + 2 -> Monday 19:00, 3 weeks on.
  CHECK(p.advance(monday, at_hours(18.0), 3 * 168.0 + 2.0) == at_hours(3 * 168.0 + 19.0));
  // Zero active hours: no move, even in an inactive hour.
  CHECK(p.advance(monday, at_hours(3.0), 0.0) == at_hours(3.0));
}

TEST_CASE("advance inverts the cumulative activity (random check against a direct walk)", "[reading]") {
  const ActivityProfile p = ActivityProfile::named("dialup_jp2000");
  const sim::Calendar jst = sim::Calendar::parse("2000-06-24T13:17:00+09:00");  // a Saturday
  sim::RandomStream rng(7, 0, 1);
  for (int i = 0; i < 200; ++i) {
    const sim::Time from = sim::Time::zero() + sim::seconds_f(rng.uniform(0.0, 400.0 * 3600.0));
    const double active = rng.uniform(0.0, 300.0);
    const sim::Time to = p.advance(jst, from, active);
    // Walk hour boundaries from `from` to `to`, integrating the weights.
    double acc = 0.0;
    sim::Time t = from;
    while (t < to) {
      const sim::LocalDateTime l = jst.local(t);
      const std::int64_t into = (l.minute * 60 + l.second) * 1'000'000LL + t.us % 1'000'000;
      const sim::Time next_hour = std::min(to, t + sim::Duration{3'600'000'000LL - into});
      acc += p.weight(l.weekday * 24 + l.hour) * (next_hour - t).hours();
      t = next_hour;
    }
    CHECK(acc == Approx(active).margin(1e-6));
  }
}

TEST_CASE("mixture: the empirical median matches the analytic one", "[reading][statistical]") {
  // Over n = 200000 draws the sample median's standard error is 1 / (2 f(m) sqrt(n)) in the cdf
  // scale, about 0.0011; we require |F(sample median) - 0.5| < 0.005 (more than 4 standard
  // errors) with a fixed seed.
  const ReadingDelayModel model = ReadingDelayModel::calibrated_default();
  const double m = model.median_hours();
  CHECK(model.cdf(m) == Approx(0.5).margin(1e-9));
  sim::RandomStream rng(2000, 0, 42);
  std::vector<double> draws(200000);
  for (double& d : draws) d = model.sample_hours(rng);
  std::nth_element(draws.begin(), draws.begin() + draws.size() / 2, draws.end());
  const double empirical = draws[draws.size() / 2];
  CHECK(std::abs(model.cdf(empirical) - 0.5) < 0.005);
  CHECK(empirical == Approx(m).epsilon(0.03));
  // The calibration points quoted in reading.cpp.
  CHECK(model.cdf(1.0) == Approx(0.29).margin(0.02));
  CHECK(model.cdf(2.0) == Approx(0.45).margin(0.02));
  CHECK(model.cdf(24.0) == Approx(0.85).margin(0.02));
  // A single component: median is its median.
  const ReadingDelayModel one{{{1.0, 3.0, 0.7}}};
  CHECK(one.median_hours() == Approx(3.0).epsilon(1e-9));
  CHECK_THROWS_AS(ReadingDelayModel{}.sample_hours(rng), std::invalid_argument);
}

TEST_CASE("bestboy: dial-up readers in Japan read a Saturday 13:17 mail mostly that night",
          "[reading][statistical]") {
  // Messages delivered Saturday 2000-06-24 13:17 JST, delays from the default model laid over the
  // dialup_jp2000 profile; reads binned by local hour of day (all days together).
  const sim::Calendar jst = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  const ActivityProfile dialup = ActivityProfile::named("dialup_jp2000");
  const ReadingDelayModel model = ReadingDelayModel::calibrated_default();
  sim::RandomStream rng(20000624, 0, 7);
  const int n = 20000;
  std::array<int, 24> by_hour{};
  for (int i = 0; i < n; ++i) {
    const sim::Time read = dialup.advance(jst, sim::Time::zero(), model.sample_hours(rng));
    if (read == sim::Time::never()) continue;
    ++by_hour[static_cast<std::size_t>(jst.hour_of_day(read))];
  }
  const auto peak = static_cast<int>(std::max_element(by_hour.begin(), by_hour.end()) - by_hour.begin());
  INFO("peak hour " << peak);
  CHECK((peak == 23 || peak == 0 || peak == 1));
  // The three Telehodai hours 23-02 hold more reads than the three busiest afternoon hours
  // 14-17. Proportion test: with p_hat the share of reads in 23-02 and q_hat in 14-17, the
  // difference exceeds 0 by more than 3.29 standard errors (one-sided significance level
  // 0.0005), fixed seed.
  const double night = by_hour[23] + by_hour[0] + by_hour[1];
  const double afternoon = by_hour[14] + by_hour[15] + by_hour[16];
  const double p = night / n, q = afternoon / n;
  const double se = std::sqrt((p + q - (p - q) * (p - q)) / n);  // multinomial difference
  INFO("night " << p << " afternoon " << q);
  CHECK((p - q) / se > 3.29);
  // And early morning (05-07) is the quietest stretch.
  CHECK(by_hour[5] + by_hour[6] < by_hour[23] / 10);
}
