// Random streams keyed by (seed, replication, stream id), and samplers whose output is the same
// with every C++ standard library (std:: distributions differ between libstdc++ and libc++).
//
// A stream is xoshiro256** seeded through SplitMix64 from a hash of its three keys: creating one
// costs a few nanoseconds, and adding a stream (a member, a host) never changes another's draws.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mailstorm::sim {

// SplitMix64's finaliser: a bijection of 64-bit words with full avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

namespace detail {
// Distinct odd constants so that (a, b, c) and a permutation of it hash differently.
inline constexpr std::uint64_t kSeedSalt = 0x9e3779b97f4a7c15ULL;
inline constexpr std::uint64_t kReplicationSalt = 0xd1b54a32d192ed03ULL;
inline constexpr std::uint64_t kStreamSalt = 0x8cb92ba72f3d8dd7ULL;
inline constexpr std::uint64_t kShortStreamSalt = 0xa0761d6478bd642fULL;
inline constexpr std::uint64_t kRestSalt = 0xe7037ed1a0b428dbULL;
}  // namespace detail

class StreamFamily;
class ShortStream;

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t replication, std::uint64_t stream_id);

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1), 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the logarithm of.
  double uniform01_open_low() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  double uniform(double a, double b) { return a + (b - a) * uniform01(); }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n must be > 0.
  std::uint64_t uniform_int(std::uint64_t n);
  bool bernoulli(double p) { return uniform01() < p; }

  // Mean 1/rate.
  double exponential(double rate) { return -std::log(uniform01_open_low()) / rate; }
  double normal(double mean, double sd);
  // exp(N(mu, sigma^2)): mu and sigma are of the logarithm.
  double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }
  std::uint64_t poisson(double mean);
  std::uint64_t binomial(std::uint64_t n, double p);
  // Number of failures before the first success, on {0, 1, 2, ...}; p in (0, 1].
  std::uint64_t geometric(double p);
  // Zipf on {1, ..., n} with P(k) proportional to k^-s (s > 0), by rejection-inversion
  // (Hoermann & Derflinger 1996): O(1) expected per draw, no table.
  std::uint64_t zipf(std::uint64_t n, double s);

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t poisson_ptrs(double mean);
  std::uint64_t binomial_btrd(std::uint64_t n, double p);

  friend class StreamFamily;
  friend class ShortStream;
  // The stream whose three keys hash to `key` (see StreamFamily::stream).
  struct FromKey {};
  RandomStream(FromKey, std::uint64_t key) {
    std::uint64_t sm = key;
    for (std::uint64_t& word : s_) {
      sm += 0x9e3779b97f4a7c15ULL;  // SplitMix64
      word = mix64(sm);
    }
    // xoshiro's one forbidden state. SplitMix64 cannot give four zero words in a row from one
    // state (mix64 is a bijection of distinct inputs), but the guard costs nothing.
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = detail::kSeedSalt;
  }

  std::uint64_t s_[4];
  // Spare normal deviate of the polar method.
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

// A keyed stream for code that draws once or twice for each of many millions of keys (fast
// mode's list copies): SplitMix64 (Steele, Lea & Flood 2014) from the key, one mixing per draw,
// instead of seeding xoshiro's 256-bit state (four mixings and the state's stores) for two draws.
// SplitMix64 passes BigCrush on its own; it is used here for the first few draws of a key only.
// A caller that needs more draws of the same key takes rest(): a xoshiro stream keyed by where
// this one stands, so any number of further draws have xoshiro's quality.
class ShortStream {
 public:
  explicit ShortStream(std::uint64_t key) : state_(key) {}
  std::uint64_t next_u64() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform01_open_low() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // The draws after this stream's: a full stream keyed by its state, salted so that its
  // SplitMix seeding does not run over the words this stream already gave.
  RandomStream rest() const { return RandomStream(RandomStream::FromKey{}, mix64(state_ ^ detail::kRestSalt)); }

 private:
  std::uint64_t state_;
};

// The streams of one (seed, replication): stream(id) is RandomStream(seed, replication, id), the
// same draws, with the two hashes of seed and replication done once. For code that makes streams
// by the million (fast mode's per-copy streams), where those hashes were a tenth of a run.
class StreamFamily {
 public:
  StreamFamily(std::uint64_t seed, std::uint64_t replication)
      : key_(mix64(mix64(seed ^ detail::kSeedSalt) ^ mix64(replication + detail::kReplicationSalt))) {}
  RandomStream stream(std::uint64_t stream_id) const {
    return RandomStream(RandomStream::FromKey{}, mix64(key_ ^ mix64(stream_id + detail::kStreamSalt)));
  }
  // A short keyed stream (see ShortStream) for stream_id. Its draws are not those of
  // stream(stream_id), and unrelated to them (another salt; the test checks they share no word).
  ShortStream short_stream(std::uint64_t stream_id) const {
    return ShortStream(mix64(key_ ^ mix64(stream_id + detail::kShortStreamSalt)));
  }

 private:
  std::uint64_t key_;
};

// Weighted discrete choice in O(1) per draw (Vose's alias method).
class AliasTable {
 public:
  AliasTable() = default;
  // Weights must be finite, non-negative, and not all zero; throws std::invalid_argument otherwise.
  explicit AliasTable(std::span<const double> weights);
  std::size_t sample(RandomStream& rng) const;
  std::size_t size() const { return prob_.size(); }
  // The normalised probability of outcome i (for tests and documentation).
  double probability(std::size_t i) const { return normalised_[i]; }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
  std::vector<double> normalised_;
};

}  // namespace mailstorm::sim
