// `mailstorm analyze`: theory beside simulation (MODEL.md section 7, issue 5).
#include "cli/analyze_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "models/analysis/branching.hpp"
#include "models/analysis/cascade_stats.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/params.hpp"
#include "models/world/storm.hpp"
#include "sim/stats.hpp"

namespace mailstorm::cli {
namespace {

namespace an = models::analysis;
namespace fs = std::filesystem;

struct UsageProblem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct AnalyzeArgs {
  std::string scenario;
  std::vector<std::string> overrides;
  std::optional<std::string> json;
  std::optional<std::string> cascade_dir;
  std::uint64_t simulate = 0;
  std::uint64_t seed = 1;
  bool help = false;
};

std::uint64_t number_arg(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-')
    throw UsageProblem(option + " needs a whole number, not '" + text + "'");
  return v;
}

AnalyzeArgs parse(const std::vector<std::string>& words) {
  AnalyzeArgs a;
  for (std::size_t i = 1; i < words.size(); ++i) {
    std::string w = words[i], value;
    bool has_value = false;
    if (w.rfind("--", 0) == 0) {
      const auto eq = w.find('=');
      if (eq != std::string::npos) {
        value = w.substr(eq + 1);
        w = w.substr(0, eq);
        has_value = true;
      }
    }
    auto take = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= words.size()) throw UsageProblem(w + " needs a value");
      return words[++i];
    };
    if (w == "--help" || w == "-h") a.help = true;
    else if (w == "--set") a.overrides.push_back(take());
    else if (w == "--json") a.json = take();
    else if (w == "--simulate") a.simulate = number_arg(w, take());
    else if (w == "--seed") a.seed = number_arg(w, take());
    else if (w == "--cascade") a.cascade_dir = take();
    else if (w.rfind("-", 0) == 0) throw UsageProblem("unknown option '" + w + "' for analyze");
    else if (a.scenario.empty()) a.scenario = w;
    else throw UsageProblem("analyze takes one scenario, got '" + a.scenario + "' and '" + w + "'");
  }
  if (a.help) return a;
  if (a.cascade_dir && (!a.scenario.empty() || a.simulate || a.json || !a.overrides.empty()))
    throw UsageProblem("analyze --cascade RUN_DIR takes no scenario or other option");
  if (!a.cascade_dir && a.scenario.empty()) throw UsageProblem("analyze needs a scenario file (or --cascade RUN_DIR)");
  return a;
}

std::string fmt(double x, int precision = 3) {
  if (std::isinf(x)) return "inf";
  if (std::isnan(x)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", precision, x);
  return buf;
}

std::string fixed(double x, int decimals = 3) {
  if (std::isinf(x)) return "inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
std::string lpad(const std::string& s, std::size_t w) { return s.size() < w ? std::string(w - s.size(), ' ') + s : s; }

// ------------------------------------------------------------------------ simulation --------
struct RunFigures {
  double posts = 0, envelopes = 0, forwards = 0, complaints = 0, outsiders = 0;
  double operator_h = -1;  // hours after the start the operator acted, -1 never
  double quiet_h = 0, horizon_h = 0;
  double refused = 0, queued_at_horizon = 0;
  std::uint64_t peak_queue = 0;
  std::string peak_host;
  std::map<std::string, std::uint64_t> held;
  std::uint64_t storm_protection_blocks = 0;
  double attempted = 0, rejected = 0, discarded = 0;
};

std::vector<RunFigures> simulate(const models::scenario::Scenario& s, std::uint64_t n, std::uint64_t seed) {
  std::vector<RunFigures> figs(n);
  std::exception_ptr failure;
  std::mutex m;
  auto work = [&](std::uint64_t first) {
    try {
      for (std::uint64_t i = first; i < n; i += 2) {
        models::RunOptions o;
        o.seed = seed;
        o.replication = i;
        const models::RunResult r = models::run_storm(s, o);
        RunFigures f;
        f.posts = static_cast<double>(r.outcomes.list_posts_accepted);
        f.envelopes = static_cast<double>(r.outcomes.messages_total);
        f.forwards = static_cast<double>(r.outcomes.forwards);
        f.complaints = static_cast<double>(r.outcomes.complaints);
        f.outsiders = static_cast<double>(r.outcomes.outsiders_reached);
        if (r.outcomes.operator_acted_at != sim::Time::never()) f.operator_h = r.outcomes.operator_acted_at.seconds() / 3600.0;
        f.quiet_h = r.outcomes.time_to_quiet_s / 3600.0;
        f.horizon_h = r.horizon.seconds() / 3600.0;
        for (const auto& h : r.hosts) {
          f.refused += static_cast<double>(h.refused);
          if (h.peak_queue > f.peak_queue) {
            f.peak_queue = h.peak_queue;
            f.peak_host = h.name;
          }
        }
        f.queued_at_horizon = static_cast<double>(r.ledger.queued);
        f.held = r.ledger.held_by_rule;
        f.storm_protection_blocks = r.outcomes.storm_protection_blocks;
        f.attempted = static_cast<double>(r.outcomes.list_posts_attempted);
        f.rejected = static_cast<double>(r.outcomes.list_posts_rejected);
        f.discarded = static_cast<double>(r.outcomes.list_posts_discarded);
        figs[i] = std::move(f);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      if (!failure) failure = std::current_exception();
    }
  };
  std::thread t(work, 1);
  work(0);
  t.join();
  if (failure) std::rethrow_exception(failure);
  return figs;
}

// ------------------------------------------------------------------------ reports -----------
void print_analysis(const models::StormParams& p, const an::Analysis& a, std::ostream& out) {
  const auto& m = a.model;
  out << "Branching-process approximation (no saturation, no operator, infinite horizon,\n"
         "annoyance at its starting value " << fmt(m.annoyance, 4) << ", nobody has reacted before)\n";
  out << "  readers of a list copy   " << fixed(m.readers, 0) << " (of " << p.members << " members)\n";
  out << "  concern (calm/typical/reactive)  " << fmt(m.concern[0]) << " / " << fmt(m.concern[1]) << " / "
      << fmt(m.concern[2]) << "\n";
  out << "  forward fan-out          " << fmt(m.forward_fanout) << " envelopes, " << fmt(m.forward_delivered)
      << " of them readable\n\n";
  out << "Next-generation matrix K (column = parent type, row = children per parent)\n";
  out << pad("", 20);
  for (std::size_t j = 0; j < an::kTypes; ++j) out << lpad(std::string(an::type_name(j)).substr(0, 11), 12);
  out << '\n';
  for (std::size_t i = 0; i < an::kTypes; ++i) {
    out << pad(std::string(an::type_name(i)), 20);
    for (std::size_t j = 0; j < an::kTypes; ++j) {
      const double k = m.K(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      out << lpad(k == 0 ? "." : fmt(k, 3), 12);
    }
    out << '\n';
  }
  out << "\nReproduction number R  " << fixed(a.dominant.R, 4)
      << (a.dominant.R < 1 ? "  (subcritical: the storm dies out by itself)" : "  (supercritical)") << '\n';
  out << "  R with every member fully annoyed (annoyance cap)  " << fixed(a.R_annoyed, 4) << '\n';
  out << "Dominant eigenvector  " << pad("type", 20) << lpad("share of a generation", 22)
      << lpad("reproductive value", 20) << '\n';
  for (std::size_t j = 0; j < an::kTypes; ++j) {
    const auto e = static_cast<Eigen::Index>(j);
    out << "                      " << pad(std::string(an::type_name(j)), 20) << lpad(fixed(a.dominant.right(e)), 22)
        << lpad(fmt(a.dominant.left(e)), 20) << '\n';
  }
  const Eigen::VectorXd start = m.first_generation + m.immigration;
  out << "\nExpected totals from the first mail (" << (start.sum() > 0 ? "(I - K)^-1 x0" : "no list post") << ")\n";
  for (std::size_t j = 0; j < an::kTypes; ++j)
    out << "  " << pad(std::string(an::type_name(j)), 22) << lpad(fmt(a.totals(static_cast<Eigen::Index>(j)), 5), 12) << '\n';
  for (std::size_t o = 0; o < an::kOutputs; ++o)
    out << "  " << pad(std::string(an::output_name(o)), 22) << lpad(fmt(a.outputs(static_cast<Eigen::Index>(o)), 5), 12)
        << '\n';
  out << "  probability the storm dies out by itself  " << fixed(a.extinction_from_start, 4) << '\n';
  out << "\nSensitivity of R (elasticity = % change of R per % change of the setting)\n";
  for (const auto& s : a.sensitivities) {
    if (std::abs(s.elasticity) < 1e-6) continue;  // finite-difference noise
    out << "  " << pad(s.name, 36) << lpad(fmt(s.value, 4), 10) << "  dR/dx " << lpad(fmt(s.dR, 4), 11)
        << "  elasticity " << lpad(fixed(s.elasticity), 7) << '\n';
  }
  out << "\nSingle safeguards (sorted by R)\n";
  for (const auto& s : a.safeguards) {
    out << "  " << pad(s.name, 42) << " R " << lpad(fixed(s.R), 7) << "  annoyed " << lpad(fixed(s.R_annoyed), 7) << "  posts " << lpad(fmt(s.total_posts, 4), 8)
        << "  "
        << (!s.applicable          ? "already in force"
            : s.total_posts == 0.0 ? "no list post at all"
            : s.cap_only           ? "a cap, R unchanged"
            : s.R < 1              ? "R < 1"
                                   : "R >= 1")
        << "   --set " << s.setting << '\n';
  }
  std::string best;
  for (const auto& s : a.safeguards)
    if (s.applicable && !s.cap_only && s.R < 1 && s.total_posts < a.outputs(0)) {
      best = s.name;
      break;
    }
  if (a.dominant.R < 1 && a.R_annoyed >= 1) {
    std::string calm;
    for (const auto& s : a.safeguards)
      if (s.applicable && !s.cap_only && s.R_annoyed < 1 && s.total_posts > 0) {
        calm = s.name;
        break;
      }
    out << "  fully annoyed members take R to " << fixed(a.R_annoyed)
        << (calm.empty() ? "; no single safeguard that leaves a list post keeps it below 1\n"
                         : "; the first safeguard that keeps it below 1 and still lets posts through: " + calm + "\n");
  }
  if (a.dominant.R >= 1)
    out << (best.empty() ? "  no single safeguard brings R below 1\n" : "  the best single safeguard: " + best + "\n");
  else
    out << (best.empty() ? "  R is already below 1\n"
                         : "  R is already below 1; the safeguard that cuts the expected posts most: " + best + "\n");
  if (!m.notes.empty()) {
    out << "\nLeft out by the approximation\n";
    for (const auto& n : m.notes) out << "  - " << n << '\n';
  }
}

struct Compared {
  const char* name;
  double predicted;
  sim::RunningStats sim;
};

void write_json(const std::string& path, const std::string& scenario_path, const models::StormParams& p,
                const an::Analysis& a, const std::vector<Compared>& compared, const std::vector<std::string>& reasons,
                std::uint64_t runs, std::uint64_t seed) {
  models::JsonWriter w;
  w.begin_object();
  w.key("format").value("mailstorm-analysis");
  w.key("format_version").value(1);
  w.key("version").value(models::mailstorm_version());
  w.key("scenario").value(scenario_path);
  w.key("members").value(p.members);
  w.key("assumptions").begin_array();
  for (const char* s : {"no saturation", "annoyance at its starting value", "no operator action", "infinite horizon",
                        "nobody has reacted before (no repeat factor)"})
    w.value(s);
  w.end_array();
  w.key("reproduction_number").value(a.dominant.R);
  w.key("reproduction_number_annoyed").value(a.R_annoyed);
  w.key("annoyance").value(a.model.annoyance);
  w.key("types").begin_array();
  for (std::size_t j = 0; j < an::kTypes; ++j) w.value(an::type_name(j));
  w.end_array();
  w.key("next_generation_matrix").begin_array();
  for (Eigen::Index i = 0; i < a.model.K.rows(); ++i) {
    w.begin_array();
    for (Eigen::Index j = 0; j < a.model.K.cols(); ++j) w.value(a.model.K(i, j));
    w.end_array();
  }
  w.end_array();
  auto by_type = [&](const char* key, const Eigen::VectorXd& v) {
    w.key(key).begin_object();
    for (std::size_t j = 0; j < an::kTypes; ++j) w.key(an::type_name(j)).value(v(static_cast<Eigen::Index>(j)));
    w.end_object();
  };
  by_type("eigenvector_right", a.dominant.right);
  by_type("eigenvector_left", a.dominant.left);
  by_type("first_generation", a.model.first_generation + a.model.immigration);
  by_type("expected_totals", a.totals);
  w.key("expected_outputs").begin_object();
  for (std::size_t o = 0; o < an::kOutputs; ++o) w.key(an::output_name(o)).value(a.outputs(static_cast<Eigen::Index>(o)));
  w.end_object();
  by_type("extinction_probability", a.extinction);
  w.key("extinction_probability_from_start").value(a.extinction_from_start);
  w.key("sensitivities").begin_array();
  for (const auto& s : a.sensitivities) {
    w.begin_object();
    w.key("setting").value(s.name);
    w.key("value").value(s.value);
    w.key("dR").value(s.dR);
    w.key("elasticity").value(s.elasticity);
    w.end_object();
  }
  w.end_array();
  w.key("safeguards").begin_array();
  for (const auto& s : a.safeguards) {
    w.begin_object();
    w.key("name").value(s.name);
    w.key("set").value(s.setting);
    w.key("reproduction_number").value(s.R);
    w.key("reproduction_number_annoyed").value(s.R_annoyed);
    w.key("expected_posts").value(s.total_posts);
    w.key("applicable").value(s.applicable);
    w.key("cap_only").value(s.cap_only);
    w.key("brings_R_below_1").value(s.applicable && !s.cap_only && s.R < 1 && a.dominant.R >= 1);
    w.end_object();
  }
  w.end_array();
  w.key("notes").begin_array();
  for (const auto& n : a.model.notes) w.value(n);
  w.end_array();
  if (runs > 0) {
    w.key("simulation").begin_object();
    w.key("runs").value(runs);
    w.key("seed").value(seed);
    w.key("compared").begin_array();
    for (const auto& c : compared) {
      const auto ci = c.sim.confidence_interval(0.95);
      w.begin_object();
      w.key("outcome").value(c.name);
      w.key("predicted").value(c.predicted);
      w.key("simulated_mean").value(c.sim.mean());
      w.key("ci95_low").value(ci.low);
      w.key("ci95_high").value(ci.high);
      w.key("agrees");
      if (std::isfinite(c.predicted)) w.value(c.predicted >= ci.low && c.predicted <= ci.high);
      else w.null();  // supercritical: the theory has no finite mean to compare
      w.end_object();
    }
    w.end_array();
    w.key("why_they_differ").begin_array();
    for (const auto& r : reasons) w.value(r);
    w.end_array();
    w.end_object();
  }
  w.end_object();
  std::ofstream f(path);
  if (!f) throw models::OutputError(path + ": cannot open for writing");
  f << w.str();
  if (!f) throw models::OutputError(path + ": write failed");
}

int analyze_scenario(const AnalyzeArgs& args, std::ostream& out) {
  const auto scenario = models::scenario::load_scenario(args.scenario, models::settings_registry(), args.overrides);
  const models::StormParams p = models::StormParams::from(scenario);
  const an::Analysis a = an::analyze(p);
  out << "mailstorm analyze: scenario " << scenario.name() << " (" << args.scenario << ")\n\n";
  print_analysis(p, a, out);

  std::vector<Compared> compared;
  std::vector<std::string> reasons;
  if (args.simulate > 0) {
    out << "\nSimulation: " << args.simulate << " replications (seed " << args.seed << ", replications 0.."
        << args.simulate - 1 << ", 2 threads)\n";
    const auto figs = simulate(scenario, args.simulate, args.seed);
    using O = an::Output;
    auto pred = [&](O o) { return a.outputs(static_cast<Eigen::Index>(o)); };
    compared = {{"list_posts_accepted", pred(O::list_posts_accepted), {}},
                {"messages_total", pred(O::envelopes), {}},
                {"forwards", pred(O::forwards), {}},
                {"complaints", pred(O::complaints), {}},
                {"outsiders_reached", pred(O::outsider_receptions), {}}};
    sim::RunningStats operator_h, quiet, refused, queued, peak;
    std::uint64_t operator_runs = 0, active_at_end = 0, saturated = 0;
    std::map<std::string, double> held;
    std::map<std::string, std::uint64_t> peak_hosts;
    double sp_blocks = 0;
    sim::RunningStats attempted, refused_posts;
    for (const auto& f : figs) {
      attempted.add(f.attempted);
      refused_posts.add(f.rejected + f.discarded);
      compared[0].sim.add(f.posts);
      compared[1].sim.add(f.envelopes);
      compared[2].sim.add(f.forwards);
      compared[3].sim.add(f.complaints);
      compared[4].sim.add(f.outsiders);
      if (f.operator_h >= 0) {
        ++operator_runs;
        operator_h.add(f.operator_h);
      }
      quiet.add(f.quiet_h);
      if (f.quiet_h >= f.horizon_h - 1.0 || f.queued_at_horizon > 0) ++active_at_end;
      refused.add(f.refused);
      queued.add(f.queued_at_horizon);
      peak.add(static_cast<double>(f.peak_queue));
      ++peak_hosts[f.peak_host];
      if (f.refused > 0) ++saturated;
      for (const auto& [rule, n] : f.held) held[rule] += static_cast<double>(n) / static_cast<double>(figs.size());
      sp_blocks += static_cast<double>(f.storm_protection_blocks) / static_cast<double>(figs.size());
    }
    out << "  " << pad("outcome", 22) << lpad("predicted", 12) << lpad("simulated mean", 16) << "  95% interval\n";
    for (const auto& c : compared) {
      const auto ci = c.sim.confidence_interval(0.95);
      const bool agrees = c.predicted >= ci.low && c.predicted <= ci.high;
      out << "  " << pad(c.name, 22) << lpad(fmt(c.predicted, 5), 12) << lpad(fmt(c.sim.mean(), 5), 16) << "  ["
          << fmt(ci.low, 4) << ", " << fmt(ci.high, 4) << "]  "
          << (!std::isfinite(c.predicted) ? "n/a: R >= 1, bounded only by what the theory leaves out"
              : agrees                    ? "agrees"
                                          : "differs")
          << '\n';
    }
    // Why they differ.
    const double posts = compared[0].sim.mean();
    if (saturated > 0) {
      std::string busiest;
      std::uint64_t most = 0;
      for (const auto& [h, k] : peak_hosts)
        if (k > most) {
          most = k;
          busiest = h;
        }
      reasons.push_back("saturation: hosts refused mail in " + std::to_string(saturated) + " of " +
                        std::to_string(figs.size()) + " runs (mean " + fmt(refused.mean(), 4) +
                        " refusals); peak queue " + fmt(peak.mean(), 4) + " envelopes, mostly at " + busiest +
                        ": delays stretch the storm in time, retries and DSNs add envelopes");
    } else {
      reasons.push_back("no saturation: no host refused mail (peak queue " + fmt(peak.mean(), 4) + " envelopes)");
    }
    if (operator_runs > 0 && p.operator_action == models::OperatorAction::none)
      reasons.push_back("operator: told in " + std::to_string(operator_runs) + " of " + std::to_string(figs.size()) +
                        " runs, but operator.action = none: no effect");
    else if (operator_runs > 0)
      reasons.push_back("operator action: the operator acted in " + std::to_string(operator_runs) + " of " +
                        std::to_string(figs.size()) + " runs, " + fmt(operator_h.mean(), 3) +
                        " h after the start on average; later posts were held or rejected (a cap the matrix "
                        "does not see)");
    if (attempted.mean() > posts)
      reasons.push_back("the list let through " + fmt(posts, 4) + " of " + fmt(attempted.mean(), 4) +
                        " posts attempted per run (" + fmt(refused_posts.mean(), 4) +
                        " rejected or discarded, the rest held): posts that reach a closed or moderated list "
                        "beget nothing");
    for (const auto& [rule, n] : held)
      if (n > 0) reasons.push_back("held by " + rule + ": " + fmt(n, 4) + " posts per run");
    if (sp_blocks > 0) reasons.push_back("storm protection blocked " + fmt(sp_blocks, 4) + " replies per run (a cap)");
    if (active_at_end > 0)
      reasons.push_back("horizon: " + std::to_string(active_at_end) + " of " + std::to_string(figs.size()) +
                        " runs were still active or had mail queued at the horizon (mean " + fmt(queued.mean(), 4) +
                        " envelopes queued): the simulation stops what the theory lets run to the end");
    if (p.behaviour.annoyance_growth > 0) {
      // A member reads about posts * (1 - never_share) storm messages: annoyance grows with them.
      const double read = posts * (1.0 - p.behaviour.never_read);
      an::BranchingAssumptions grown;
      grown.annoyance_received = std::max(1.0, read);
      const double r_grown = an::spectral_radius(an::build_branching(p, grown).K);
      reasons.push_back("annoyance: a member read about " + fmt(read, 3) + " storm messages per run; at that annoyance R = " +
                        fixed(r_grown) + " instead of " + fixed(a.dominant.R) +
                        (r_grown >= 1 && a.dominant.R < 1 ? " (the storm turns supercritical as it grows)" : ""));
    }
    if (a.dominant.R > 0.9 && a.dominant.R < 1)
      reasons.push_back("near-critical (R = " + fixed(a.dominant.R) +
                        "): storm sizes are heavy-tailed (variance ~ 1/(1 - R)^3); means and intervals from a few "
                        "runs are unreliable: use many runs");
    if (p.behaviour.repeat_factor < 1)
      reasons.push_back("repeat limits: members who reacted once react " + fmt(p.behaviour.repeat_factor) +
                        " times as often afterwards (the theory takes every reader as fresh)");
    if (p.sender_shutdown)
      reasons.push_back("the sender's host shutdown makes readers suspicious (more forwards and complaints)");
    out << "Where and why they differ\n";
    for (const auto& r : reasons) out << "  - " << r << '\n';
  }
  if (args.json) {
    write_json(*args.json, args.scenario, p, a, compared, reasons, args.simulate, args.seed);
    out << "\nWritten " << *args.json << '\n';
  }
  return 0;
}

// ------------------------------------------------------------------------ cascades ----------
std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value after "key": in summary.json (a number or a string), nullopt when absent.
std::optional<std::string> json_field(const std::string& text, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const auto at = text.find(needle);
  if (at == std::string::npos) return std::nullopt;
  auto i = at + needle.size();
  while (i < text.size() && text[i] == ' ') ++i;
  if (i < text.size() && text[i] == '"') {
    const auto end = text.find('"', i + 1);
    return text.substr(i + 1, end - i - 1);
  }
  auto end = i;
  while (end < text.size() && text[end] != ',' && text[end] != '\n' && text[end] != '}') ++end;
  return text.substr(i, end - i);
}

double json_real(const std::string& text, const std::string& key, double fallback) {
  const auto v = json_field(text, key);
  if (!v) return fallback;
  try {
    return std::stod(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

// The recorded run's settings as a scenario text: summary.json writes one `"key": value` per line
// inside "settings", and JSON scalars are TOML values (dotted keys make the tables).
std::string settings_toml(const std::string& summary) {
  const auto at = summary.find("\"settings\": {");
  if (at == std::string::npos) throw std::runtime_error("summary.json has no scenario settings");
  std::istringstream in(summary.substr(at));
  std::string line, toml = "name = \"recorded run\"\n";
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto q1 = line.find('"');
    if (q1 == std::string::npos) break;  // the closing brace
    const auto q2 = line.find('"', q1 + 1);
    const auto colon = line.find(':', q2);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.back() == ',' || value.back() == ' ')) value.pop_back();
    toml += line.substr(q1 + 1, q2 - q1 - 1) + " =" + value + "\n";
  }
  return toml;
}

std::string rerun_degrees(const std::string& summary, const fs::path& dir, std::uint64_t expected_total,
                          std::ostream& out) {
  const auto scenario = models::scenario::load_scenario_text(settings_toml(summary), "summary.json settings", dir,
                                                             models::settings_registry());
  models::RunOptions o;
  o.seed = static_cast<std::uint64_t>(json_real(summary, "seed", 1));
  o.replication = static_cast<std::uint64_t>(json_real(summary, "replication", 0));
  const models::RunResult r = models::run_storm(scenario, o);
  if (r.outcomes.messages_total != expected_total) {
    out << "  the re-run differs from the recorded one (" << r.outcomes.messages_total << " messages, not "
        << expected_total << ": another version of mailstorm?): degrees not written\n";
    return {};
  }
  std::string csv = "degree,vertices\n";
  for (std::size_t d = 0; d < r.contact_degree_counts.size(); ++d)
    if (r.contact_degree_counts[d] > 0) csv += std::to_string(d) + "," + std::to_string(r.contact_degree_counts[d]) + "\n";
  out << "  identical run (" << expected_total << " messages); wrote " << (dir / "contact_degrees.csv").string() << "\n";
  return csv;
}

int analyze_cascade(const AnalyzeArgs& args, std::ostream& out, std::ostream& err) {
  const fs::path dir = *args.cascade_dir;
  if (!fs::exists(dir / "cascade.csv")) {
    err << "error: " << (dir / "cascade.csv").string()
        << " not found: write it with `mailstorm run SCENARIO --cascade --out " << dir.string() << "`\n";
    return 2;
  }
  const std::string summary = read_text(dir / "summary.json");
  const auto members = static_cast<std::uint64_t>(json_real(summary, "population.members", 0));
  const auto rows = an::read_cascade_csv(dir / "cascade.csv");
  const an::CascadeStats s = an::cascade_stats(rows, members);
  out << "mailstorm analyze --cascade " << dir.string() << "\n\n";
  out << "Cascade tree of the first mail: " << s.tree_nodes << " of " << s.nodes << " messages, depth "
      << s.depth_max << " (mean " << fixed(s.depth_mean, 2) << ")\n";
  out << "  structural virality  " << fixed(s.structural_virality) << " (mean distance between two messages)\n";
  out << "  chain-mail tree      " << s.chain_nodes << " messages, structural virality "
      << fixed(s.structural_virality_chain) << "\n";
  const double outsiders_reached = json_real(summary, "outsiders_reached", -1);
  out << "  outsiders reached    " << (outsiders_reached >= 0 ? fmt(outsiders_reached, 8) : "n/a")
      << " (summary.json); those who wrote: by generation below\n\n";
  out << pad("generation", 12) << lpad("messages", 10) << lpad("list_reply", 12) << lpad("remove_me", 11)
      << lpad("forwards", 10) << lpad("bounces", 9) << lpad("outsider_authors", 18) << lpad("new_outsiders", 15)
      << lpad("leaves", 8) << '\n';
  auto kind = [](const an::GenerationRow& g, models::MessageKind k) { return g.by_kind[static_cast<std::size_t>(k)]; };
  std::string csv = "generation,messages,leaves,outsider_authors,new_outsiders,cumulative_outsiders";
  for (std::size_t k = 0; k < models::kMessageKinds; ++k)
    csv.append(",").append(models::kind_name(static_cast<models::MessageKind>(k)));
  csv += '\n';
  for (const auto& g : s.generations) {
    const std::uint64_t leaves = g.generation < s.leaf_depths.size() ? s.leaf_depths[g.generation] : 0;
    out << pad(std::to_string(g.generation), 12) << lpad(std::to_string(g.messages), 10)
        << lpad(std::to_string(kind(g, models::MessageKind::list_reply)), 12)
        << lpad(std::to_string(kind(g, models::MessageKind::remove_me)), 11)
        << lpad(std::to_string(kind(g, models::MessageKind::chain_forward)), 10)
        << lpad(std::to_string(kind(g, models::MessageKind::bounce)), 9) << lpad(std::to_string(g.outsider_authors), 18)
        << lpad(std::to_string(g.new_outsiders), 15) << lpad(std::to_string(leaves), 8) << '\n';
    csv += std::to_string(g.generation) + "," + std::to_string(g.messages) + "," + std::to_string(leaves) + "," +
           std::to_string(g.outsider_authors) + "," + std::to_string(g.new_outsiders) + "," +
           std::to_string(g.cumulative_outsiders);
    for (std::size_t k = 0; k < models::kMessageKinds; ++k) csv.append(",").append(std::to_string(g.by_kind[k]));
    csv += '\n';
  }

  // The contact graph's degrees against the generated shape.
  models::JsonWriter w;
  w.begin_object();
  w.key("format").value("mailstorm-cascade-stats");
  w.key("format_version").value(1);
  w.key("messages").value(s.nodes);
  w.key("tree_messages").value(s.tree_nodes);
  w.key("depth_max").value(static_cast<std::uint64_t>(s.depth_max));
  w.key("depth_mean").value(s.depth_mean);
  w.key("structural_virality").value(s.structural_virality);
  w.key("chain_messages").value(s.chain_nodes);
  w.key("structural_virality_chain").value(s.structural_virality_chain);
  w.key("outsiders_reached").value(outsiders_reached);
  w.key("leaf_depths").begin_array();
  for (const auto n : s.leaf_depths) w.value(n);
  w.end_array();
  w.key("breadth_by_generation").begin_array();
  for (const auto& g : s.generations) w.value(g.messages);
  w.end_array();
  w.key("new_outsiders_by_generation").begin_array();
  for (const auto& g : s.generations) w.value(g.new_outsiders);
  w.end_array();
  const fs::path degrees = dir / "contact_degrees.csv";
  if (!fs::exists(degrees)) {
    // mailstorm run does not write the contact graph's degrees: run the recorded storm again
    // (same settings, seed and replication) and keep them beside the run's files.
    out << "\nRe-running the recorded storm for the contact graph's degrees (as long as the run took)...\n";
    const std::uint64_t expected_total = static_cast<std::uint64_t>(json_real(summary, "messages_total", -1));
    const std::string degree_csv = rerun_degrees(summary, dir, expected_total, out);
    if (!degree_csv.empty()) {
      std::ofstream f(degrees);
      f << degree_csv;
    }
  }
  w.key("contact_degrees");
  out << '\n';
  if (fs::exists(degrees) && json_field(summary, "population.contact_graph").value_or("generated") == "generated") {
    std::ifstream in(degrees);
    std::string line;
    std::getline(in, line);  // header
    std::vector<double> counts;
    while (std::getline(in, line)) {
      const auto comma = line.find(',');
      if (comma == std::string::npos) continue;
      const auto d = static_cast<std::size_t>(std::stoull(line.substr(0, comma)));
      if (counts.size() <= d) counts.resize(d + 1, 0);
      counts[d] += std::stod(line.substr(comma + 1));
    }
    double n = 0, mean = 0;
    for (std::size_t d = 0; d < counts.size(); ++d) {
      n += counts[d];
      mean += static_cast<double>(d) * counts[d];
    }
    mean = n > 0 ? mean / n : 0;
    const double cm = json_real(summary, "population.contacts_mean", 20);
    const double ce = json_real(summary, "population.contacts_degree_exponent", 2.5);
    const auto pmf = an::target_degree_pmf(cm, ce, std::max<std::size_t>(counts.size(), 10000));
    double target_mean = 0, tv = 0;
    for (std::size_t d = 0; d < pmf.size(); ++d) {
      target_mean += static_cast<double>(d) * pmf[d];
      tv += std::abs((d < counts.size() && n > 0 ? counts[d] / n : 0.0) - pmf[d]);
    }
    tv /= 2;
    out << "Contact graph: " << fmt(n, 8) << " realised vertices, mean degree " << fixed(mean, 2) << " (target "
        << fixed(target_mean, 2) << "), total-variation distance to the target " << fixed(tv) << '\n';
    out << "  (a realised degree also counts edges other forwarders added to the vertex)\n";
    if (n < 200) out << "  only " << fmt(n, 6) << " vertices were realised: too few for more than a rough look\n";
    out << "  " << pad("degrees", 14) << lpad("observed", 10) << lpad("target", 10) << '\n';
    w.begin_object();
    w.key("vertices").value(n);
    w.key("mean").value(mean);
    w.key("target_mean").value(target_mean);
    w.key("total_variation").value(tv);
    w.key("bins").begin_array();
    for (std::size_t lo = 1; lo < std::max<std::size_t>(counts.size(), 2); lo *= 2) {
      const std::size_t hi = lo * 2 - 1;
      double obs = 0, tgt = 0;
      for (std::size_t d = lo; d <= hi; ++d) {
        if (d < counts.size()) obs += counts[d];
        if (d < pmf.size()) tgt += pmf[d];
      }
      obs = n > 0 ? obs / n : 0;
      out << "  " << pad(std::to_string(lo) + "-" + std::to_string(hi), 14) << lpad(fixed(obs, 4), 10)
          << lpad(fixed(tgt, 4), 10) << '\n';
      w.begin_object();
      w.key("from").value(static_cast<std::uint64_t>(lo));
      w.key("to").value(static_cast<std::uint64_t>(hi));
      w.key("observed").value(obs);
      w.key("target").value(tgt);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  } else {
    out << "Contact graph: no contact_degrees.csv in " << dir.string()
        << " (written by runs of this version; a loaded graph has no generated target)\n";
    w.null();
  }
  w.end_object();
  {
    std::ofstream f(dir / "cascade_stats.json");
    f << w.str();
    std::ofstream g(dir / "cascade_generations.csv");
    g << csv;
    if (!f || !g) throw models::OutputError(dir.string() + ": cannot write cascade_stats.json / cascade_generations.csv");
  }
  out << "\nWritten " << (dir / "cascade_stats.json").string() << ", " << (dir / "cascade_generations.csv").string()
      << '\n';
  return 0;
}

}  // namespace

std::string analyze_usage_text() {
  return "  mailstorm analyze SCENARIO [--set key=value]... [--json FILE] [--simulate N] [--seed S]\n"
         "  mailstorm analyze --cascade RUN_DIR\n"
         "            the storm as a branching process: reproduction number R, what drives it,\n"
         "            expected totals, sensitivities, safeguards; --simulate N sets N runs beside\n"
         "            it; --cascade reads RUN_DIR/cascade.csv and writes cascade_stats.json\n";
}

int analyze_command(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  AnalyzeArgs args;
  try {
    args = parse(words);
  } catch (const UsageProblem& e) {
    err << "mailstorm analyze: " << e.what() << "\n\nusage:\n" << analyze_usage_text();
    return 2;
  }
  if (args.help) {
    out << "usage:\n" << analyze_usage_text();
    return 0;
  }
  try {
    return args.cascade_dir ? analyze_cascade(args, out, err) : analyze_scenario(args, out);
  } catch (...) {
    return exit_status_of_current_exception(err);
  }
}

}  // namespace mailstorm::cli
