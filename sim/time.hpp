// Simulated time: integer microseconds, with unit-safe durations and instants.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace mailstorm::sim {

// A span of simulated time, in whole microseconds.
struct Duration {
  std::int64_t us = 0;

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {us + o.us}; }
  constexpr Duration operator-(Duration o) const { return {us - o.us}; }
  constexpr Duration operator-() const { return {-us}; }
  constexpr Duration& operator+=(Duration o) {
    us += o.us;
    return *this;
  }
  constexpr Duration operator*(std::int64_t k) const { return {us * k}; }
  constexpr double seconds() const { return static_cast<double>(us) * 1e-6; }
  constexpr double minutes() const { return seconds() / 60.0; }
  constexpr double hours() const { return seconds() / 3600.0; }
};

constexpr Duration microseconds(std::int64_t n) { return {n}; }
constexpr Duration milliseconds(std::int64_t n) { return {n * 1000}; }
constexpr Duration seconds(std::int64_t n) { return {n * 1'000'000}; }
constexpr Duration minutes(std::int64_t n) { return seconds(n * 60); }
constexpr Duration hours(std::int64_t n) { return minutes(n * 60); }
constexpr Duration days(std::int64_t n) { return hours(n * 24); }

// x rounded to the nearest integer, halves away from zero: std::llround for |x| < 2^63, without
// its library call (fast mode rounds a service time per list copy). Exact: for |x| < 2^52 the
// fraction |x| - trunc(|x|) is computed without rounding error, and above that |x| is whole.
inline std::int64_t round_half_away(double x) {
  const double a = std::fabs(x);
  auto r = static_cast<std::int64_t>(a);
  r += static_cast<std::int64_t>(a - static_cast<double>(r) >= 0.5);
  return x < 0 ? -r : r;
}

// Rounds a real number of seconds to the nearest microsecond (for sampled delays). Saturates
// instead of overflowing, so a heavy-tailed draw cannot wrap time around.
inline Duration seconds_f(double s) {
  constexpr double max_s = 9.0e12;  // about 285 years: far beyond any horizon
  if (!(s < max_s)) return {static_cast<std::int64_t>(max_s * 1e6)};
  if (s <= -max_s) return {-static_cast<std::int64_t>(max_s * 1e6)};
  return {round_half_away(s * 1e6)};
}

// An instant: microseconds since the scenario's start (time 0).
struct Time {
  std::int64_t us = 0;

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return {us + d.us}; }
  constexpr Time operator-(Duration d) const { return {us - d.us}; }
  constexpr Duration operator-(Time o) const { return {us - o.us}; }
  constexpr Time& operator+=(Duration d) {
    us += d.us;
    return *this;
  }
  constexpr double seconds() const { return static_cast<double>(us) * 1e-6; }

  static constexpr Time zero() { return {0}; }
  static constexpr Time never() { return {std::numeric_limits<std::int64_t>::max()}; }
};

}  // namespace mailstorm::sim
