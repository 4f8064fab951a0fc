// Parsing the command line by hand: a handful of options does not need a dependency.
#include "cli/arguments.hpp"

#include <charconv>
#include <string_view>

namespace mailstorm::cli {
namespace {

std::uint64_t parse_count(std::string_view option, std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    throw UsageError(std::string(option) + " needs a whole number from 0 to " +
                     std::to_string(UINT64_MAX) + ", not '" + std::string(text) + "'");
  return n;
}

bool takes_value(std::string_view option) {
  return option == "--seed" || option == "--replication" || option == "--set" ||
         option == "--out" || option == "--queue" || option == "--mode";
}

}  // namespace

std::string usage_text() {
  return "usage:\n"
         "  mailstorm run SCENARIO [--seed N] [--replication R] [--set key=value]...\n"
         "                [--out DIR] [--queue dary_heap|radix_heap] [--mode reference|fast]\n"
         "                [--cascade] [--quiet]\n"
         "  mailstorm validate SCENARIO [--set key=value]...\n"
         "  mailstorm params [--markdown]\n"
         "  mailstorm analyze SCENARIO [--set k=v]... [--json FILE] [--simulate N] [--seed S]\n"
         "  mailstorm analyze --cascade RUN_DIR   (branching theory, cascades: analyze --help)\n"
         "  mailstorm report RESULT_DIR [-o FILE]  (an HTML page of charts: report --help)\n"
         "  mailstorm live SCENARIO [--speed H] [--at TIME=MEASURE]...  (live --help)\n"
         "  mailstorm sweep SCENARIO [--replications N] [--jobs J] [--out DIR] [--shard K/N]\n"
         "  mailstorm compare BASE VARIANT... [--replications N] [--jobs J] [--out DIR]\n"
         "  mailstorm check SCENARIO [--replications N] [--jobs J] [--strict]\n"
         "  mailstorm merge DIR... [--out DIR]   (experiments: `mailstorm sweep --help` etc.)\n"
         "  mailstorm --help | --version\n"
         "\n"
         "  run       simulate one storm and print a summary; --out DIR also writes\n"
         "            DIR/summary.json and DIR/timeseries.csv (and DIR/cascade.csv with "
         "--cascade)\n"
         "  validate  load a scenario file (following `extends`) and report errors\n"
         "  params    list every scenario setting; --markdown prints docs/scenarios.md\n"
         "\n"
         "  --seed N            random seed (default 1)\n"
         "  --replication R     replication number: independent streams for the same seed\n"
         "  --set key=value     override a setting, e.g. --set population.members=500\n"
         "  --queue NAME        pending-event set (default radix_heap); results are identical\n"
         "  --mode MODE         reference (default: every copy is an event) or fast (exact\n"
         "                      aggregation, the same outcomes in distribution)\n"
         "  --cascade           record the cascade tree (cascade.csv, needs --out)\n"
         "  --quiet             print nothing on success\n"
         "\n"
         "exit status: 0 success, 1 the run or writing its results failed, 2 a usage or scenario\n"
         "error (or a scenario too large for this machine's memory)\n";
}

Arguments parse_arguments(const std::vector<std::string>& words) {
  Arguments a;
  if (words.empty()) throw UsageError("no command given");
  std::size_t i = 0;
  const std::string& first = words[0];
  if (first == "--help" || first == "-h" || first == "help") {
    a.command = Command::help;
    return a;
  }
  if (first == "--version") {
    a.command = Command::version;
    return a;
  }
  if (first == "run")
    a.command = Command::run;
  else if (first == "validate")
    a.command = Command::validate;
  else if (first == "params")
    a.command = Command::params;
  else if (first.starts_with("-"))
    throw UsageError("unknown option '" + first + "' (a command comes first)");
  else
    throw UsageError("unknown command '" + first + "'");
  ++i;

  bool have_scenario = false;
  for (; i < words.size(); ++i) {
    std::string_view word = words[i];
    if (word == "--help" || word == "-h") {
      a.command = Command::help;
      return a;
    }
    if (!word.starts_with("--")) {
      if (a.command == Command::params || have_scenario)
        throw UsageError("unexpected argument '" + std::string(word) + "'");
      a.scenario = std::string(word);
      have_scenario = true;
      continue;
    }
    std::string_view option = word, value;
    bool has_value = false;
    if (const auto eq = word.find('='); eq != std::string_view::npos) {
      option = word.substr(0, eq);
      value = word.substr(eq + 1);
      has_value = true;
    }
    const std::string name(option);
    if (takes_value(option) && !has_value) {
      if (i + 1 >= words.size()) throw UsageError(name + " needs a value");
      value = words[++i];
    } else if (!takes_value(option) && has_value) {
      throw UsageError(name + " takes no value");
    }

    const bool for_run = a.command == Command::run;
    const bool for_scenario = a.command == Command::run || a.command == Command::validate;
    auto only = [&](bool allowed, const char* commands) {
      if (!allowed) throw UsageError(name + " applies to " + commands + " only");
    };
    if (option == "--seed") {
      only(for_run, "run");
      a.seed = parse_count(option, value);
    } else if (option == "--replication") {
      only(for_run, "run");
      a.replication = parse_count(option, value);
    } else if (option == "--set") {
      only(for_scenario, "run and validate");
      if (value.find('=') == std::string_view::npos)
        throw UsageError("--set needs key=value, not '" + std::string(value) + "'");
      a.overrides.emplace_back(value);
    } else if (option == "--out") {
      only(for_run, "run");
      if (value.empty()) throw UsageError("--out needs a folder name");
      a.out_dir = std::string(value);
    } else if (option == "--queue") {
      only(for_run, "run");
      const auto kind = sim::parse_queue_kind(value);
      if (!kind)
        throw UsageError("--queue must be dary_heap or radix_heap, not '" + std::string(value) +
                         "'");
      a.queue = *kind;
    } else if (option == "--mode") {
      only(for_run, "run");
      if (value != "reference" && value != "fast")
        throw UsageError("--mode must be reference or fast, not '" + std::string(value) + "'");
      a.mode = std::string(value);
    } else if (option == "--cascade") {
      only(for_run, "run");
      a.cascade = true;
    } else if (option == "--quiet") {
      only(for_run, "run");
      a.quiet = true;
    } else if (option == "--markdown") {
      only(a.command == Command::params, "params");
      a.markdown = true;
    } else {
      throw UsageError("unknown option '" + name + "'");
    }
  }
  if ((a.command == Command::run || a.command == Command::validate) && !have_scenario)
    throw UsageError("which scenario? give a scenario file, e.g. scenarios/bestboy-2000.toml");
  if (a.cascade && !a.out_dir) throw UsageError("--cascade needs --out DIR (cascade.csv)");
  return a;
}

}  // namespace mailstorm::cli
