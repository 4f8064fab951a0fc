// Random streams and samplers that give the same draws with every standard library: only
// integer arithmetic and libm (log, exp, sqrt, log1p, expm1) are used, never std:: distributions.
#include "sim/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace mailstorm::sim {

namespace {

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(2 pi) / 2

// fc(k) = log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi)/2], the Stirling remainder used
// by BTRD. Exact values below 10, the asymptotic series above (error < 1e-10 there). Written out
// instead of calling lgamma, which is not thread-safe in glibc (it writes the global signgam).
double stirling_correction(std::uint64_t k) {
  static constexpr double kTable[10] = {
      0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
      0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
      0.009255462182712733, 0.008330563433362871};
  if (k < 10) return kTable[k];
  const double z = static_cast<double>(k) + 1.0;
  const double z2 = z * z;
  return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / z2) / z2) / z;
}

double log_factorial(std::uint64_t k) {
  const double kd = static_cast<double>(k);
  return stirling_correction(k) + (kd + 0.5) * std::log(kd + 1.0) - (kd + 1.0) + kHalfLog2Pi;
}

// A non-negative real count as an integer, saturating instead of overflowing.
std::uint64_t to_count(double x) {
  if (!(x > 0.0)) return 0;
  if (x >= 18446744073709551616.0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(x);
}

// Helpers of the Zipf rejection-inversion sampler (as in Apache Commons RNG): stable forms of
// log1p(x)/x and expm1(x)/x near 0, which also give the s == 1 limit without a special case.
double log1p_over_x(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

double expm1_over_x(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

// H(x) = (x^(1-s) - 1) / (1 - s), or log(x) when s == 1: the integral of h(x) = x^-s.
double zipf_h_integral(double x, double s) {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - s) * log_x) * log_x;
}

double zipf_h(double x, double s) { return std::exp(-s * std::log(x)); }

double zipf_h_integral_inverse(double x, double s) {
  double t = x * (1.0 - s);
  if (t < -1.0) t = -1.0;  // rounding guard: the exact value is always > -1
  return std::exp(log1p_over_x(t) * x);
}

}  // namespace

// A chain, not a sum or xor of independent hashes: (a, b, c) and (b, a, c) differ, and each key
// goes through the full avalanche of mix64 before the next is folded in (StreamFamily).
RandomStream::RandomStream(std::uint64_t seed, std::uint64_t replication, std::uint64_t stream_id)
    : RandomStream(StreamFamily(seed, replication).stream(stream_id)) {}

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("RandomStream::uniform_int: n must be > 0");
  __extension__ using u128 = unsigned __int128;
  u128 m = static_cast<u128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<u128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double RandomStream::normal(double mean, double sd) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + sd * spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return mean + sd * u * factor;
}

std::uint64_t RandomStream::poisson(double mean) {
  if (!(mean >= 0.0) || std::isinf(mean))
    throw std::invalid_argument("RandomStream::poisson: mean must be finite and >= 0");
  if (mean == 0.0) return 0;
  if (mean >= 10.0) return poisson_ptrs(mean);
  // Inversion by sequential search from 0: about mean + 1 steps.
  double u = uniform01();
  double p = std::exp(-mean);
  std::uint64_t k = 0;
  while (u > p) {
    u -= p;
    ++k;
    p *= mean / static_cast<double>(k);
    // Rounding can leave u above the remaining mass; past any plausible k, stop (P < 1e-300).
    if (p == 0.0) break;
  }
  return k;
}

// Hoermann (1993), "The transformed rejection method for generating Poisson random variables",
// algorithm PTRS; valid for mean >= 10.
std::uint64_t RandomStream::poisson_ptrs(double mean) {
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = std::log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  const double log_inv_alpha = std::log(inv_alpha);
  for (;;) {
    const double u = uniform01() - 0.5;
    const double v = uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return to_count(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    // v == 0 gives log(v) = -inf: accepted, which is right (the limit of the test).
    if (std::log(v) + log_inv_alpha - std::log(a / (us * us) + b) <=
        -mean + k * log_mean - log_factorial(to_count(k)))
      return to_count(k);
  }
}

std::uint64_t RandomStream::binomial(std::uint64_t n, double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::invalid_argument("RandomStream::binomial: p must be in [0, 1]");
  if (n == 0 || p == 0.0) return 0;
  if (p == 1.0) return n;
  if (p > 0.5) return n - binomial(n, 1.0 - p);
  const double nd = static_cast<double>(n);
  if (nd * p >= 10.0) return binomial_btrd(n, p);
  // Inversion from 0 (Kachitvichyanukul & Schmeiser's BINV): about n p + 1 steps. The bound
  // restarts the search in the rare case rounding lets u run past the mass.
  const double q = 1.0 - p;
  const double ratio = p / q;
  const double p0 = std::exp(nd * std::log1p(-p));
  const double bound = std::min(nd, nd * p + 10.0 * std::sqrt(nd * p * q + 1.0));
  for (;;) {
    double u = uniform01();
    double px = p0;
    std::uint64_t x = 0;
    bool restart = false;
    while (u > px) {
      ++x;
      if (static_cast<double>(x) > bound) {
        restart = true;
        break;
      }
      u -= px;
      px *= (nd - static_cast<double>(x) + 1.0) * ratio / static_cast<double>(x);
    }
    if (!restart) return x;
  }
}

// Hoermann (1993), "The generation of binomial random variables", algorithm BTRD; valid for
// n p >= 10 with p <= 1/2. Same steps as Boost.Random's binomial_distribution.
std::uint64_t RandomStream::binomial_btrd(std::uint64_t n, double p) {
  const double nd = static_cast<double>(n);
  const auto m = static_cast<std::uint64_t>((nd + 1.0) * p);  // the mode
  const double md = static_cast<double>(m);
  const double r = p / (1.0 - p);
  const double nr = (nd + 1.0) * r;
  const double npq = nd * p * (1.0 - p);
  const double sqrt_npq = std::sqrt(npq);
  const double b = 1.15 + 2.53 * sqrt_npq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double alpha = (2.83 + 5.1 / b) * sqrt_npq;
  const double v_r = 0.92 - 4.2 / b;
  const double u_rv_r = 0.86 * v_r;

  for (;;) {
    double v = uniform01();
    double u;
    if (v <= u_rv_r) {
      // Step 1: the inner triangle, accepted at once (about 86 % of draws).
      u = v / v_r - 0.43;
      return to_count(std::floor((2.0 * a / (0.5 - std::fabs(u)) + b) * u + c));
    }
    if (v >= v_r) {
      u = uniform01() - 0.5;
    } else {
      u = v / v_r - 0.93;
      u = (u < 0.0 ? -0.5 : 0.5) - u;
      v = uniform01() * v_r;
    }
    const double us = 0.5 - std::fabs(u);
    const double kd = std::floor((2.0 * a / us + b) * u + c);
    if (kd < 0.0 || kd > nd) continue;
    const std::uint64_t k = to_count(kd);
    v = v * alpha / (a / (us * us) + b);
    const double km = std::fabs(kd - md);
    if (km <= 15.0) {
      // Step 3.1: the ratio f(k)/f(m) by recursion.
      double f = 1.0;
      if (m < k) {
        for (std::uint64_t i = m + 1; i <= k; ++i) f *= nr / static_cast<double>(i) - r;
      } else if (m > k) {
        for (std::uint64_t i = k + 1; i <= m; ++i) v *= nr / static_cast<double>(i) - r;
      }
      if (v <= f) return k;
      continue;
    }
    // Steps 3.2 to 3.4: squeeze, then the final test with Stirling corrections.
    v = std::log(v);
    const double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
    const double t = -km * km / (2.0 * npq);
    if (v < t - rho) return k;
    if (v > t + rho) continue;
    const double nm = nd - md + 1.0;
    const double h = (md + 0.5) * std::log((md + 1.0) / (r * nm)) + stirling_correction(m) +
                     stirling_correction(n - m);
    const double nk = nd - kd + 1.0;
    if (v <= h + (nd + 1.0) * std::log(nm / nk) + (kd + 0.5) * std::log(nk * r / (kd + 1.0)) -
                 stirling_correction(k) - stirling_correction(n - k))
      return k;
  }
}

std::uint64_t RandomStream::geometric(double p) {
  if (!(p > 0.0 && p <= 1.0))
    throw std::invalid_argument("RandomStream::geometric: p must be in (0, 1]");
  if (p == 1.0) return 0;
  return to_count(std::floor(std::log(uniform01_open_low()) / std::log1p(-p)));
}

// Hoermann & Derflinger (1996), "Rejection-inversion to generate variates from monotone discrete
// distributions", as in Apache Commons RNG's RejectionInversionZipfSampler.
std::uint64_t RandomStream::zipf(std::uint64_t n, double s) {
  if (n == 0) throw std::invalid_argument("RandomStream::zipf: n must be >= 1");
  if (!(s > 0.0) || std::isinf(s))
    throw std::invalid_argument("RandomStream::zipf: exponent must be finite and > 0");
  if (n == 1) return 1;
  const double nd = static_cast<double>(n);
  const double h_integral_x1 = zipf_h_integral(1.5, s) - 1.0;
  const double h_integral_n = zipf_h_integral(nd + 0.5, s);
  const double s_val = 2.0 - zipf_h_integral_inverse(zipf_h_integral(2.5, s) - zipf_h(2.0, s), s);
  for (;;) {
    // u is uniform on (h_integral_x1, h_integral_n].
    const double u = h_integral_n + uniform01() * (h_integral_x1 - h_integral_n);
    const double x = zipf_h_integral_inverse(u, s);
    double kd = std::floor(x + 0.5);
    if (kd < 1.0)
      kd = 1.0;
    else if (kd > nd)
      kd = nd;
    // The first test accepts most draws without evaluating H (k - x <= s_val); the second is the
    // exact rejection-inversion condition.
    if (kd - x <= s_val || u >= zipf_h_integral(kd + 0.5, s) - zipf_h(kd, s)) return to_count(kd);
  }
}

AliasTable::AliasTable(std::span<const double> weights) {
  const std::size_t n = weights.size();
  if (n == 0) throw std::invalid_argument("AliasTable: no weights");
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("AliasTable: too many weights");
  double max_weight = 0.0;
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0.0)
      throw std::invalid_argument("AliasTable: weights must be finite and non-negative");
    max_weight = std::max(max_weight, w);
  }
  if (max_weight == 0.0) throw std::invalid_argument("AliasTable: all weights are zero");
  // Scale by the largest weight first so the sum cannot overflow.
  double sum = 0.0;
  for (double w : weights) sum += w / max_weight;
  normalised_.resize(n);
  for (std::size_t i = 0; i < n; ++i) normalised_[i] = weights[i] / max_weight / sum;

  // Vose (1991): split outcomes into those below and above the average, pair them off.
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  small.reserve(n);
  large.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = normalised_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t l = small.back();
    small.pop_back();
    const std::uint32_t g = large.back();
    large.pop_back();
    prob_[l] = scaled[l];
    alias_[l] = g;
    scaled[g] = (scaled[g] + scaled[l]) - 1.0;
    (scaled[g] < 1.0 ? small : large).push_back(g);
  }
  // What is left is 1 up to rounding.
  for (std::uint32_t g : large) {
    prob_[g] = 1.0;
    alias_[g] = g;
  }
  for (std::uint32_t l : small) {
    prob_[l] = 1.0;
    alias_[l] = l;
    // Never let rounding make a zero-weight outcome possible.
    if (normalised_[l] == 0.0) {
      prob_[l] = 0.0;
      alias_[l] = static_cast<std::uint32_t>(
          std::find_if(normalised_.begin(), normalised_.end(), [](double w) { return w > 0.0; }) -
          normalised_.begin());
    }
  }
}

std::size_t AliasTable::sample(RandomStream& rng) const {
  if (prob_.empty()) throw std::logic_error("AliasTable::sample: empty table");
  const auto i = static_cast<std::size_t>(rng.uniform_int(prob_.size()));
  return rng.uniform01() < prob_[i] ? i : alias_[i];
}

}  // namespace mailstorm::sim
