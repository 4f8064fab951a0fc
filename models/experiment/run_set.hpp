// Running a set of runs (points x replications) on J threads, resumably: each run's
// summary.json, written atomically, is the mark that the run is complete; a run without it is
// done again. Results are read back from the summaries in (point, replication) order, so the
// aggregates are the same whatever the thread count, the shards or the order of resumption.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::models::experiment {

struct RunPoint {
  std::string name;  // the folder under runs/
  scenario::Scenario scenario;
};

struct Progress {
  std::uint64_t done = 0;     // runs complete (including those found complete on disk)
  std::uint64_t total = 0;    // runs this process is responsible for
  std::uint64_t resumed = 0;  // of `done`, found complete on disk
};

struct RunSetOptions {
  RunOptions run;  // seed, mode, queue; the replication is set per run
  std::uint64_t replications = 10;
  unsigned jobs = 1;
  // Per-run folders DIR/runs/<point>/rep-<NNNN>/ (summary.json, and timeseries.csv with
  // keep_timeseries); none: nothing is written and nothing resumed.
  std::optional<std::filesystem::path> out;
  bool keep_timeseries = false;
  // Run i of the (point, replication) order is this process's when i % parts == part.
  std::uint64_t part = 0, parts = 1;
  // Called after each run completes (from the worker threads, one call at a time).
  std::function<void(const Progress&)> progress;
};

struct RunSetResult {
  // values[point][replication]: the outcomes (outcome_names() order); empty for a run that is
  // neither this process's nor complete on disk.
  std::vector<std::vector<std::vector<double>>> values;
  std::uint64_t ran = 0, resumed = 0, missing = 0;
};

// Runs this process's share of points x replications (skipping those complete on disk), then
// collects every run available. Throws what run_storm throws, or OutputError.
RunSetResult run_set(const std::vector<RunPoint>& points, const RunSetOptions& options);

// Reads the completed runs under `out` only (for merge and for MPI rank 0).
RunSetResult read_run_set(const std::filesystem::path& out, const std::vector<std::string>& points,
                          std::uint64_t replications);

// DIR/runs/<point>/rep-<NNNN>
std::filesystem::path run_folder(const std::filesystem::path& out, const std::string& point,
                                 std::uint64_t replication);

// Writes `text` to a temporary sibling and renames it over `file`; creates missing parent
// folders. Throws OutputError naming the path and the reason.
void write_text_atomically(const std::filesystem::path& file, std::string_view text);

// The summary.json of a completed run, or nullopt if there is none or it is incomplete.
std::optional<std::string> read_summary(const std::filesystem::path& run_dir);

}  // namespace mailstorm::models::experiment
