// Fast standard-exponential draws for hot loops (placeholder: -log(u)).
#pragma once
#include "sim/random.hpp"
namespace mailstorm::sim {
inline double fast_exponential(RandomStream& rng) { return rng.exponential(1.0); }
}  // namespace mailstorm::sim
