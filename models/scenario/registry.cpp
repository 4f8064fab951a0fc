// The settings registry: validation of the specs themselves, suggestions for misspelt names,
// value formatting and the Markdown reference.
#include "models/scenario/registry.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

#include "models/scenario/detail.hpp"

namespace mailstorm::models::scenario {
namespace {

bool is_bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool valid_dotted_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char previous = 0;
  for (const char c : name) {
    if (c == '.' && previous == '.') return false;
    if (c != '.' && !is_bare_key_char(c)) return false;
    previous = c;
  }
  return true;
}

std::string_view first_component(std::string_view name) {
  return name.substr(0, std::min(name.find('.'), name.size()));
}

std::string_view last_component(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

bool is_group_of(std::string_view group, std::string_view name) {
  return name.size() > group.size() && name.substr(0, group.size()) == group &&
         name[group.size()] == '.';
}

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

const char* to_string(SettingType t) {
  switch (t) {
    case SettingType::boolean: return "boolean";
    case SettingType::integer: return "integer";
    case SettingType::real: return "real";
    case SettingType::probability: return "probability";
    case SettingType::duration: return "duration";
    case SettingType::rate: return "rate";
    case SettingType::datetime: return "datetime";
    case SettingType::choice: return "choice";
    case SettingType::text: return "text";
    case SettingType::path: return "path";
  }
  return "unknown";
}

void Registry::add(SettingSpec spec) {
  auto fail = [&](const std::string& why) {
    throw std::logic_error("setting '" + spec.name + "': " + why);
  };
  if (!valid_dotted_name(spec.name))
    fail("invalid name (dotted bare keys: letters, digits, '_', '-')");
  static const std::string_view reserved[] = {"extends", "name", "description", "sweep",
                                              "expect"};
  for (const std::string_view r : reserved)
    if (first_component(spec.name) == r) fail(detail::cat("'", r, "' is reserved"));
  for (const SettingSpec& other : specs_) {
    if (other.name == spec.name) fail("registered twice");
    if (is_group_of(other.name, spec.name) || is_group_of(spec.name, other.name))
      fail("clashes with '" + other.name + "' (a name cannot be both a value and a table)");
  }
  if (spec.type == SettingType::probability) {
    if (!spec.min) spec.min = 0.0;
    if (!spec.max) spec.max = 1.0;
    if (*spec.min < 0.0 || *spec.max > 1.0) fail("a probability's range must lie within [0, 1]");
  }
  if ((spec.min && !std::isfinite(*spec.min)) || (spec.max && !std::isfinite(*spec.max)))
    fail("bounds must be finite");
  if (spec.min && spec.max && *spec.min > *spec.max) fail("min is greater than max");
  if (spec.type == SettingType::choice) {
    if (spec.choices.empty()) fail("a choice needs at least one choice");
    for (std::size_t i = 0; i < spec.choices.size(); ++i)
      for (std::size_t j = i + 1; j < spec.choices.size(); ++j)
        if (spec.choices[i] == spec.choices[j]) fail("choice '" + spec.choices[i] + "' twice");
  } else if (!spec.choices.empty()) {
    fail("choices given for a setting of type " + std::string(to_string(spec.type)));
  }
  try {
    spec.default_value = detail::checked(spec, spec.default_value);
  } catch (const detail::ValueProblem& e) {
    fail(std::string("bad default: ") + e.what());
  }
  specs_.push_back(std::move(spec));
}

const SettingSpec* Registry::find(std::string_view name) const {
  for (const SettingSpec& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> Registry::suggest(std::string_view name) const {
  // Scores: the edit distance over the whole dotted name, or over the last component (so a
  // setting put in the wrong table, or misspelt within the right one, is found).
  std::vector<std::tuple<std::size_t, std::string>> scored;
  const std::string_view last = last_component(name);
  for (const SettingSpec& s : specs_) {
    const std::size_t whole = detail::edit_distance(name, s.name);
    const std::size_t tail = detail::edit_distance(last, last_component(s.name));
    const std::size_t whole_limit = std::max<std::size_t>(2, name.size() / 3);
    const std::size_t tail_limit = std::max<std::size_t>(1, last.size() / 4);
    std::size_t score = std::string::npos;
    if (whole <= whole_limit) score = whole;
    // A tail match costs one more than its distance: right name in the wrong table ranks after
    // a one-letter slip in the right table.
    if (tail <= tail_limit) score = std::min(score, tail + 1);
    if (score != std::string::npos) scored.emplace_back(score, s.name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& [score, candidate] : scored) {
    if (out.size() == 3) break;
    if (candidate != name) out.push_back(candidate);
  }
  return out;
}

std::string format_value(const SettingSpec& spec, const Value& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const std::int64_t* i = std::get_if<std::int64_t>(&v)) {
    if (spec.type == SettingType::real || spec.type == SettingType::probability)
      return detail::format_real(static_cast<double>(*i));
    return std::to_string(*i);
  }
  if (const double* d = std::get_if<double>(&v)) {
    if (spec.type == SettingType::rate) return detail::format_rate(*d);
    return detail::format_real(*d);
  }
  if (const sim::Duration* d = std::get_if<sim::Duration>(&v)) return detail::format_duration(*d);
  return std::get<std::string>(v);
}

namespace detail {

std::string range_phrase(const SettingSpec& spec, bool with_unit) {
  auto bound = [&](double x) -> std::string {
    switch (spec.type) {
      case SettingType::duration: return format_duration(sim::seconds_f(x));
      case SettingType::rate: return format_rate(x);
      case SettingType::integer:
        if (std::fabs(x) < 9e18 && x == std::nearbyint(x))
          return std::to_string(static_cast<std::int64_t>(x));
        return format_real(x);
      default: {
        std::string s = format_real(x);
        if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
        return s;
      }
    }
  };
  // Durations and rates carry their units in the number; others get the spec's unit word.
  const bool unit_in_number = spec.type == SettingType::duration || spec.type == SettingType::rate;
  const std::string unit =
      unit_in_number || spec.unit.empty() || !with_unit ? "" : cat(" ", spec.unit);
  if (spec.min && spec.max)
    return cat("[", bound(*spec.min), ", ", bound(*spec.max), "]", unit);
  if (spec.min) return cat("at least ", bound(*spec.min), unit);
  if (spec.max) return cat("at most ", bound(*spec.max), unit);
  return {};
}

std::string expected_phrase(const SettingSpec& spec) {
  const std::string example = format_value(spec, spec.default_value);
  switch (spec.type) {
    case SettingType::boolean: return "a boolean (true or false)";
    case SettingType::integer: return "an integer, e.g. " + example;
    case SettingType::real: return "a number, e.g. " + example;
    case SettingType::probability: return "a probability between 0 and 1, e.g. " + example;
    case SettingType::duration:
      return "a duration as a string with units, e.g. \"" + example +
             "\" (units: us, ms, s, min, h, d, w)";
    case SettingType::rate:
      return "a rate as a string, e.g. \"" + example + "\" (units: /s, /min, /h, /d, /w)";
    case SettingType::datetime:
      return "a date-time string with UTC offset, e.g. \"2000-06-24T13:17:00+09:00\"";
    case SettingType::choice: {
      std::string s = "one of the strings ";
      for (std::size_t i = 0; i < spec.choices.size(); ++i)
        s += (i ? ", \"" : "\"") + spec.choices[i] + "\"";
      return s;
    }
    case SettingType::text: return "a string, e.g. \"" + example + "\"";
    case SettingType::path: return "a file name as a string, e.g. \"members.csv\"";
  }
  return "a value";
}

}  // namespace detail

std::string registry_markdown(const Registry& registry) {
  // Groups in order of first appearance; settings in registry order within each group.
  std::vector<std::string> groups;
  for (const SettingSpec& s : registry.all()) {
    const std::string g(first_component(s.name));
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::string out;
  out += "# Scenario settings\n\n";
  out += "Generated from the settings registry (models/scenario); do not edit by hand.\n\n";
  out += "Durations are strings with units (`\"90min\"`, `\"1.5h\"`, `\"5d\"`, `\"2w\"`, "
         "`\"300s\"`, `\"250ms\"`); a bare number is refused. Rates are strings per time unit "
         "(`\"20/s\"`, `\"3600/h\"`, `\"10/min\"`, `\"50/d\"`). Date-times carry a UTC offset "
         "(`\"2000-06-24T13:17:00+09:00\"`). Paths are relative to the file that sets them, or "
         "that lists them in `[sweep]` (a path given with `--set` is relative to the working "
         "directory); results record them absolute.\n";
  for (const std::string& g : groups) {
    out += "\n## " + g + "\n\n";
    out += "| Setting | Type | Default | Unit | Allowed | Help | Real-world counterpart |\n";
    out += "|---|---|---|---|---|---|---|\n";
    for (const SettingSpec& s : registry.all()) {
      if (std::string(first_component(s.name)) != g) continue;
      std::string allowed;
      if (s.type == SettingType::choice) {
        for (std::size_t i = 0; i < s.choices.size(); ++i)
          allowed += (i ? ", `" : "`") + s.choices[i] + "`";
      } else if (s.type == SettingType::datetime) {
        allowed = "ISO 8601 with UTC offset";
      } else if (s.type == SettingType::boolean) {
        allowed = "`true`, `false`";
      } else {
        allowed = detail::range_phrase(s, false);  // the unit has its own column
        if (allowed.empty()) allowed = "any";
      }
      const std::string def = format_value(s, s.default_value);
      out += "| `" + s.name + "` | " + to_string(s.type) + " | `" +
             markdown_cell(def.empty() ? "\"\"" : def) + "` | " + markdown_cell(s.unit) + " | " +
             markdown_cell(allowed) + " | " + markdown_cell(s.help) + " | " +
             markdown_cell(s.real_world) + " |\n";
    }
  }
  return out;
}

}  // namespace mailstorm::models::scenario
