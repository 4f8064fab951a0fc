// `mailstorm sweep | compare | check | merge`: many runs of scenarios, their aggregates,
// comparisons and policy checks (the machinery is in models/experiment/).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/mpi_world.hpp"
#include "models/experiment/run_set.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/experiment/sweep_plan.hpp"

namespace mailstorm::cli {

// Each takes the whole command line (words[0] is the command) and returns the exit status.
int sweep_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);
int compare_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);
int check_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);
int merge_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err);

// The options the experiment commands share (each command accepts the subset it documents).
struct ExperimentArgs {
  std::string command;
  std::vector<std::string> inputs;  // scenario files, or folders for merge
  std::vector<std::string> overrides;
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> replications;
  unsigned jobs = 0;  // 0: one per processor
  std::optional<std::string> out;
  std::string mode = "reference";
  std::uint64_t shard_index = 0, shard_count = 1;  // --shard K/N: index K-1 of N
  bool keep_timeseries = false, strict = false, quiet = false, help = false;
};

// Parses words[1..] for `command`; throws UsageError (cli/arguments.hpp) on a mistake.
ExperimentArgs parse_experiment_args(const std::vector<std::string>& words);
std::string experiment_usage(const std::string& command);

// Thrown by MPI ranks other than 0 to end with a status without a message (rank 0 prints it).
struct QuietExit {
  int code;
};

// The runs of a sweep (also `check --out`): checks or starts the folder (sweep.json), runs this
// process's share (shard, MPI rank) and returns every run's values available.
struct SweepOutcome {
  models::experiment::SweepInfo info;
  models::experiment::RunSetResult runs;
};
SweepOutcome run_sweep(const ExperimentArgs& a, const models::scenario::Scenario& s,
                       const models::experiment::SweepPlan& plan, std::uint64_t replications,
                       const std::optional<std::filesystem::path>& out, std::ostream& err,
                       const MpiSession& mpi);
// A few main outcomes per point, for the terminal (summary.csv has them all).
void print_sweep_table(std::ostream& out, const models::experiment::SweepInfo& info,
                       const std::vector<std::vector<std::vector<double>>>& values,
                       const std::filesystem::path& dir);

// Runs `body` and turns what it throws into the exit status and a message on `err`: usage and
// scenario errors 2, run and output failures 1 (shared by the experiment commands).
int guarded(const std::string& command, std::ostream& err, const std::function<int(const ExperimentArgs&)>& body,
            const std::vector<std::string>& words, std::ostream& out);

}  // namespace mailstorm::cli
