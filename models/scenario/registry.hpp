// The one registry of every scenario setting: name, type, unit, default, allowed range, help,
// and the real-world setting it stands for. It drives validation, `mailstorm params` and the
// generated docs/scenarios.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/time.hpp"

namespace mailstorm::models::scenario {

enum class SettingType {
  boolean,      // true / false
  integer,      // 64-bit whole number
  real,         // floating point
  probability,  // real in [0, 1]
  duration,     // "90min", "2h", "5d", "300s", "250ms" (a bare number is refused: units are required)
  rate,         // "20/s", "3600/h", "10/min", "50/d": stored as events per second
  datetime,     // "2000-06-24T13:17:00+09:00"
  choice,       // one of `choices`
  text,         // free string
  path,         // a file name, resolved relative to the scenario file that sets it
};

const char* to_string(SettingType t);

// A setting's value once parsed. Durations are sim::Duration; rates are per second (double);
// datetimes and choices, text and paths are strings.
using Value = std::variant<bool, std::int64_t, double, sim::Duration, std::string>;

struct SettingSpec {
  std::string name;  // dotted path as written in TOML: "list.posting_policy"
  SettingType type = SettingType::real;
  Value default_value;
  std::string unit;                  // for documentation: "members", "bytes", "s", "per s"
  std::optional<double> min, max;    // inclusive bounds (durations in seconds, rates per second)
  std::vector<std::string> choices;  // for SettingType::choice
  std::string help;                  // one or two sentences
  std::string real_world;            // the real counterpart, e.g. "Mailman 3 reply_goes_to_list"
};

class Registry {
 public:
  // Throws std::logic_error on a duplicate name or a default outside its own range.
  void add(SettingSpec spec);
  const SettingSpec* find(std::string_view name) const;
  const std::vector<SettingSpec>& all() const { return specs_; }
  // Up to three known names closest to `name` (edit distance over the dotted name and over its
  // last component), best first; empty if nothing is reasonably close.
  std::vector<std::string> suggest(std::string_view name) const;

 private:
  std::vector<SettingSpec> specs_;
};

// Formats a value as it would be written in a scenario file ("90min", "20/s", "true", "0.25").
std::string format_value(const SettingSpec& spec, const Value& v);

// Markdown reference of every setting, grouped by the first component of the name; this is
// what docs/scenarios.md holds (a test compares it with the committed file).
std::string registry_markdown(const Registry& registry);

}  // namespace mailstorm::models::scenario
