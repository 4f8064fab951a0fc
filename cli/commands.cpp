// The commands behind `mailstorm`: argument errors and scenario errors exit 2 with a message that
// names what to fix; failures of the run itself exit 1.
#include "cli/commands.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/analyze_command.hpp"
#include "cli/arguments.hpp"
#include "cli/report_command.hpp"
#include "cli/live/live_command.hpp"
#include "cli/experiment_commands.hpp"
#include "cli/summary_text.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::cli {
namespace {

namespace scenario = models::scenario;

std::string allowed_text(const scenario::SettingSpec& spec) {
  if (!spec.choices.empty()) {
    std::string out;
    for (const std::string& c : spec.choices) out += (out.empty() ? "" : "|") + c;
    return out;
  }
  // Bounds are stored in seconds for durations and per second for rates: print them as a
  // scenario file would write them.
  auto bound = [&](double x) -> std::string {
    try {
      switch (spec.type) {
        case scenario::SettingType::duration:
          return scenario::format_value(spec, sim::seconds_f(x));
        case scenario::SettingType::integer:
          return scenario::format_value(spec, static_cast<std::int64_t>(x));
        default:
          return scenario::format_value(spec, x);
      }
    } catch (const std::exception&) {
      // A bound the scenario syntax cannot spell exactly: the plain number in base units.
      return models::json_number(x) + (spec.type == scenario::SettingType::rate ? "/s" : "");
    }
  };
  if (spec.type == scenario::SettingType::probability && !spec.min && !spec.max) return "[0, 1]";
  // Appends rather than operator+ chains: g++ 12 warns falsely (-Wrestrict) on "[" + string.
  std::string out;
  if (spec.min && spec.max) {
    out.append("[").append(bound(*spec.min)).append(", ").append(bound(*spec.max)).append("]");
  } else if (spec.min) {
    out.append(">= ").append(bound(*spec.min));
  } else if (spec.max) {
    out.append("<= ").append(bound(*spec.max));
  }
  return out;
}

scenario::Scenario load(const Arguments& a) {
  return scenario::load_scenario(a.scenario, models::settings_registry(), a.overrides);
}

int validate(const Arguments& a, std::ostream& out, std::ostream& err) {
  const scenario::Scenario s = load(a);
  out << "ok: " << a.scenario << ": scenario " << s.name();
  if (s.files().size() > 1) {
    out << " (extends";
    for (std::size_t i = 1; i < s.files().size(); ++i) out << ' ' << s.files()[i];
    out << ')';
  }
  out << ", " << s.explicitly_set().size() << " settings set, the rest at their defaults\n";
  out << "  estimated memory for a run: " << bytes_text(models::estimate_memory_bytes(s, models::Mode::reference))
      << " (reference mode), " << bytes_text(models::estimate_memory_bytes(s, models::Mode::fast))
      << " (fast mode)\n";
  if (const auto available = available_memory_bytes()) {
    if (const auto refusal = models::refuse_if_too_large(s, *available, models::Mode::fast))
      err << "warning: `mailstorm run` would refuse it on this machine in either mode: " << *refusal << '\n';
    else if (const auto refusal = models::refuse_if_too_large(s, *available, models::Mode::reference))
      err << "warning: `mailstorm run` would refuse it on this machine (use --mode fast): " << *refusal << '\n';
  }
  // Allowed (a sweep may move the first mail past the end), but a run of it simulates no mail.
  const sim::Duration first_after = s.duration("first_mail.sent_after");
  if (first_after >= s.duration("run.horizon")) {
    const scenario::Origin& o = s.origin("first_mail.sent_after");
    const scenario::Registry& r = s.registry();
    err << "warning: "
        << (o.how == "file" ? o.file + ":" + std::to_string(o.line) + ": " : o.how == "--set" ? "--set: " : "")
        << "first_mail.sent_after = "
        << scenario::format_value(*r.find("first_mail.sent_after"), s.value("first_mail.sent_after"))
        << " is not before run.horizon = " << scenario::format_value(*r.find("run.horizon"), s.value("run.horizon"))
        << ": the first mail is never sent, so a run simulates no mail\n";
  }
  return kExitOk;
}

int run(const Arguments& a, std::ostream& out, std::ostream& err) {
  const scenario::Scenario s = load(a);
  if (const auto available = available_memory_bytes()) {
    if (const auto refusal = models::refuse_if_too_large(s, *available, *models::parse_mode(a.mode))) {
      err << "error: " << a.scenario << ": scenario too large for this machine: " << *refusal
          << '\n';
      return kExitUsage;
    }
  }
  models::RunOptions options;
  options.seed = a.seed;
  options.replication = a.replication;
  options.queue = a.queue;
  options.record_cascade = a.cascade;
  options.mode = *models::parse_mode(a.mode);
  const models::RunResult result = models::run_storm(s, options);
  if (a.out_dir) models::write_run_outputs(*a.out_dir, s, options, result, a.cascade);
  if (!a.quiet) {
    out << summary_text(s, options, result);
    if (a.out_dir) {
      out << "Results    " << *a.out_dir << "/summary.json, " << *a.out_dir << "/timeseries.csv";
      if (a.cascade) out << ", " << *a.out_dir << "/cascade.csv";
      out << '\n';
    }
  }
  return kExitOk;
}

int params(const Arguments& a, std::ostream& out) {
  const scenario::Registry& registry = models::settings_registry();
  out << (a.markdown ? scenario::registry_markdown(registry) : params_table(registry));
  return kExitOk;
}

}  // namespace

std::optional<std::uint64_t> available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string label, unit;
  std::uint64_t amount = 0;
  while (meminfo >> label >> amount) {
    std::getline(meminfo, unit);
    if (label == "MemAvailable:") return amount * 1024;  // the kernel reports kB
  }
  return std::nullopt;
}

std::string params_table(const scenario::Registry& registry) {
  struct Row {
    std::string name, type, default_text, allowed, help;
  };
  std::vector<Row> rows;
  rows.push_back({"name", "type", "default", "allowed", "help"});
  for (const scenario::SettingSpec& spec : registry.all()) {
    std::string allowed = allowed_text(spec);
    // Durations and rates carry their units in the values themselves.
    const bool unit_in_value =
        spec.type == scenario::SettingType::duration || spec.type == scenario::SettingType::rate;
    if (!spec.unit.empty() && spec.choices.empty() && !unit_in_value)
      allowed += (allowed.empty() ? "" : " ") + spec.unit;
    rows.push_back({spec.name, scenario::to_string(spec.type),
                    scenario::format_value(spec, spec.default_value), allowed, spec.help});
  }
  std::size_t w_name = 0, w_type = 0, w_default = 0, w_allowed = 0;
  for (const Row& r : rows) {
    w_name = std::max(w_name, r.name.size());
    w_type = std::max(w_type, r.type.size());
    w_default = std::max(w_default, r.default_text.size());
    w_allowed = std::max(w_allowed, r.allowed.size());
  }
  auto pad = [](const std::string& s, std::size_t w) {
    return s + std::string(w - s.size() + 2, ' ');
  };
  std::string out;
  for (const Row& r : rows) {
    out += pad(r.name, w_name) + pad(r.type, w_type) + pad(r.default_text, w_default) +
           pad(r.allowed, w_allowed) + r.help;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  out += std::to_string(registry.all().size()) +
         " settings. Set them in a scenario file or with --set key=value.\n";
  return out;
}

int run_command_line(const std::vector<std::string>& words, std::ostream& out, std::ostream& err) {
  if (!words.empty() && words[0] == "analyze") return analyze_command(words, out, err);  // its own options
  if (!words.empty() && words[0] == "report") return report_command(words, out, err);  // its own options
  if (!words.empty() && words[0] == "live") return live::live_command(words, out, err);  // its own options
  if (!words.empty() && words[0] == "sweep") return sweep_command(words, out, err);
  if (!words.empty() && words[0] == "compare") return compare_command(words, out, err);
  if (!words.empty() && words[0] == "check") return check_command(words, out, err);
  if (!words.empty() && words[0] == "merge") return merge_command(words, out, err);
  Arguments a;
  try {
    a = parse_arguments(words);
  } catch (const UsageError& e) {
    err << "mailstorm: " << e.what() << "\n\n" << usage_text();
    return kExitUsage;
  }
  try {
    switch (a.command) {
      case Command::help:
        out << "mailstorm: a discrete-event simulator of mailing-list mail storms.\n\n"
            << usage_text();
        return kExitOk;
      case Command::version:
        out << "mailstorm " << models::mailstorm_version() << " (git "
            << models::mailstorm_git_revision() << ")\n";
        return kExitOk;
      case Command::params:
        return params(a, out);
      case Command::validate:
        return validate(a, out, err);
      case Command::run:
        return run(a, out, err);
    }
  } catch (...) {
    return exit_status_of_current_exception(err);
  }
  return kExitFailure;
}

int exit_status_of_current_exception(std::ostream& err) {
  try {
    throw;
  } catch (const QuietExit& e) {
    return e.code;
  } catch (const UsageError& e) {
    err << "error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const scenario::ScenarioError& e) {
    err << "error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const models::OutputError& e) {
    err << "error: results not written: " << e.what() << '\n';
    return kExitFailure;
  } catch (const models::ConservationError& e) {
    err << "internal error (a bug: please report it with the scenario and seed): the books do "
           "not balance:\n"
        << e.what() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    err << "error: " << e.what() << '\n';
    return kExitFailure;
  } catch (...) {
    err << "error: an unknown failure\n";
    return kExitFailure;
  }
}

}  // namespace mailstorm::cli
