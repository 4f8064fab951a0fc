// `mailstorm compare BASE VARIANT...`: variants against a base on common random numbers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <set>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_commands.hpp"
#include "cli/progress_bar.hpp"
#include "models/experiment/comparison.hpp"
#include "models/experiment/outcome_stats.hpp"
#include "models/experiment/run_set.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/experiment/sweep_plan.hpp"
#include "models/scenario/settings.hpp"

namespace mailstorm::cli {
namespace {

namespace ex = models::experiment;
namespace fs = std::filesystem;

int compare(const ExperimentArgs& a, std::ostream& out, std::ostream& err) {
  const MpiSession mpi;  // refuses mpirun in a build without MPI
  if (mpi.size() > 1)
    throw UsageError("compare does not spread over MPI ranks: run it without mpirun (sweep and check do)");
  std::vector<ex::RunPoint> points;
  std::set<std::string> names;
  ex::CompareInfo info;
  std::string digest;
  for (const std::string& file : a.inputs) {
    models::scenario::Scenario s =
        models::scenario::load_scenario(file, models::settings_registry(), a.overrides);
    const ex::SweepPlan plan = ex::sweep_plan(s);
    if (!plan.keys.empty())
      throw UsageError(file + " has a [sweep] table: compare takes single scenarios (run "
                       "`mailstorm sweep` for a sweep)");
    const std::string name = ex::filesystem_safe(s.name());
    if (!names.insert(name).second)
      throw UsageError("two scenarios are named '" + name + "' (" + file +
                       "): give each a distinct `name` so their runs can be told apart");
    if (points.empty()) info.base_file = file;
    else info.variants.emplace_back(name, file);
    digest += name + "\n" + ex::settings_fingerprint(s) + "\n";
    points.push_back(ex::RunPoint{name, std::move(s)});
  }
  const std::uint64_t reps = a.replications.value_or(10);
  const fs::path dir = a.out ? fs::path(*a.out) : fs::path("compare-" + points[0].name);
  info.replications = reps;
  info.seed = a.seed;
  info.mode = a.mode;
  info.outcomes = ex::outcome_names();

  // The folder: new, or the same comparison (resumed). A fingerprint file beside compare.json
  // records the scenarios' settings, seed and mode.
  const std::string fingerprint =
      ex::text_fingerprint(digest + "seed=" + std::to_string(a.seed) + "\nmode=" + a.mode + "\n");
  std::error_code ec;
  if (fs::exists(dir / ".fingerprint", ec)) {
    std::ifstream in(dir / ".fingerprint");
    std::string before;
    std::getline(in, before);
    if (before != fingerprint)
      throw UsageError("'" + dir.string() + "' holds another comparison (other scenarios, settings, "
                       "seed or mode); give another --out, or remove the folder to start again");
  } else if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    throw UsageError("'" + dir.string() + "' exists and is not a comparison folder; give another --out");
  }
  ex::write_text_atomically(dir / ".fingerprint", fingerprint + "\n");
  ex::write_text_atomically(dir / "compare.json", ex::compare_json(info));

  ex::RunSetOptions o;
  o.run.seed = a.seed;
  o.run.mode = *models::parse_mode(a.mode);
  o.replications = reps;
  o.jobs = a.jobs;
  o.out = dir;
  ProgressBar bar(err, ProgressBar::is_terminal(err), "compare");
  if (!a.quiet) o.progress = [&](const ex::Progress& p) { bar.update(p); };
  const ex::RunSetResult runs = ex::run_set(points, o);
  if (!a.quiet) bar.finish();

  std::vector<std::string> run_names;
  for (const ex::RunPoint& p : points) run_names.push_back(p.name);
  const std::vector<ex::CompareRow> rows = ex::compare_rows(run_names, info.outcomes, runs.values);
  ex::write_text_atomically(dir / "compare.csv", ex::compare_csv(rows));
  ex::write_text_atomically(dir / "compare.md", ex::compare_markdown(points[0].name, rows));
  if (a.quiet) return kExitOk;

  out << "Compared with " << points[0].name << " on common random numbers: " << reps
      << " replications (seed " << a.seed << "), differences with 95 % intervals\n";
  std::string current;
  std::size_t omitted = 0;
  for (const ex::CompareRow& r : rows) {
    if (r.variant != current) {
      current = r.variant;
      char head[200];
      std::snprintf(head, sizeof head, "\n%s\n  %-30s %11s %11s %11s  %-25s %8s\n", r.variant.c_str(), "outcome",
                    "base", "variant", "difference", "95% interval", "change");
      out << head;
    }
    if (r.base_mean == 0 && r.variant_mean == 0 && r.diff_low == 0 && r.diff_high == 0) {
      ++omitted;
      continue;
    }
    std::string interval("[");
    interval.append(ex::short_number(r.diff_low)).append(", ").append(ex::short_number(r.diff_high)).append("]");
    char line[300];
    std::snprintf(line, sizeof line, "  %-30s %11s %11s %11s  %-25s %8s\n", r.outcome.c_str(),
                  ex::short_number(r.base_mean).c_str(), ex::short_number(r.variant_mean).c_str(),
                  ex::short_number(r.diff_mean).c_str(), interval.c_str(),
                  ex::percent_text(r.percent_change).c_str());
    out << line;
  }
  if (omitted) out << "\n(" << omitted << " rows where every run gave 0 left out; the files have them all)\n";
  out << "Results    " << (dir / "compare.csv").string() << ", " << (dir / "compare.md").string() << '\n';
  return kExitOk;
}

}  // namespace

int compare_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  return guarded("compare", err, [&](const ExperimentArgs& a) { return compare(a, out, err); }, words, out);
}

}  // namespace mailstorm::cli
