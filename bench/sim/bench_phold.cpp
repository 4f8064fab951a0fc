// Whole-engine benchmark: PHOLD as /work/shared/peers/README.md defines it, on Engine<Payload>,
// for every population listed there and every queue kind. Set-up is not timed; items_per_second
// is events handled per second (manual timing of the event loop), comparable with the peers' ev_per_s.
// Every iteration runs the same seed, so its deterministic counters (events_handled and
// allocations_per_event, per run) are the same whatever the number of iterations; a run that
// differs from the first is reported as an error.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "bench/sim/phold.hpp"
#include "bench/support/allocation_counter.hpp"

namespace {

using namespace mailstorm;

// Each iteration builds a fresh model (untimed) and runs it for about this many events (timed).
constexpr double kEventsPerIteration = 2e6;

void BM_PHOLD(benchmark::State& state, sim::QueueKind kind) {
  const auto lps = static_cast<std::uint32_t>(state.range(0));
  const auto per_lp = static_cast<std::uint32_t>(state.range(1));
  const double end = bench::phold_end_time(std::uint64_t{lps} * per_lp, kEventsPerIteration);
  constexpr std::uint64_t kSeed = 1;
  std::uint64_t handled = 0, first_handled = 0, first_allocated = 0;
  bool first = true;
  for (auto _ : state) {
    // Manual timing: only the event loop counts, as for the peers.
    bench::Phold model(lps, per_lp, kind, kSeed);
    const std::uint64_t before = bench::allocations();
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t n = model.run(end);
    const auto t1 = std::chrono::steady_clock::now();
    const std::uint64_t allocated = bench::allocations() - before;
    benchmark::DoNotOptimize(model.checksum());
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    handled += n;
    if (first) {
      first_handled = n;
      first_allocated = allocated;
      first = false;
    } else if (n != first_handled || allocated != first_allocated) {
      state.SkipWithError("PHOLD with a fixed seed is not deterministic");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(handled));
  state.counters["events_handled"] = static_cast<double>(first_handled);
  state.counters["allocations_per_event"] =
      first_handled == 0 ? 0.0 : static_cast<double>(first_allocated) / static_cast<double>(first_handled);
  state.counters["pending"] = static_cast<double>(std::uint64_t{lps} * per_lp);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t populations[][2] = {{1024, 1}, {1024, 16}, {16384, 1}, {16384, 16}, {65536, 16}};
  for (sim::QueueKind kind : sim::kAllQueueKinds) {
    auto* b = benchmark::RegisterBenchmark((std::string("PHOLD/") + sim::to_string(kind)).c_str(), BM_PHOLD, kind);
    b->ArgNames({"N", "E"})->Unit(benchmark::kMillisecond)->UseManualTime();
    for (const auto& p : populations) b->Args({p[0], p[1]});
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
