// `mailstorm check`: a scenario's [expect] bounds, measured over replications, for CI jobs.
#include <ostream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_commands.hpp"
#include "models/experiment/comparison.hpp"
#include "models/experiment/expectations.hpp"
#include "models/experiment/sweep_plan.hpp"
#include "models/scenario/settings.hpp"

namespace mailstorm::cli {
namespace {

namespace ex = models::experiment;
namespace fs = std::filesystem;

std::string interval_text(const ex::Estimate& e) {
  if (!e.has_interval) return "(exact for the sample)";
  return "95% [" + ex::short_number(e.low) + ", " + ex::short_number(e.high) + "]";
}

int check(const ExperimentArgs& a, std::ostream& out, std::ostream& err) {
  MpiSession mpi;
  const models::scenario::Scenario s =
      models::scenario::load_scenario(a.inputs[0], models::settings_registry(), a.overrides);
  const ex::ExpectTable expect = ex::expect_table(s);
  if (expect.expectations.empty())
    throw UsageError(a.inputs[0] + ": no [expect] table: nothing to check (docs/experiments.md, "
                     "\"Policy checks\", shows how to state bounds)");
  const ex::SweepPlan plan = ex::sweep_plan(s);
  const std::uint64_t reps =
      a.replications.value_or(expect.replications.value_or(plan.replications.value_or(10)));
  std::optional<fs::path> dir;
  if (a.out) dir = fs::path(*a.out);
  const SweepOutcome r = run_sweep(a, s, plan, reps, dir, err, mpi);
  if (mpi.rank() != 0) return kExitOk;
  if (dir) ex::write_text_atomically(*dir / "summary.csv", ex::summary_csv(r.info, r.runs.values));

  std::size_t held = 0, total = 0, inconclusive = 0;
  out << "check " << a.inputs[0] << ": " << reps << " replications (seed " << a.seed << ")"
      << (plan.points.size() > 1 ? ", at each of " + std::to_string(plan.points.size()) + " sweep points" : "")
      << (a.strict ? ", strict (the whole 95% interval must hold)" : "") << '\n';
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    if (plan.points.size() > 1) out << "point " << plan.points[p].name << '\n';
    for (const ex::Expectation& e : expect.expectations) {
      std::vector<double> values;
      for (const auto& run : r.runs.values[p])
        if (!run.empty()) values.push_back(run[e.outcome_index]);
      const ex::Verdict v = ex::judge(e, values);
      const bool ok = v.holds && (!a.strict || v.conclusive);
      ++total;
      if (ok) ++held;
      if (!v.conclusive) ++inconclusive;
      out << "  " << (ok ? "pass" : "FAIL") << "  " << e.text << "   measured "
          << ex::short_number(v.estimate.value) << "  " << interval_text(v.estimate);
      if (!v.conclusive) out << "  (the interval straddles the bound: more replications would tell)";
      out << "   [" << e.origin.file << ":" << e.origin.line << "]\n";
    }
  }
  out << held << " of " << total << " expectations hold";
  if (inconclusive) out << " (" << inconclusive << " not conclusive at 95%)";
  out << '\n';
  return held == total ? kExitOk : kExitFailure;
}

}  // namespace

int check_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  return guarded("check", err, [&](const ExperimentArgs& a) { return check(a, out, err); }, words, out);
}

}  // namespace mailstorm::cli
