// `mailstorm sweep`: every point of a scenario's [sweep] table, N replications each, resumable,
// shardable, and spread over MPI ranks under mpirun.
#include <algorithm>
#include <exception>
#include <filesystem>
#include <limits>
#include <ostream>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_commands.hpp"
#include "cli/mpi_world.hpp"
#include "cli/progress_bar.hpp"
#include "models/experiment/comparison.hpp"
#include "models/experiment/outcome_stats.hpp"
#include "models/experiment/run_set.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/experiment/sweep_plan.hpp"
#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::cli {

namespace ex = models::experiment;
namespace fs = std::filesystem;

SweepOutcome run_sweep(const ExperimentArgs& a, const models::scenario::Scenario& s,
                       const ex::SweepPlan& plan, std::uint64_t replications,
                       const std::optional<fs::path>& out, std::ostream& err, const MpiSession& mpi) {
  SweepOutcome result;
  ex::SweepInfo& info = result.info;
  info.scenario_file = a.inputs[0];
  info.scenario_name = s.name();
  info.mode = a.mode;
  info.seed = a.seed;
  info.replications = replications;
  info.keys = plan.keys;
  info.points = plan.points;
  info.outcomes = ex::outcome_names();
  std::vector<ex::RunPoint> points;
  std::string digest;  // the points' names and settings, in order
  for (const ex::SweepPoint& p : plan.points) {
    points.push_back(ex::RunPoint{p.name, ex::point_scenario(s, p)});
    digest += p.name + "\n" + ex::settings_fingerprint(points.back().scenario) + "\n";
  }
  info.fingerprint = ex::text_fingerprint(digest);
  if (const auto available = available_memory_bytes()) {
    for (const ex::RunPoint& p : points)
      if (const auto refusal = models::refuse_if_too_large(p.scenario, *available / std::max(1u, a.jobs),
                                                           *models::parse_mode(a.mode)))
        throw UsageError(a.inputs[0] + ": point " + p.name + " too large for " +
                         std::to_string(a.jobs) + " jobs on this machine: " + *refusal);
  }

  // Rank 0 checks the folder and writes sweep.json before any rank starts; it tells the others
  // whether to go on (0), or to stop on a usage problem (1) or an output failure (2).
  if (out) {
    int status = 0;
    std::string problem;
    if (mpi.rank() == 0) {
      try {
        std::error_code ec;
        if (fs::exists(*out / "sweep.json")) {
          const ex::SweepInfo before = ex::read_sweep_json(*out);
          problem = ex::sweep_difference(before, info);
          if (!problem.empty())
            problem = "'" + out->string() + "' holds another sweep (" + problem +
                      "); give another --out, or remove the folder to start again";
        } else if (fs::exists(*out, ec) && !fs::is_empty(*out, ec)) {
          problem = "'" + out->string() + "' exists and is not a sweep folder (no sweep.json); give another --out";
        }
        if (problem.empty()) ex::write_text_atomically(*out / "sweep.json", ex::sweep_json(info));
        status = problem.empty() ? 0 : 1;
      } catch (const std::exception& e) {
        problem = e.what();
        status = 2;
      }
    }
    status = mpi.broadcast(status);
    if (status != 0) {
      if (mpi.rank() != 0) throw QuietExit{status == 1 ? kExitUsage : kExitFailure};  // rank 0 says why
      if (status == 1) throw UsageError(problem);
      throw models::OutputError(problem);
    }
  }

  ex::RunSetOptions o;
  o.run.seed = a.seed;
  o.run.mode = *models::parse_mode(a.mode);
  o.replications = replications;
  o.jobs = a.jobs;
  o.out = out;
  o.keep_timeseries = a.keep_timeseries;
  // Shard K of N, and within it rank R of P: run i when i % (N*P) == K + N*R.
  o.parts = a.shard_count * static_cast<std::uint64_t>(mpi.size());
  o.part = a.shard_index + a.shard_count * static_cast<std::uint64_t>(mpi.rank());
  std::string label = a.command;
  if (a.shard_count > 1) label += " shard " + std::to_string(a.shard_index + 1) + "/" + std::to_string(a.shard_count);
  if (mpi.size() > 1) label += " rank 0/" + std::to_string(mpi.size());
  ProgressBar bar(err, ProgressBar::is_terminal(err), label);
  const bool show = !a.quiet && mpi.rank() == 0;
  if (show) o.progress = [&](const ex::Progress& p) { bar.update(p); };
  std::exception_ptr error;
  try {
    result.runs = ex::run_set(points, o);
  } catch (...) {
    error = std::current_exception();
  }
  if (show) bar.finish();
  if (mpi.size() > 1) {
    // Every rank's runs are on disk (a folder all ranks share): rank 0 reads them all.
    if (mpi.max_all(error ? 1 : 0) != 0) {
      if (error) std::rethrow_exception(error);
      throw QuietExit{kExitFailure};  // the failing rank says why
    }
    // Gather: each rank sends the summaries of its own runs to rank 0, which writes those it
    // does not see yet (ranks on other machines, each with its own disk), then reads them all.
    std::vector<std::string> names;
    for (const ex::SweepPoint& p : plan.points) names.push_back(p.name);
    std::string mine;
    if (out)
      for (std::uint64_t i = o.part; i < points.size() * replications; i += o.parts) {
        const std::size_t p = i / replications;
        const std::uint64_t rep = i % replications;
        if (const auto text = ex::read_summary(ex::run_folder(*out, names[p], rep)))
          mine += std::to_string(p) + " " + std::to_string(rep) + " " + std::to_string(text->size()) + "\n" + *text;
      }
    const std::vector<std::string> gathered = mpi.gather(mine);
    if (mpi.rank() == 0 && out) {
      for (const std::string& payload : gathered) {
        std::size_t at = 0;
        while (at < payload.size()) {
          const std::size_t eol = payload.find('\n', at);
          std::size_t p = 0, len = 0;
          std::uint64_t rep = 0;
          std::istringstream head(payload.substr(at, eol - at));
          head >> p >> rep >> len;
          const fs::path dir = ex::run_folder(*out, names.at(p), rep);
          if (!ex::read_summary(dir)) ex::write_text_atomically(dir / "summary.json", payload.substr(eol + 1, len));
          at = eol + 1 + len;
        }
      }
      const std::uint64_t ran = result.runs.ran, resumed = result.runs.resumed;
      result.runs = ex::read_run_set(*out, names, replications);
      result.runs.ran = ran;
      result.runs.resumed = resumed;
    }
    if (!out) {
      // Nothing on disk (check without --out): gather the outcome values themselves, written as
      // the shortest text that reads back as the same double.
      std::string values;
      for (std::uint64_t i = o.part; i < points.size() * replications; i += o.parts) {
        const auto& run = result.runs.values[i / replications][i % replications];
        values += std::to_string(i);
        for (const double x : run) values.append(" ").append(models::json_number(x));
        values += "\n";
      }
      const std::vector<std::string> all = mpi.gather(values);
      if (mpi.rank() == 0) {
        for (const std::string& payload : all) {
          std::istringstream lines(payload);
          std::string line;
          while (std::getline(lines, line)) {
            std::istringstream fields(line);
            std::uint64_t i = 0;
            fields >> i;
            std::vector<double> run;
            std::string x;
            // (json_number writes a value that is not finite as null: it reads back as NaN.)
            while (fields >> x) {
              const models::JsonValue v = models::parse_json(x, "a gathered outcome");
              run.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.as_number());
            }
            result.runs.values.at(i / replications).at(i % replications) = std::move(run);
          }
        }
        result.runs.missing = 0;
        for (const auto& point : result.runs.values)
          for (const auto& run : point) result.runs.missing += run.empty() ? 1 : 0;
      }
    }
  } else if (error) {
    std::rethrow_exception(error);
  }
  return result;
}

namespace {

int sweep(const ExperimentArgs& a, std::ostream& out, std::ostream& err) {
  MpiSession mpi;
  const models::scenario::Scenario s =
      models::scenario::load_scenario(a.inputs[0], models::settings_registry(), a.overrides);
  const ex::SweepPlan plan = ex::sweep_plan(s);
  const std::uint64_t reps = a.replications.value_or(plan.replications.value_or(10));
  const fs::path dir = a.out ? fs::path(*a.out) : fs::path(ex::filesystem_safe(s.name()) + "-sweep");
  const SweepOutcome r = run_sweep(a, s, plan, reps, dir, err, mpi);
  if (mpi.rank() != 0) return kExitOk;
  if (r.runs.missing > 0) {
    if (!a.quiet)
      out << "shard " << a.shard_index + 1 << "/" << a.shard_count << ": " << r.runs.ran << " runs done, "
          << r.runs.resumed << " were done already; " << r.runs.missing
          << " runs belong to other shards.\nWhen every shard is done: mailstorm merge DIR... "
             "(or run this sweep without --shard in a folder that holds them all)\n";
    return kExitOk;
  }
  ex::write_text_atomically(dir / "summary.csv", ex::summary_csv(r.info, r.runs.values));
  if (!a.quiet) print_sweep_table(out, r.info, r.runs.values, dir);
  return kExitOk;
}

}  // namespace

void print_sweep_table(std::ostream& out, const ex::SweepInfo& info,
                       const std::vector<std::vector<std::vector<double>>>& values, const fs::path& dir) {
  const std::vector<std::string> shown = {"messages_total", "sender_inbox_peak_per_hour", "forwards",
                                          "complaints"};
  out << info.points.size() << (info.points.size() == 1 ? " point" : " points") << " x "
      << info.replications << " replications of " << info.scenario_name << " (seed " << info.seed
      << "), means with 95 % intervals:\n";
  // Cells first, then columns padded to their widest cell.
  std::vector<std::vector<std::string>> rows;
  rows.push_back({""});
  for (const std::string& o : shown) rows[0].push_back(o);
  for (std::size_t p = 0; p < info.points.size(); ++p) {
    std::vector<std::string> row = {info.points[p].name};
    for (const std::string& o : shown) {
      const auto at = std::find(info.outcomes.begin(), info.outcomes.end(), o);
      std::vector<double> xs;
      if (at != info.outcomes.end())
        for (const auto& run : values[p])
          if (!run.empty()) xs.push_back(run[static_cast<std::size_t>(at - info.outcomes.begin())]);
      const ex::Describe d = ex::describe(xs);
      std::string cell = ex::short_number(d.mean);
      cell.append(" +-").append(ex::short_number((d.ci95_high - d.ci95_low) / 2));
      row.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t c = 0; c < row.size(); ++c)
      line.append(" ").append(row[c]).append(width[c] - row[c].size(), ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  out << "Results    " << (dir / "summary.csv").string() << " (every outcome), "
      << (dir / "runs").string() << "/<point>/rep-<NNNN>/summary.json\n";
}

int sweep_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  return guarded("sweep", err, [&](const ExperimentArgs& a) { return sweep(a, out, err); }, words, out);
}

}  // namespace mailstorm::cli
