// Whole-storm benchmarks: run_storm on a scenario with a fixed seed, one run per iteration
// (the scenario is loaded once, untimed). Besides the time, deterministic counters per run, which
// bench/compare_to_baseline.py compares exactly with the committed baseline:
//   events_handled         events the engine handled (changes only if the model's behaviour does)
//   messages_total         envelopes created (the outcome of the same name)
//   allocations_per_event  operator new calls during the run / events handled (same build only)
// Every iteration must give the same counters; a run that differs from the first is an error.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/support/allocation_counter.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

namespace {

using namespace mailstorm;

constexpr std::uint64_t kSeed = 1;

struct StormCase {
  const char* name;  // benchmark name: Storm/<name>/<mode>
  const char* file;  // relative to the source tree
};

// The scenarios measured: the test fixture (small, quick) and the Bestboy seed at full size.
const StormCase kCases[] = {
    {"small-storm", "tests/models/fixtures/small-storm.toml"},
    {"bestboy-2000", "scenarios/bestboy-2000.toml"},
};
// The simulation modes measured (a new mode: add it here, then refresh the baseline: bench/README.md).
const models::Mode kModes[] = {models::Mode::reference, models::Mode::fast};

void BM_Storm(benchmark::State& state, const StormCase& c, models::Mode mode) {
  const std::filesystem::path path = std::filesystem::path(MAILSTORM_SOURCE_DIR) / c.file;
  models::scenario::Scenario scenario;
  try {
    scenario = models::scenario::load_scenario(path, models::settings_registry(), {});
  } catch (const std::exception& e) {
    state.SkipWithError((path.string() + ": " + e.what()).c_str());
    return;
  }
  models::RunOptions options;
  options.seed = kSeed;
  options.mode = mode;
  std::uint64_t events = 0, messages = 0, allocated = 0;
  bool first = true;
  for (auto _ : state) {
    const std::uint64_t before = bench::allocations();
    models::RunResult result;
    try {
      result = models::run_storm(scenario, options);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      break;
    }
    const std::uint64_t after = bench::allocations();
    if (first) {
      events = result.events_handled;
      messages = result.outcomes.messages_total;
      allocated = after - before;
      first = false;
    } else if (result.events_handled != events || result.outcomes.messages_total != messages ||
               after - before != allocated) {
      state.SkipWithError("the same seed gave a different run");
      break;
    }
    benchmark::DoNotOptimize(result);
  }
  state.counters["events_handled"] = static_cast<double>(events);
  state.counters["messages_total"] = static_cast<double>(messages);
  state.counters["allocations_per_event"] =
      events == 0 ? 0.0 : static_cast<double>(allocated) / static_cast<double>(events);
  state.SetItemsProcessed(static_cast<std::int64_t>(events * state.iterations()));
}

}  // namespace

int main(int argc, char** argv) {
  for (const StormCase& c : kCases)
    for (models::Mode mode : kModes) {
      const std::string name = std::string("Storm/") + c.name + "/" + models::to_string(mode);
      benchmark::RegisterBenchmark(name.c_str(), BM_Storm, c, mode)->Unit(benchmark::kMillisecond);
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
