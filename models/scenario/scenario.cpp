// Resolved scenarios: typed access, value checking, --set overrides and the TOML / JSON exports.
// (Reading TOML files lives in toml_loader.cpp, the one translation unit that includes TOML++.)
#include "models/scenario/scenario.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "models/scenario/detail.hpp"
#include "sim/calendar.hpp"

namespace mailstorm::models::scenario {
namespace {

std::string error_text(const std::string& file, int line, int column, const std::string& key,
                       const std::string& message) {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (column > 0) out += ":" + std::to_string(column);
    }
    out += ": ";
  }
  if (!key.empty()) out += "key '" + key + "': ";
  return out + message;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const std::uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view strip_quotes(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

const SettingSpec& spec_of(const Registry& registry, std::string_view name) {
  const SettingSpec* spec = registry.find(name);
  if (spec == nullptr) throw std::logic_error("unknown setting '" + std::string(name) + "'");
  return *spec;
}

[[noreturn]] void wrong_type(const SettingSpec& spec, const char* asked) {
  throw std::logic_error("setting '" + spec.name + "' is a " + to_string(spec.type) +
                         ", not read as " + asked);
}

}  // namespace

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key,
                             std::string message)
    : std::runtime_error(error_text(file, line, column, key, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      message_(std::move(message)) {}

namespace detail {

std::string resolved_path(const std::string& text, const std::filesystem::path& base_dir) {
  if (text.empty()) return text;
  std::filesystem::path p(text);
  if (p.is_relative()) {
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(base_dir / p, ec);
    p = ec ? base_dir / p : absolute;
  }
  return p.lexically_normal().generic_string();
}

Value checked(const SettingSpec& spec, Value v) {
  auto problem = [&](const std::string& what) -> ValueProblem { return ValueProblem(what); };
  auto wrong = [&]() { return problem("expected " + expected_phrase(spec)); };
  auto in_range = [&](double x, const std::string& shown) {
    if ((spec.min && x < *spec.min) || (spec.max && x > *spec.max))
      throw problem("value " + shown + " is out of range: allowed " + range_phrase(spec));
  };
  switch (spec.type) {
    case SettingType::boolean:
      if (!std::holds_alternative<bool>(v)) throw wrong();
      return v;
    case SettingType::integer: {
      const auto* i = std::get_if<std::int64_t>(&v);
      if (i == nullptr) throw wrong();
      in_range(static_cast<double>(*i), std::to_string(*i));
      return v;
    }
    case SettingType::real:
    case SettingType::probability:
    case SettingType::rate: {
      if (const auto* i = std::get_if<std::int64_t>(&v))
        v = static_cast<double>(*i);
      const auto* d = std::get_if<double>(&v);
      if (d == nullptr) throw wrong();
      if (!std::isfinite(*d)) throw problem("expected a finite number, got " + format_real(*d));
      in_range(*d, format_value(spec, v));
      return v;
    }
    case SettingType::duration: {
      const auto* d = std::get_if<sim::Duration>(&v);
      if (d == nullptr) throw wrong();
      if ((spec.min && *d < sim::seconds_f(*spec.min)) ||
          (spec.max && *d > sim::seconds_f(*spec.max)))
        throw problem("value " + format_duration(*d) + " is out of range: allowed " +
                      range_phrase(spec));
      return v;
    }
    case SettingType::datetime: {
      const auto* s = std::get_if<std::string>(&v);
      if (s == nullptr) throw wrong();
      try {
        (void)sim::Calendar::parse(*s);
      } catch (const std::invalid_argument& e) {
        throw problem(e.what());
      }
      return v;
    }
    case SettingType::choice: {
      const auto* s = std::get_if<std::string>(&v);
      if (s == nullptr) throw wrong();
      for (const std::string& c : spec.choices)
        if (c == *s) return v;
      std::string list;
      for (std::size_t i = 0; i < spec.choices.size(); ++i)
        list += (i ? ", " : "") + spec.choices[i];
      throw problem("'" + *s + "' is not one of the choices: " + list);
    }
    case SettingType::text:
    case SettingType::path:
      if (!std::holds_alternative<std::string>(v)) throw wrong();
      return v;
  }
  throw wrong();
}

Value parse_text_value(const SettingSpec& spec, std::string_view raw) {
  const std::string_view text = trim(raw);
  auto wrong = [&]() {
    return ValueProblem("expected " + expected_phrase(spec) + ", got '" + std::string(text) + "'");
  };
  switch (spec.type) {
    case SettingType::boolean:
      if (text == "true") return checked(spec, true);
      if (text == "false") return checked(spec, false);
      throw wrong();
    case SettingType::integer: {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      std::int64_t i = 0;
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), i);
      if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size())
        throw wrong();
      return checked(spec, i);
    }
    case SettingType::real:
    case SettingType::probability: {
      std::string_view digits = text;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      double d = 0;
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), d);
      if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size())
        throw wrong();
      return checked(spec, d);
    }
    case SettingType::duration:
      try {
        return checked(spec, parse_duration(strip_quotes(text)));
      } catch (const std::invalid_argument& e) {
        throw ValueProblem(e.what());
      }
    case SettingType::rate:
      try {
        return checked(spec, parse_rate(strip_quotes(text)));
      } catch (const std::invalid_argument& e) {
        throw ValueProblem(e.what());
      }
    case SettingType::datetime:
    case SettingType::choice:
    case SettingType::text:
    case SettingType::path: {
      const std::string_view s = strip_quotes(text);
      if (!valid_utf8(s)) throw ValueProblem("text is not valid UTF-8");
      return checked(spec, std::string(s));
    }
  }
  throw wrong();
}

Scenario ScenarioBuilder::defaults(const Registry& registry) {
  Scenario s;
  s.registry_ = &registry;
  s.name_ = "default";
  for (const SettingSpec& spec : registry.all()) {
    s.values_[spec.name] = spec.default_value;
    s.origins_[spec.name] = Origin{"", 0, 0, "default"};
  }
  return s;
}

void ScenarioBuilder::set(Scenario& s, const std::string& name, Value v, Origin origin) {
  s.values_[name] = std::move(v);
  s.origins_[name] = std::move(origin);
}

void ScenarioBuilder::set_meta(Scenario& s, std::string name, std::string description,
                               std::vector<std::string> files, std::string sweep_toml,
                               std::string expect_toml) {
  s.name_ = std::move(name);
  s.description_ = std::move(description);
  s.files_ = std::move(files);
  s.sweep_toml_ = std::move(sweep_toml);
  s.expect_toml_ = std::move(expect_toml);
}

void ScenarioBuilder::apply_overrides(Scenario& s, const std::vector<std::string>& overrides) {
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos)
      throw ScenarioError("--set", 0, 0, "",
                          "expected key=value (e.g. list.members=2000), got '" + o + "'");
    const std::string key(trim(std::string_view(o).substr(0, eq)));
    if (key.empty())
      throw ScenarioError("--set", 0, 0, "", "missing key before '=' in '" + o + "'");
    s.set_from_string(key, std::string_view(o).substr(eq + 1));
    // A path in a file is resolved from that file's folder (the loader does it); a path on the
    // command line from the working directory.
    const SettingSpec& spec = *s.registry().find(key);
    if (spec.type == SettingType::path) {
      auto& path = std::get<std::string>(s.values_[spec.name]);
      path = resolved_path(path, {});
    }
  }
}

}  // namespace detail

Scenario default_scenario(const Registry& registry) {
  return detail::ScenarioBuilder::defaults(registry);
}

const Value& Scenario::value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("unknown setting '" + std::string(name) + "'");
  return it->second;
}

const Origin& Scenario::origin(std::string_view name) const {
  const auto it = origins_.find(name);
  if (it == origins_.end()) throw std::logic_error("unknown setting '" + std::string(name) + "'");
  return it->second;
}

bool Scenario::boolean(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::boolean) wrong_type(spec, "boolean");
  return std::get<bool>(value(name));
}

std::int64_t Scenario::integer(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::integer) wrong_type(spec, "integer");
  return std::get<std::int64_t>(value(name));
}

double Scenario::real(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::real && spec.type != SettingType::probability)
    wrong_type(spec, "real");
  return std::get<double>(value(name));
}

sim::Duration Scenario::duration(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::duration) wrong_type(spec, "duration");
  return std::get<sim::Duration>(value(name));
}

double Scenario::rate_per_s(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::rate) wrong_type(spec, "rate");
  return std::get<double>(value(name));
}

const std::string& Scenario::text(std::string_view name) const {
  const SettingSpec& spec = spec_of(registry(), name);
  if (spec.type != SettingType::text && spec.type != SettingType::choice &&
      spec.type != SettingType::datetime && spec.type != SettingType::path)
    wrong_type(spec, "text");
  return std::get<std::string>(value(name));
}

std::vector<std::string> Scenario::explicitly_set() const {
  std::vector<std::string> out;
  for (const SettingSpec& spec : registry().all()) {
    const auto it = origins_.find(spec.name);
    if (it != origins_.end() && it->second.how != "default") out.push_back(spec.name);
  }
  return out;
}

void Scenario::set_from_string(std::string_view name, std::string_view text) {
  const SettingSpec* spec = registry().find(name);
  if (spec == nullptr)
    throw ScenarioError("--set", 0, 0, std::string(name),
                        "unknown setting" + detail::did_you_mean(registry().suggest(name)));
  try {
    values_[spec->name] = detail::parse_text_value(*spec, text);
  } catch (const detail::ValueProblem& e) {
    throw ScenarioError("--set", 0, 0, spec->name, e.what());
  }
  origins_[spec->name] = Origin{"", 0, 0, "--set"};
}

namespace {

std::string toml_value(const SettingSpec& spec, const Value& v) {
  switch (spec.type) {
    case SettingType::boolean:
    case SettingType::integer:
    case SettingType::real:
    case SettingType::probability: return format_value(spec, v);
    default: return detail::toml_quote(format_value(spec, v));
  }
}

std::string json_value(const SettingSpec& spec, const Value& v) {
  switch (spec.type) {
    case SettingType::boolean:
    case SettingType::integer:
    case SettingType::real:
    case SettingType::probability: return format_value(spec, v);
    default: return detail::json_quote(format_value(spec, v));
  }
}

}  // namespace

std::string Scenario::to_toml() const {
  std::string out = "# Resolved mailstorm scenario: every setting with its value, sorted by name.\n";
  out += "name = " + detail::toml_quote(name_) + "\n";
  if (!description_.empty()) out += "description = " + detail::toml_quote(description_) + "\n";
  for (const auto& [name, v] : values_)
    out += name + " = " + toml_value(spec_of(registry(), name), v) + "\n";
  if (!sweep_toml_.empty()) out += "\n" + detail::wrap_table_toml("sweep", sweep_toml_);
  if (!expect_toml_.empty()) out += "\n" + detail::wrap_table_toml("expect", expect_toml_);
  return out;
}

std::string Scenario::to_json() const {
  std::string out = "{\n  \"name\": " + detail::json_quote(name_) + ",\n";
  out += "  \"description\": " + detail::json_quote(description_) + ",\n";
  out += "  \"files\": [";
  for (std::size_t i = 0; i < files_.size(); ++i)
    out += (i ? ", " : "") + detail::json_quote(files_[i]);
  out += "],\n  \"settings\": {";
  bool first = true;
  for (const auto& [name, v] : values_) {
    out += (first ? "\n    " : ",\n    ") + detail::json_quote(name) + ": " +
           json_value(spec_of(registry(), name), v);
    first = false;
  }
  out += "\n  },\n  \"numeric\": {";
  first = true;
  for (const auto& [name, v] : values_) {
    std::string number;
    if (const auto* d = std::get_if<sim::Duration>(&v))
      number = detail::format_real(d->seconds());
    else if (spec_of(registry(), name).type == SettingType::rate)
      number = detail::format_real(std::get<double>(v));
    else
      continue;
    out += (first ? "\n    " : ",\n    ") + detail::json_quote(name) + ": " + number;
    first = false;
  }
  out += first ? "},\n" : "\n  },\n";
  out += "  \"explicitly_set\": [";
  const std::vector<std::string> set = explicitly_set();
  for (std::size_t i = 0; i < set.size(); ++i) out += (i ? ", " : "") + detail::json_quote(set[i]);
  out += "],\n";
  out += "  \"sweep_toml\": " + detail::json_quote(sweep_toml_) + ",\n";
  out += "  \"expect_toml\": " + detail::json_quote(expect_toml_) + "\n}\n";
  return out;
}

}  // namespace mailstorm::models::scenario
