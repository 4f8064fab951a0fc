// `mailstorm merge DIR...`: the folders of a sweep's shards combined into one, with the same
// summary.csv as the sweep on one machine.
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_commands.hpp"
#include "models/experiment/run_set.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::cli {
namespace {

namespace ex = models::experiment;
namespace fs = std::filesystem;

int merge(const ExperimentArgs& a, std::ostream& out, std::ostream&) {
  const MpiSession mpi;  // refuses mpirun in a build without MPI
  if (mpi.size() > 1)
    throw UsageError("merge does not spread over MPI ranks: run it without mpirun (sweep and check do)");
  std::vector<ex::SweepInfo> infos;
  for (const std::string& d : a.inputs) {
    ex::SweepInfo info = ex::read_sweep_json(d);
    if (!infos.empty()) {
      std::string diff = ex::sweep_difference(infos.front(), info);
      if (diff.empty() && info.replications != infos.front().replications)
        diff = std::to_string(info.replications) + " replications rather than " +
               std::to_string(infos.front().replications);
      if (!diff.empty())
        throw UsageError("'" + d + "' is not a shard of the same sweep as '" + a.inputs.front() +
                         "': " + diff);
    }
    infos.push_back(std::move(info));
  }
  const ex::SweepInfo& info = infos.front();
  const fs::path target = a.out ? fs::path(*a.out) : fs::path(a.inputs.front());
  std::error_code ec;
  if (fs::exists(target / "sweep.json", ec)) {
    const ex::SweepInfo there = ex::read_sweep_json(target);
    const std::string diff = ex::sweep_difference(there, info);
    if (!diff.empty()) throw UsageError("'" + target.string() + "' holds another sweep: " + diff);
  } else if (fs::exists(target, ec) && !fs::is_empty(target, ec)) {
    throw UsageError("'" + target.string() + "' exists and is not a sweep folder; give another --out");
  }
  ex::write_text_atomically(target / "sweep.json", ex::sweep_json(info));

  // Copy every complete run not in the target yet (summary.json last: it marks completeness).
  std::uint64_t copied = 0;
  for (const std::string& d : a.inputs) {
    if (fs::equivalent(fs::path(d), target, ec)) continue;
    for (const ex::SweepPoint& p : info.points)
      for (std::uint64_t r = 0; r < info.replications; ++r) {
        const fs::path from = ex::run_folder(d, p.name, r), to = ex::run_folder(target, p.name, r);
        if (ex::read_summary(to)) continue;
        const auto summary = ex::read_summary(from);
        if (!summary) continue;
        if (fs::exists(from / "timeseries.csv", ec)) {
          std::ifstream in(from / "timeseries.csv", std::ios::binary);
          std::ostringstream text;
          text << in.rdbuf();
          ex::write_text_atomically(to / "timeseries.csv", text.str());
        }
        ex::write_text_atomically(to / "summary.json", *summary);
        ++copied;
      }
  }
  std::vector<std::string> names;
  for (const ex::SweepPoint& p : info.points) names.push_back(p.name);
  const ex::RunSetResult runs = ex::read_run_set(target, names, info.replications);
  if (runs.missing > 0) {
    for (std::size_t p = 0; p < names.size(); ++p)
      for (std::uint64_t r = 0; r < info.replications; ++r)
        if (runs.values[p][r].empty())
          throw models::OutputError(
              std::to_string(runs.missing) + " of " + std::to_string(names.size() * info.replications) +
              " runs are in none of the folders (the first: " + ex::run_folder(target, names[p], r).string() +
              "); run the missing shards, then merge again. summary.csv not written");
  }
  ex::write_text_atomically(target / "summary.csv", ex::summary_csv(info, runs.values));
  if (!a.quiet) {
    out << "merged " << a.inputs.size() << " folders into " << target.string() << " (" << copied
        << " runs copied)\n";
    print_sweep_table(out, info, runs.values, target);
  }
  return kExitOk;
}

}  // namespace

int merge_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  return guarded("merge", err, [&](const ExperimentArgs& a) { return merge(a, out, err); }, words, out);
}

}  // namespace mailstorm::cli
