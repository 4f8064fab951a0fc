// Shared helpers of the storm tests: loading scenarios and running many seeds on two threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::test {

inline std::filesystem::path source_dir() { return MAILSTORM_SOURCE_DIR; }

inline models::scenario::Scenario load(const std::string& relative, const std::vector<std::string>& sets = {}) {
  return models::scenario::load_scenario(source_dir() / relative, models::settings_registry(), sets);
}

// Runs seeds 1..n (replication 0) on two threads; results in seed order.
inline std::vector<models::RunResult> run_seeds(const models::scenario::Scenario& s, int n,
                                                sim::QueueKind queue = sim::QueueKind::radix_heap) {
  std::vector<models::RunResult> results(static_cast<std::size_t>(n));
  auto work = [&](int first) {
    for (int i = first; i < n; i += 2) {
      models::RunOptions o;
      o.seed = static_cast<std::uint64_t>(i + 1);
      o.queue = queue;
      results[static_cast<std::size_t>(i)] = models::run_storm(s, o);
    }
  };
  std::thread t(work, 1);
  work(0);
  t.join();
  return results;
}

inline std::vector<double> column(const std::vector<models::RunResult>& rs,
                                  const std::function<double(const models::RunResult&)>& f) {
  std::vector<double> v;
  for (const auto& r : rs) v.push_back(f(r));
  return v;
}

}  // namespace mailstorm::test
