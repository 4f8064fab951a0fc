// Micro benchmark of the pending-event sets: the hold model (pop the minimum, push a new entry at
// its time plus a random increment) at a constant population, reported as ns per hold.
// allocations_per_event: operator new calls per hold over a fixed, untimed stretch after the
// warm-up (deterministic; 0 when the queue has reached its steady state).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "bench/support/allocation_counter.hpp"
#include "sim/event_queue.hpp"

namespace {

using namespace mailstorm::sim;

// Exponential increments with mean 1 s (1e6 ticks), drawn before timing starts, so the
// measurement is the queue alone. A power-of-two table cycled by index.
const std::vector<std::uint64_t>& increments() {
  static const std::vector<std::uint64_t> table = [] {
    std::mt19937_64 rng(12345);
    std::vector<std::uint64_t> t(1 << 16);
    for (auto& x : t) {
      const double u = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
      x = static_cast<std::uint64_t>(-std::log(u) * 1e6);
    }
    return t;
  }();
  return table;
}

template <class Queue>
void BM_QueueHold(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  const auto& inc = increments();
  const std::size_t mask = inc.size() - 1;
  Queue q;
  std::uint64_t sequence = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < population; ++i)
    q.push({inc[k++ & mask], pack_order(128, sequence++), static_cast<std::uint32_t>(i)});
  // One pass over the population first, so the timed holds see the steady state.
  auto hold = [&] {
    const QueueEntry e = q.pop();
    q.push({e.time + inc[k++ & mask], pack_order(128, sequence++), e.slot});
  };
  for (std::size_t i = 0; i < population; ++i) hold();
  // Then a fixed number of holds, counting allocations (the timed loop's length varies).
  constexpr std::uint64_t kCountedHolds = 100'000;
  const std::uint64_t before = mailstorm::bench::allocations();
  for (std::uint64_t i = 0; i < kCountedHolds; ++i) hold();
  const std::uint64_t allocated = mailstorm::bench::allocations() - before;
  for (auto _ : state) {
    const QueueEntry e = q.pop();
    q.push({e.time + inc[k++ & mask], pack_order(128, sequence++), e.slot});
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["allocations_per_event"] = static_cast<double>(allocated) / kCountedHolds;
  state.SetLabel(Queue::name());
}

BENCHMARK_TEMPLATE(BM_QueueHold, DaryHeap<4>)->RangeMultiplier(10)->Range(1000, 1'000'000);
BENCHMARK_TEMPLATE(BM_QueueHold, RadixHeap)->RangeMultiplier(10)->Range(1000, 1'000'000);

}  // namespace

BENCHMARK_MAIN();
