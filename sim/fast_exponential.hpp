// Standard exponential draws for hot loops: the ziggurat method (Marsaglia & Tsang 2000, 256
// layers), about five times faster than -log(u) because ~99% of draws need one random word, one
// table look-up and one compare.
//
// The tables are built once from std::exp/std::log in double precision; the wedge test and the
// tail (about 1.2% and 0.03% of draws) call std::exp/std::log too. With a correctly rounded libm
// (glibc) the draws are bit-for-bit reproducible; another libm could differ in the last bit of a
// rare draw. RandomStream::exponential() stays the reference sampler for the mail models; fast
// mode draws the service times of list copies served without events with this one.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "sim/random.hpp"

namespace mailstorm::sim {

namespace detail {

struct ExponentialZiggurat {
  static constexpr double kR = 7.69711747013104972;           // start of the tail
  static constexpr double kV = 3.949659822581572e-3;          // area of each layer
  std::array<double, 257> x{};  // layer edges, decreasing; x[0] is the base strip's virtual width
  std::array<double, 257> f{};  // exp(-x[i])

  ExponentialZiggurat() {
    x[0] = kV * std::exp(kR);
    x[1] = kR;
    for (int i = 1; i < 256; ++i) x[i + 1] = -std::log(kV / x[i] + std::exp(-x[i]));
    x[256] = 0.0;
    for (int i = 0; i < 257; ++i) f[i] = std::exp(-x[i]);
  }
};

inline const ExponentialZiggurat& exponential_ziggurat() {
  static const ExponentialZiggurat tables;
  return tables;
}

}  // namespace detail

// A draw from Exp(1) (mean 1); scale by the mean for other rates. Rng: RandomStream or
// ShortStream (anything with next_u64, uniform01 and uniform01_open_low).
template <class Rng>
double fast_exponential(Rng& rng) {
  const auto& z = detail::exponential_ziggurat();
  for (;;) {
    const std::uint64_t bits = rng.next_u64();
    const auto i = static_cast<std::size_t>(bits & 0xff);
    const double u = static_cast<double>(bits >> 12) * 0x1.0p-52;  // bits 12..63: no overlap with i
    const double x = u * z.x[i];
    if (x < z.x[i + 1]) [[likely]]
      return x;
    if (i == 0) return detail::ExponentialZiggurat::kR - std::log(rng.uniform01_open_low());
    if (z.f[i + 1] + (z.f[i] - z.f[i + 1]) * rng.uniform01() < std::exp(-x)) return x;
  }
}

}  // namespace mailstorm::sim
