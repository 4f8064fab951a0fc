// Shared helpers of the storm tests: loading scenarios and running many seeds on two threads.
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "models/output/results_writer.hpp"
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

// summary.json without the lines that may legitimately differ (wall time, queue name).
inline std::string comparable_summary(const models::scenario::Scenario& s, const models::RunOptions& o,
                                      const models::RunResult& r) {
  std::istringstream in(models::summary_json(s, o, r));
  std::string line, out;
  while (std::getline(in, line))
    if (line.find("\"wall_s\"") == std::string::npos && line.find("\"queue\"") == std::string::npos)
      out += line + "\n";
  return out;
}

inline std::vector<double> column(const std::vector<models::RunResult>& rs,
                                  const std::function<double(const models::RunResult&)>& f) {
  std::vector<double> v;
  for (const auto& r : rs) v.push_back(f(r));
  return v;
}

}  // namespace mailstorm::test
