// When people read their mail: a heavy-tailed delay (lognormal mixture, calibration.md) counted
// in "active time", laid over a weekly activity profile in the reader's local time, so a mail
// that arrives on Saturday afternoon waits for Saturday night (home readers) or Monday (office).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"

namespace mailstorm::models {

// Relative reading activity for each hour of the week (index weekday*24 + hour, Monday 00:00
// first), normalised to mean 1.
class ActivityProfile {
 public:
  ActivityProfile() { weights_.fill(1.0); rebuild(); }
  explicit ActivityProfile(const std::array<double, 168>& weights);

  // Built-in profiles: "flat"; "office" (weekdays 8-19, little at weekends); "home_evening"
  // (evenings, weekends); "dialup_jp2000" (home readers in Japan in 2000: most reading after
  // 23:00 when NTT's flat-rate Telehodai period began, and at weekends).
  static ActivityProfile named(const std::string& name);  // throws std::invalid_argument

  double weight(int hour_of_week) const { return weights_[static_cast<std::size_t>(hour_of_week)]; }
  // The instant at which `active` hours of activity have accumulated after `from`
  // (from is an instant of the calendar `cal`): inverts the cumulative activity exactly.
  sim::Time advance(const sim::Calendar& cal, sim::Time from, double active_hours) const;

 private:
  void rebuild();
  std::array<double, 168> weights_{};
  std::array<double, 169> cumulative_{};  // cumulative_[h] = sum of weights_[0..h)
};

// Mixture of lognormal components for the active-time delay, in hours.
struct ReadingDelayModel {
  struct Component {
    double weight, median_hours, sigma;
  };
  std::vector<Component> components;
  // Picks a component with probability proportional to its weight, then exp(N(log median, sigma)).
  // Throws std::invalid_argument if there is no component or the weights do not sum to > 0.
  double sample_hours(sim::RandomStream& rng) const;
  // P(delay <= hours) of the mixture, and its median (by bisection on the cdf).
  double cdf(double hours) const;
  double median_hours() const;
  // The default mixture (calibration.md), in active hours; see reading.cpp for its derivation.
  static ReadingDelayModel calibrated_default();
};

}  // namespace mailstorm::models
