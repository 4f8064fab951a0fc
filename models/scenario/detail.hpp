// Private helpers shared by the scenario library's translation units (not installed, not public).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/registry.hpp"
#include "models/scenario/scenario.hpp"

namespace mailstorm::models::scenario::detail {

// Concatenates string-like parts. (Used instead of `"literal" + std::string(...)`, on which
// g++ 12 -O2 issues a false -Wrestrict warning, GCC bug 105329.)
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

// A problem with one value (wrong type, out of range, not a choice). The caller knows where the
// value was written and turns it into a ScenarioError with file, line and column.
class ValueProblem : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The largest scenario file accepted, checked before parsing.
inline constexpr std::size_t max_file_bytes = 1024 * 1024;
// The deepest `extends` chain accepted.
inline constexpr int max_extends_depth = 16;

// Throws ValueProblem unless `v` has the C++ type of `spec.type` and lies within its range /
// choices. Normalises (integer for a real setting becomes a double).
Value checked(const SettingSpec& spec, Value v);

// Parses text as from `--set` (or a TOML string for durations, rates, datetimes) per the type.
// Throws ValueProblem.
Value parse_text_value(const SettingSpec& spec, std::string_view text);

// "an integer, e.g. 2000": what a setting expects, for messages.
std::string expected_phrase(const SettingSpec& spec);
// "[1, 100000] members" / "at least 0s": the allowed range with units, empty if unbounded.
// Durations and rates carry their units in the numbers; `with_unit` adds spec.unit for others.
std::string range_phrase(const SettingSpec& spec, bool with_unit = true);

// Formatting helpers (exact round trip through parse_duration / parse_rate).
std::string format_duration(sim::Duration d);
std::string format_rate(double per_s);
std::string format_real(double x);  // shortest round-trip text, always with '.', 'e', "inf" or "nan"

// TOML basic string literal with quotes ("a \"b\"\n") and JSON string literal with quotes.
std::string toml_quote(std::string_view s);
std::string json_quote(std::string_view s);

// A path setting's value as written relative to `base_dir` (a file's folder; empty for the
// working directory, where --set paths are relative to), made absolute and normal so that what
// to_toml and summary.json record names the same file wherever it is read again (`analyze
// --cascade` loads a run's settings from its own folder). Empty stays empty: no file.
std::string resolved_path(const std::string& text, const std::filesystem::path& base_dir);

// Suggestion text " did you mean 'a' or 'b'?" (with a leading ';'), empty if no suggestion.
std::string did_you_mean(const std::vector<std::string>& names);
// Optimal-string-alignment (Damerau) edit distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Builds Scenario objects; the only code with access to Scenario's private members.
struct ScenarioBuilder {
  static Scenario defaults(const Registry& registry);
  static void set(Scenario& s, const std::string& name, Value v, Origin origin);
  static void set_meta(Scenario& s, std::string name, std::string description,
                       std::vector<std::string> files, std::string sweep_toml,
                       std::string expect_toml);
  static void apply_overrides(Scenario& s, const std::vector<std::string>& overrides);
};

// Implemented in the one translation unit that includes TOML++ (toml_loader.cpp): re-serialises
// `content_toml` (the body of a table) as the table `[table_name]`, for Scenario::to_toml.
std::string wrap_table_toml(std::string_view table_name, std::string_view content_toml);

}  // namespace mailstorm::models::scenario::detail
