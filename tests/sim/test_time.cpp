// Simulated time: rounding of real seconds to microseconds.
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/random.hpp"
#include "sim/time.hpp"

using mailstorm::sim::round_half_away;
using mailstorm::sim::seconds_f;

TEST_CASE("time: round_half_away is std::llround", "[time]") {
  std::vector<double> xs = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                            -0.49999999999999994, 4503599627370495.5, 4503599627370496.0,
                            9007199254740993.0, -9007199254740993.0, 1e18, -1e18};
  // Every half from -1000.5 to 1000.5 and its two neighbours.
  for (int k = -1001; k <= 1000; ++k) {
    const double half = k + 0.5;
    xs.push_back(half);
    xs.push_back(std::nextafter(half, -1e300));
    xs.push_back(std::nextafter(half, 1e300));
  }
  // Random magnitudes from 1e-3 to 1e15, both signs (the range of service times in microseconds).
  mailstorm::sim::RandomStream r(41, 0, 0);
  for (int i = 0; i < 200'000; ++i) {
    const double x = std::pow(10.0, r.uniform(-3.0, 15.0)) * (r.uniform01() < 0.5 ? -1.0 : 1.0);
    xs.push_back(x);
  }
  std::size_t mismatches = 0;
  for (double x : xs) {
    if (round_half_away(x) != std::llround(x)) {
      ++mismatches;
      UNSCOPED_INFO("x = " << x << ": " << round_half_away(x) << " against " << std::llround(x));
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("time: seconds_f rounds to the microsecond and saturates", "[time]") {
  CHECK(seconds_f(1.0000004).us == 1'000'000);
  CHECK(seconds_f(1.0000006).us == 1'000'001);
  CHECK(seconds_f(-2.5e-6).us == -3);
  CHECK(seconds_f(1e300).us == 9'000'000'000'000'000'000);
  CHECK(seconds_f(-1e300).us == -9'000'000'000'000'000'000);
  CHECK(seconds_f(std::nan("")).us == 9'000'000'000'000'000'000);
}
