// Loading scenario files: TOML with `extends`, units, overrides (--set key=value), and errors that
// name the file, line, column, key, what is allowed and the nearest known key.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/registry.hpp"

namespace mailstorm::models::scenario {

namespace detail {
struct ScenarioBuilder;
}

// Where a value came from: the file and position that set it, or "default" / "--set".
struct Origin {
  std::string file;  // empty for defaults and --set
  int line = 0, column = 0;
  std::string how;   // "default", "file", "--set"
};

// Every error a user can cause. what() is the full human message, e.g.
//   scenarios/x.toml:12:1: key 'list.posting_polcy': unknown setting; did you mean 'list.posting_policy'?
// line/column are those of the key (1-based), 0 when there is no position (a file that cannot
// be read or is over 1 MiB, or --set, whose file() is "--set"). A problem in a base file named
// by `extends` is reported at its place in that file; one about the `extends` line itself
// (missing base, cycle, chain deeper than 16) in the file that extends.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, int line, int column, std::string key, std::string message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_, column_;
  std::string key_, message_;
};

// A fully resolved scenario: every registered setting has a value (default or set).
class Scenario {
 public:
  const Registry& registry() const { return *registry_; }
  const std::string& name() const { return name_; }              // file stem unless `name` is set
  const std::string& description() const { return description_; }
  const std::vector<std::string>& files() const { return files_; }  // the extends chain, base last

  // Typed access; throws std::logic_error if the name is unregistered or the type differs
  // (a programming error, never a user error: the loader already validated everything).
  bool boolean(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  double real(std::string_view name) const;  // real and probability
  sim::Duration duration(std::string_view name) const;
  double rate_per_s(std::string_view name) const;
  const std::string& text(std::string_view name) const;  // text, choice, datetime, path

  const Value& value(std::string_view name) const;
  const Origin& origin(std::string_view name) const;
  // Names explicitly set by a file or --set (not defaults), in registry order.
  std::vector<std::string> explicitly_set() const;

  // Reserved tables kept as raw TOML text for the experiment tools: [sweep] and [expect].
  const std::string& sweep_toml() const { return sweep_toml_; }
  const std::string& expect_toml() const { return expect_toml_; }

  // The resolved scenario as TOML (every setting, sorted by name, with its value) and as a
  // JSON object text (for summary.json).
  //
  // to_toml: `name`, `description`, then `group.setting = value` dotted keys sorted by name,
  // then the [sweep] and [expect] tables; durations and rates are strings as format_value writes
  // them ("90min", "10/min"), exact, so load_scenario_text(to_toml()) gives the same values.
  // Paths are written as resolved, absolute: a path in a file from that file's folder (in
  // [sweep] too), a --set path from the working directory.
  //
  // to_json: {"name", "description", "files": [extends chain, base last],
  //   "settings": {name: value} sorted by name, with booleans, integers and reals as JSON
  //     values and every other type as a string: durations and rates as format_value writes
  //     them ("90min", "20/s"), datetimes, choices, text and paths as stored;
  //   "numeric": {name: number} for durations (seconds) and rates (events per second) only;
  //   "explicitly_set": [names, registry order]; "sweep_toml", "expect_toml": raw TOML text}.
  std::string to_toml() const;
  std::string to_json() const;

  // Replace one value (as --set does): parses `text` per the setting's type. Throws ScenarioError
  // with file "--set".
  void set_from_string(std::string_view name, std::string_view text);

 private:
  friend struct detail::ScenarioBuilder;  // the loader and default_scenario fill scenarios in
  const Registry* registry_ = nullptr;
  std::string name_, description_;
  std::vector<std::string> files_;
  std::map<std::string, Value, std::less<>> values_;
  std::map<std::string, Origin, std::less<>> origins_;
  std::string sweep_toml_, expect_toml_;
};

// Every setting at its default.
Scenario default_scenario(const Registry& registry);

// Loads `path` (following `extends` chains: later files override earlier; a cycle, a missing
// file or a chain deeper than 16 is an error), then applies `overrides` ("key=value", as from
// `--set`). Throws ScenarioError on any problem; never aborts, whatever the bytes.
Scenario load_scenario(const std::filesystem::path& path, const Registry& registry,
                       const std::vector<std::string>& overrides = {});

// Same, from text in memory (for tests and the fuzzer); `display_name` is used in messages and
// `base_dir` resolves `extends` and paths.
Scenario load_scenario_text(std::string_view toml_text, std::string_view display_name,
                            const std::filesystem::path& base_dir, const Registry& registry,
                            const std::vector<std::string>& overrides = {});

// Parses "90min" / "1.5h" / "5d" / "300s" / "250ms" / "2w"; throws std::invalid_argument saying
// what units are allowed.
sim::Duration parse_duration(std::string_view text);
// Parses "20/s", "3600/h", "10/min", "50/d"; per second.
double parse_rate(std::string_view text);

}  // namespace mailstorm::models::scenario
