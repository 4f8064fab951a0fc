// Reading delays: a lognormal mixture in "active hours", laid over a weekly activity profile.
#include "models/behaviour/reading.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace mailstorm::models {
namespace {

constexpr std::int64_t hour_us = 3'600'000'000;
constexpr int hours_per_week = 168;

// A week built from one 24-hour shape for Monday-Friday and one for Saturday-Sunday.
std::array<double, 168> week_of(const std::array<double, 24>& weekday, const std::array<double, 24>& weekend) {
  std::array<double, 168> w{};
  for (int d = 0; d < 7; ++d)
    for (int h = 0; h < 24; ++h)
      w[static_cast<std::size_t>(d * 24 + h)] = (d < 5 ? weekday : weekend)[static_cast<std::size_t>(h)];
  return w;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  const std::int64_t r = a % b;
  return r < 0 ? r + b : r;
}

}  // namespace

ActivityProfile::ActivityProfile(const std::array<double, 168>& weights) : weights_(weights) {
  double sum = 0.0;
  for (double w : weights_) {
    if (!std::isfinite(w) || w < 0.0)
      throw std::invalid_argument("activity profile: every hourly weight must be finite and >= 0");
    sum += w;
  }
  if (!(sum > 0.0)) throw std::invalid_argument("activity profile: the weights must not all be zero");
  const double scale = hours_per_week / sum;
  for (double& w : weights_) w *= scale;
  rebuild();
}

void ActivityProfile::rebuild() {
  cumulative_[0] = 0.0;
  for (std::size_t h = 0; h < weights_.size(); ++h) cumulative_[h + 1] = cumulative_[h] + weights_[h];
}

// Relative weights per local hour; only the shape matters (the constructor scales to mean 1).
ActivityProfile ActivityProfile::named(const std::string& name) {
  if (name == "flat") return ActivityProfile{};
  if (name == "office") {
    // At a desk 08:00-19:00 on weekdays (1.0), a glance before and after work (0.3, 0.1), nights
    // almost nothing (0.05), weekends a little (0.15 in the day, 0.05 at night).
    constexpr std::array<double, 24> weekday{0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 1.0, 1.0, 1.0, 1.0,
                                             1.0,  1.0,  1.0,  1.0,  1.0,  1.0,  1.0,  0.3, 0.3, 0.3, 0.1, 0.1};
    constexpr std::array<double, 24> weekend{0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.15, 0.15, 0.15, 0.15,
                                             0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.05, 0.05};
    return ActivityProfile(week_of(weekday, weekend));
  }
  if (name == "home_evening") {
    // Before work (06-08: 0.5), barely during work hours (0.1), evenings 18-23 (1.0), late night
    // tapering (23: 0.6, 00: 0.4), asleep 01-06 (0.05); weekends spread over 09-23 (0.8).
    constexpr std::array<double, 24> weekday{0.4, 0.05, 0.05, 0.05, 0.05, 0.05, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1,
                                             0.1, 0.1,  0.1,  0.1,  0.1,  0.1,  1.0, 1.0, 1.0, 1.0, 1.0, 0.6};
    constexpr std::array<double, 24> weekend{0.5, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 0.8, 0.8, 0.8,
                                             0.8, 0.8,  0.8,  0.8,  0.8,  0.8,  0.8,  0.8,  0.8, 0.8, 0.8, 0.6};
    return ActivityProfile(week_of(weekday, weekend));
  }
  if (name == "dialup_jp2000") {
    // Home users in Japan in 2000 paid per minute of dial-up except during NTT's Telehodai flat
    // rate, 23:00-08:00: people connected at 23:00 sharp, so 23:00-02:00 is by far the strongest
    // (8, 8, 5), the small hours taper (2-3, then 0.3-1), early morning is lowest (0.05-0.2).
    // Weekday evenings 19-23 are moderate (0.6-1.0), weekday office hours low (0.1). Weekend
    // afternoons (12-19: 0.3, three times a weekday afternoon) and evenings (0.8) are high for
    // daytime, and weekend nights as strong as any. Hours 00-02 belong to the calendar day they
    // fall on, so Saturday 00:00 is Friday's late night. With the default delay model a mail
    // delivered on Saturday at 13:17 is read mostly from 23:00 that night (the bestboy storm's
    // "first big peak that night"), which tests/models/test_reading.cpp checks.
    constexpr std::array<double, 24> weekday{8.0, 5.0, 2.0, 0.3, 0.3, 0.05, 0.05, 0.2, 0.1, 0.1, 0.1, 0.1,
                                             0.2, 0.1, 0.1, 0.1, 0.1, 0.1,  0.1,  0.6, 0.6, 1.0, 1.0, 8.0};
    constexpr std::array<double, 24> weekend{8.0, 5.0, 3.0, 1.0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.3,
                                             0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.8, 0.8, 0.8, 0.8, 8.0};
    return ActivityProfile(week_of(weekday, weekend));
  }
  throw std::invalid_argument("unknown activity profile '" + name +
                              "' (known: flat, office, home_evening, dialup_jp2000)");
}

// Let A(t) be the activity accumulated since the start of the local week: piecewise linear, with
// slope weights_[h] in hour h, and cumulative_[168] per week. advance() solves
// A(result) = A(from) + active exactly: whole weeks by division, the rest by a binary search over
// cumulative_ (so hours of zero weight are skipped in one step). When the target is reached at the
// very end of an active period the earliest such instant is returned (the generalised inverse). Whole hours are counted in integers and only the position
// inside the final hour goes through floating point, so the result is exact to the microsecond.
sim::Time ActivityProfile::advance(const sim::Calendar& cal, sim::Time from, double active_hours) const {
  if (!(active_hours > 0.0)) return from;
  const sim::LocalDateTime l = cal.local(from);
  const int h0 = l.weekday * 24 + l.hour;
  const std::int64_t us_into_hour =
      (static_cast<std::int64_t>(l.minute) * 60 + l.second) * 1'000'000 + floor_mod(from.us, 1'000'000);
  const double week_total = cumulative_[hours_per_week];
  const std::size_t h0i = static_cast<std::size_t>(h0);
  const double start =
      cumulative_[h0i] + weights_[h0i] * (static_cast<double>(us_into_hour) / static_cast<double>(hour_us));
  const double target = start + active_hours;  // > 0
  // Whole weeks, then the rest in (0, week_total]: with the rest never 0 the hour found below has
  // positive weight.
  const double weeks_f = std::ceil(target / week_total) - 1.0;
  // Beyond any horizon (about 190 years), and the microsecond count would soon overflow.
  if (weeks_f > 1e4) return sim::Time::never();
  auto weeks = static_cast<std::int64_t>(weeks_f);
  double rest = std::clamp(target - weeks_f * week_total, 0.0, week_total);
  if (!(rest > 0.0)) {  // rounding at a week boundary
    --weeks;
    rest = week_total;
  }
  // The earliest instant at which the rest is reached: the first hour h whose end,
  // cumulative_[h + 1], is >= rest. Then cumulative_[h] < rest, so weights_[h] > 0: hours of zero
  // weight are jumped over in this one search.
  auto it = std::lower_bound(cumulative_.begin() + 1, cumulative_.end(), rest);
  if (it == cumulative_.end()) --it;
  const std::size_t h = static_cast<std::size_t>(it - cumulative_.begin()) - 1;
  double in_hour = weights_[h] > 0.0 ? (rest - cumulative_[h]) / weights_[h] : 0.0;
  in_hour = std::clamp(in_hour, 0.0, 1.0);
  const std::int64_t whole_hours = weeks * hours_per_week + static_cast<std::int64_t>(h) - h0;
  const std::int64_t elapsed_us =
      whole_hours * hour_us + std::llround(in_hour * static_cast<double>(hour_us)) - us_into_hour;
  // Rounding can put the answer a microsecond before `from` only when active_hours is tiny.
  return from + sim::Duration{std::max<std::int64_t>(elapsed_us, 0)};
}

double ReadingDelayModel::sample_hours(sim::RandomStream& rng) const {
  double total = 0.0;
  for (const Component& c : components) total += c.weight;
  if (components.empty() || !(total > 0.0))
    throw std::invalid_argument("reading delay model: needs components with positive total weight");
  double u = rng.uniform01() * total;
  const Component* chosen = &components.back();
  for (const Component& c : components) {
    if (u < c.weight) {
      chosen = &c;
      break;
    }
    u -= c.weight;
  }
  return rng.lognormal(std::log(chosen->median_hours), chosen->sigma);
}

double ReadingDelayModel::cdf(double hours) const {
  if (!(hours > 0.0)) return 0.0;
  double total = 0.0, p = 0.0;
  for (const Component& c : components) {
    total += c.weight;
    const double z = (std::log(hours) - std::log(c.median_hours)) / c.sigma;
    p += c.weight * 0.5 * std::erfc(-z / std::sqrt(2.0));
  }
  return total > 0.0 ? p / total : 0.0;
}

double ReadingDelayModel::median_hours() const {
  double lo = 1e-9, hi = 1.0;
  while (cdf(hi) < 0.5) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = std::sqrt(lo * hi);
    (cdf(mid) < 0.5 ? lo : hi) = mid;
  }
  return std::sqrt(lo * hi);
}

// Three lognormal components (Malmgren et al. 2008; Stouffer et al.): people who read at once,
// within a working session, and days later. In active hours on the flat profile this gives
// P(<= 1 h) = 0.29, P(<= 2 h) = 0.45, P(<= 24 h) = 0.85, median 2.3 h, close to the Enron reply
// times (25.6 %, 49.4 %, 84 %; Kalman & Rafaeli) that calibration.md quotes; more than 90 % within
// a few days, and a tail past the horizon (never read).
ReadingDelayModel ReadingDelayModel::calibrated_default() {
  return ReadingDelayModel{{{0.40, 0.9, 1.2}, {0.40, 3.0, 1.2}, {0.20, 48.0, 1.5}}};
}

}  // namespace mailstorm::models
