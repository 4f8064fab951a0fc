// The experiment commands' options: parsed by hand like the others, with the same messages.
#include <charconv>
#include <string_view>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/experiment_commands.hpp"

namespace mailstorm::cli {
namespace {

std::uint64_t whole(const std::string& option, const std::string& text, std::uint64_t min,
                    std::uint64_t max) {
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || n < min || n > max)
    throw UsageError(option + " needs a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + text + "'");
  return n;
}

bool allowed(const std::string& command, const std::string& option) {
  const bool runs = command != "merge";
  if (option == "--set" || option == "--seed" || option == "--replications" || option == "--jobs" ||
      option == "--mode")
    return runs;
  if (option == "--out" || option == "--quiet") return true;
  if (option == "--shard" || option == "--keep-timeseries") return command == "sweep";
  if (option == "--strict") return command == "check";
  return false;
}

}  // namespace

std::string experiment_usage(const std::string& command) {
  const std::string common =
      "  --replications N    runs per scenario or sweep point (default: the scenario's\n"
      "                      [expect]/[sweep] `replications`, else 10)\n"
      "  --jobs J            threads (default: one per processor); results do not depend on J\n"
      "  --seed N            random seed (default 1); replication r uses seed N, replication r\n"
      "  --set key=value     override a setting in every scenario\n"
      "  --mode MODE         reference (default) or fast\n"
      "  --out DIR           the output folder\n"
      "  --quiet             no progress display (sweep, compare: no table either; check\n"
      "                      still prints its report)\n";
  if (command == "sweep")
    return "usage: mailstorm sweep SCENARIO [--replications N] [--jobs J] [--out DIR]\n"
           "                       [--shard K/N] [--keep-timeseries] [--seed N] [--set k=v]...\n"
           "Runs every point of the scenario's [sweep] table (docs/experiments.md) N times.\n"
           "DIR (default <scenario name>-sweep) gets sweep.json, runs/<point>/rep-<NNNN>/summary.json\n"
           "and summary.csv (mean, sd, 95 % interval, min, max, n per point and outcome). Running\n"
           "the same command again resumes: complete runs are kept, interrupted ones redone.\n" +
           common +
           "  --shard K/N         do only the K-th of N deterministic shares of the runs (for job\n"
           "                      arrays); `mailstorm merge` combines the shards' folders\n"
           "  --keep-timeseries   also keep each run's timeseries.csv\n"
           "Under `mpirun -n P` (a build with MAILSTORM_MPI=ON) the runs are spread over the ranks.\n";
  if (command == "compare")
    return "usage: mailstorm compare BASE VARIANT... [--replications N] [--jobs J] [--out DIR]\n"
           "Runs every scenario on common random numbers and prints, per outcome, each variant's\n"
           "difference from the base with its 95 % interval and percent change. DIR (default\n"
           "compare-<base name>) gets compare.json, compare.csv, compare.md and runs/.\n" +
           common;
  if (command == "check")
    return "usage: mailstorm check SCENARIO [--replications N] [--jobs J] [--strict] [--out DIR]\n"
           "Runs the scenario (every point of its [sweep], if any) and checks each bound of its\n"
           "[expect] table. Exit status: 0 all hold, 1 some fail, 2 a usage or scenario error.\n" +
           common +
           "  --strict            a bound holds only when its whole 95 % interval satisfies it\n"
           "Without --out nothing is written; with it the folder is a sweep folder (resumable).\n";
  return "usage: mailstorm merge DIR... [--out OUT]\n"
         "Combines the folders of the shards of one sweep (`sweep --shard K/N`) into OUT (default:\n"
         "the first DIR) and writes OUT/summary.csv, the same as a sweep on one machine.\n"
         "  --out OUT           the merged folder\n"
         "  --quiet             print only errors\n";
}

ExperimentArgs parse_experiment_args(const std::vector<std::string>& words) {
  ExperimentArgs a;
  a.command = words.at(0);
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::string w = words[i], value;
    bool has_value = false;
    if (w == "--help" || w == "-h") {
      a.help = true;
      return a;
    }
    if (w.rfind("--", 0) != 0) {
      if (w.rfind("-", 0) == 0 && w.size() > 1) throw UsageError("unknown option '" + w + "'");
      a.inputs.push_back(w);
      continue;
    }
    if (const auto eq = w.find('='); eq != std::string::npos) {
      value = w.substr(eq + 1);
      w = w.substr(0, eq);
      has_value = true;
    }
    const bool flag = w == "--keep-timeseries" || w == "--strict" || w == "--quiet";
    const bool known = flag || w == "--set" || w == "--seed" || w == "--replications" ||
                       w == "--jobs" || w == "--mode" || w == "--out" || w == "--shard";
    if (!known) throw UsageError("unknown option '" + w + "' for " + a.command);
    if (!allowed(a.command, w)) throw UsageError(w + " does not apply to " + a.command);
    if (flag) {
      if (has_value) throw UsageError(w + " takes no value");
    } else if (!has_value) {
      if (i + 1 >= words.size()) throw UsageError(w + " needs a value");
      value = words[++i];
    }
    if (w == "--set") {
      if (value.find('=') == std::string::npos)
        throw UsageError("--set needs key=value, not '" + value + "'");
      a.overrides.push_back(value);
    } else if (w == "--seed") {
      a.seed = whole(w, value, 0, UINT64_MAX);
    } else if (w == "--replications") {
      a.replications = whole(w, value, 1, 1000000);
    } else if (w == "--jobs") {
      a.jobs = static_cast<unsigned>(whole(w, value, 1, 1024));
    } else if (w == "--mode") {
      if (value != "reference" && value != "fast")
        throw UsageError("--mode must be reference or fast, not '" + value + "'");
      a.mode = value;
    } else if (w == "--out") {
      if (value.empty()) throw UsageError("--out needs a folder name");
      a.out = value;
    } else if (w == "--shard") {
      const auto slash = value.find('/');
      if (slash == std::string::npos)
        throw UsageError("--shard needs K/N (this machine's share K of N, from 1), not '" + value + "'");
      const std::uint64_t n = whole("--shard's N", value.substr(slash + 1), 1, 1000000);
      const std::uint64_t k = whole("--shard's K", value.substr(0, slash), 1, n);
      a.shard_index = k - 1;
      a.shard_count = n;
    } else if (w == "--keep-timeseries") {
      a.keep_timeseries = true;
    } else if (w == "--strict") {
      a.strict = true;
    } else if (w == "--quiet") {
      a.quiet = true;
    }
  }
  if (a.command == "merge") {
    if (a.inputs.empty()) throw UsageError("merge needs the shards' folders: mailstorm merge DIR...");
  } else if (a.command == "compare") {
    if (a.inputs.size() < 2)
      throw UsageError("compare needs a base scenario and at least one variant: mailstorm compare BASE VARIANT...");
  } else {
    if (a.inputs.empty())
      throw UsageError("which scenario? give a scenario file, e.g. scenarios/bestboy-2000.toml");
    if (a.inputs.size() > 1)
      throw UsageError(a.command + " takes one scenario, got '" + a.inputs[0] + "' and '" + a.inputs[1] + "'");
  }
  if (a.jobs == 0) a.jobs = std::max(1u, std::thread::hardware_concurrency());
  return a;
}

}  // namespace mailstorm::cli

// ------------------------------------------------------------------ errors to exit statuses
#include <ostream>

#include "cli/commands.hpp"
#include "models/experiment/constraint.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/scenario.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::cli {

int guarded(const std::string& command, std::ostream& err,
            const std::function<int(const ExperimentArgs&)>& body,
            const std::vector<std::string>& words, std::ostream& out) {
  ExperimentArgs a;
  try {
    a = parse_experiment_args(words);
  } catch (const UsageError& e) {
    err << "mailstorm " << command << ": " << e.what() << "\n\n" << experiment_usage(command);
    return kExitUsage;
  }
  if (a.help) {
    out << experiment_usage(command);
    return kExitOk;
  }
  try {
    return body(a);
  } catch (...) {
    return exit_status_of_current_exception(err);
  }
}

}  // namespace mailstorm::cli
