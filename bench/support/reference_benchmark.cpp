// BM_Reference: a fixed CPU-bound workload linked into every benchmark program, so a run measures
// the machine's speed beside the project's code. bench/compare_to_baseline.py divides each
// benchmark's time by BM_Reference's time from the same run: a machine that is uniformly slower
// (or busier) changes both alike, a regression in the project changes only the benchmark.
//
// The workload depends on nothing in the project and mixes the two kinds of work a simulation
// does: a CPU-bound half (fill 4096 words from splitmix64 and sort them: branchy, L1-resident) and
// a memory-bound half (2048 dependent loads at random places in an 8 MiB table). Other programs
// on a shared machine slow memory-bound code more than CPU-bound code (they share the cache and
// the memory bus); with both halves the reference moves with both (bench/README.md has the
// measurements that chose this). It must stay the same, or every baseline ratio shifts: change
// it only together with `compare_to_baseline.py --update`.
//
// Also records the build in the JSON context (mailstorm_build_type, mailstorm_sanitize), so the
// comparison can refuse to compare allocation counts of different kinds of builds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace {

// A random cyclic permutation of 2^21 slots (8 MiB): following it is one cache miss a step.
const std::vector<std::uint32_t>& chase_table() {
  static const std::vector<std::uint32_t> next = [] {
    const std::size_t n = std::size_t{1} << 21;
    std::vector<std::uint32_t> perm(n), table(n);
    for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
    std::uint64_t x = 0x853C49E6748FEA9BULL;
    for (std::size_t i = n - 1; i > 0; --i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      std::swap(perm[i], perm[(x >> 33) % (i + 1)]);
    }
    for (std::size_t i = 0; i < n; ++i) table[perm[i]] = perm[(i + 1) % n];
    return table;
  }();
  return next;
}

void BM_Reference(benchmark::State& state) {
  const std::vector<std::uint32_t>& next = chase_table();
  std::vector<std::uint32_t> words(4096);
  std::uint64_t x = 0x2545F4914F6CDD1DULL;
  std::uint32_t at = 0;
  for (auto _ : state) {
    // CPU-bound half: fill 4096 words from splitmix64 and sort them.
    for (auto& w : words) {
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      w = static_cast<std::uint32_t>(z ^ (z >> 31));
    }
    std::sort(words.begin(), words.end());
    // Memory-bound half: 2048 dependent loads at random places in 8 MiB.
    for (int i = 0; i < 2048; ++i) at = next[at];
    benchmark::DoNotOptimize(words.data());
    benchmark::DoNotOptimize(at);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Reference)->Unit(benchmark::kMicrosecond);

#ifndef MAILSTORM_BUILD_TYPE
#define MAILSTORM_BUILD_TYPE "unknown"
#endif
#ifndef MAILSTORM_SANITIZE_BUILD
#define MAILSTORM_SANITIZE_BUILD 0
#endif

// Before main: benchmark::Initialize keeps what was added here.
const bool g_context_added = [] {
  benchmark::AddCustomContext("mailstorm_build_type", MAILSTORM_BUILD_TYPE);
  benchmark::AddCustomContext("mailstorm_sanitize", MAILSTORM_SANITIZE_BUILD ? "on" : "off");
  return true;
}();

}  // namespace
