#include "models/experiment/sweep_plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "models/experiment/constraint.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/reserved_table.hpp"

namespace mailstorm::models::experiment {
namespace {

namespace sc = models::scenario;
using Kind = sc::PlainValue::Kind;

sc::ScenarioError error_at(const sc::PlainValue& v, const std::string& key, const std::string& what) {
  return sc::ScenarioError(v.origin.file, v.origin.line, v.origin.column, key, what);
}

bool is_group(const sc::Registry& r, const std::string& name) {
  for (const sc::SettingSpec& s : r.all())
    if (s.name.size() > name.size() && s.name.compare(0, name.size(), name) == 0 &&
        s.name[name.size()] == '.')
      return true;
  return false;
}

std::string suggestion(const sc::Registry& r, const std::string& name) {
  const auto near = r.suggest(name);
  if (near.empty()) return "";
  std::string out = "; did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i)
    out += (i == 0 ? "'" : i + 1 == near.size() ? " or '" : ", '") + near[i] + "'";
  return out + "?";
}

// Text of one TOML value as --set takes it.
std::string set_text(const sc::PlainValue& v) {
  switch (v.kind) {
    case Kind::string: return v.text;
    case Kind::integer: return std::to_string(v.integer);
    case Kind::real: return json_number(v.real);
    case Kind::boolean: return v.boolean ? "true" : "false";
    default: return "";
  }
}

struct Axis {
  std::string key;
  const sc::PlainValue* where;
  std::vector<std::string> values;  // canonical text (format_value of the parsed value)
};

void collect_settings(const sc::Registry& registry, const sc::PlainValue& table,
                      const std::string& prefix, std::vector<std::pair<std::string, const sc::PlainValue*>>& out) {
  for (const auto& [k, v] : table.members) {
    const std::string name = prefix.empty() ? k : prefix + "." + k;
    if (prefix.empty() && (k == "constraint" || k == "replications")) continue;
    if (registry.find(name) != nullptr) {
      out.emplace_back(name, &v);
    } else if (v.kind == Kind::table && is_group(registry, name)) {
      collect_settings(registry, v, name, out);
    } else {
      throw error_at(v, "sweep." + name,
                     (v.kind == Kind::table ? "unknown table (no setting is named '" + name + ".*'"
                                            : "unknown setting '" + name + "' (") +
                         std::string(v.kind == Kind::table ? "; " : "") +
                         "[sweep] holds settings with lists of values, `constraint` and "
                         "`replications`)" + suggestion(registry, name));
    }
  }
}

// The values of one swept setting, each checked by the setting itself.
Axis axis(const sc::Scenario& base, const std::string& key, const sc::PlainValue& v) {
  const sc::SettingSpec& spec = *base.registry().find(key);
  const std::string where = "sweep." + key;
  std::vector<std::pair<std::string, const sc::PlainValue*>> raw;  // text, its position
  std::vector<sc::PlainValue> made;  // range values (kept alive)
  if (v.kind == Kind::array) {
    if (v.items.empty()) throw error_at(v, where, "an empty list of values: give at least one");
    for (const sc::PlainValue& item : v.items) {
      if (item.kind == Kind::table || item.kind == Kind::array || item.kind == Kind::other)
        throw error_at(item, where, "expected a value for " + key + ", got " + item.text);
      raw.emplace_back(set_text(item), &item);
    }
  } else if (v.kind == Kind::table) {
    const bool numeric = spec.type == sc::SettingType::integer ||
                         spec.type == sc::SettingType::real ||
                         spec.type == sc::SettingType::probability;
    std::map<std::string, const sc::PlainValue*> parts;
    for (const auto& [k, part] : v.members) {
      if (k != "from" && k != "to" && k != "step")
        throw error_at(part, where + "." + k,
                       "a range is { from = A, to = B, step = C }; '" + k + "' is not one of them");
      if (part.kind != Kind::integer && part.kind != Kind::real)
        throw error_at(part, where + "." + k, "expected a number, got " + part.text);
      parts[k] = &part;
    }
    if (!numeric)
      throw error_at(v, where, "a range { from, to, step } needs a numeric setting; " + key +
                                   " is " + sc::to_string(spec.type) + ": list its values instead");
    for (const char* need : {"from", "to", "step"})
      if (parts.count(need) == 0)
        throw error_at(v, where, std::string("the range needs '") + need +
                                     "': { from = A, to = B, step = C }");
    const double from = parts["from"]->real, to = parts["to"]->real, step = parts["step"]->real;
    if (!(step > 0) || !(to >= from))
      throw error_at(v, where, "a range needs step > 0 and to >= from");
    const double count = std::floor((to - from) / step + 1e-9) + 1;
    if (count > 10000) throw error_at(v, where, "the range has more than 10000 values");
    const bool integral = spec.type == sc::SettingType::integer;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(count); ++i) {
      sc::PlainValue x = v;
      x.members.clear();
      if (integral) {
        x.kind = Kind::integer;
        x.integer = static_cast<std::int64_t>(std::llround(from + static_cast<double>(i) * step));
      } else {
        x.kind = Kind::real;
        // from + i*step, rounded to 12 significant digits so that 0.1 + 2*0.1 reads 0.3.
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.12g", from + static_cast<double>(i) * step);
        x.real = std::strtod(buf, nullptr);
      }
      made.push_back(x);
    }
    for (const sc::PlainValue& x : made) raw.emplace_back(set_text(x), &v);
  } else {
    throw error_at(v, where,
                   "expected a list of values, e.g. " + key + " = [" +
                       sc::format_value(spec, spec.default_value) +
                       ", ...], or a range { from = A, to = B, step = C }; got " + v.text);
  }
  Axis a{key, &v, {}};
  std::set<std::string> seen;
  for (const auto& [text, pos] : raw) {
    sc::Scenario probe = base;
    try {
      probe.set_from_string(key, text);
    } catch (const sc::ScenarioError& e) {
      throw error_at(*pos, where, e.message());
    }
    const std::string canonical = sc::format_value(spec, probe.value(key));
    if (!seen.insert(canonical).second)
      throw error_at(*pos, where, "the value " + canonical + " is listed twice");
    a.values.push_back(canonical);
  }
  return a;
}

}  // namespace

std::string filesystem_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '=' &&
        c != ',' && c != '+' && c != '-')
      c = '_';
  return out;
}

SweepPlan sweep_plan(const sc::Scenario& scenario) {
  const sc::PlainValue table = sc::reserved_table(scenario, "sweep");
  SweepPlan plan;
  const sc::PlainValue* constraint_value = nullptr;
  for (const auto& [k, v] : table.members) {
    if (k == "replications") {
      if (v.kind != Kind::integer || v.integer < 1 || v.integer > 1000000)
        throw error_at(v, "sweep.replications",
                       "expected a whole number of replications from 1 to 1000000, got " + v.text);
      plan.replications = static_cast<std::uint64_t>(v.integer);
    } else if (k == "constraint") {
      if (v.kind != Kind::string || v.text.empty())
        throw error_at(v, "sweep.constraint",
                       "expected an expression as a string, e.g. constraint = "
                       "\"population.members >= 100\", got " + v.text);
      plan.constraint = v.text;
      constraint_value = &v;
    }
  }
  std::vector<std::pair<std::string, const sc::PlainValue*>> settings;
  collect_settings(scenario.registry(), table, "", settings);
  std::sort(settings.begin(), settings.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Axis> axes;
  for (const auto& [key, v] : settings) axes.push_back(axis(scenario, key, *v));
  for (const Axis& a : axes) plan.keys.push_back(a.key);

  if (axes.empty()) {
    if (constraint_value != nullptr)
      throw error_at(*constraint_value, "sweep.constraint",
                     "a constraint without swept settings: nothing to constrain");
    plan.points.push_back(SweepPoint{"base", {}});
    return plan;
  }
  std::vector<std::size_t> at(axes.size(), 0);
  std::set<std::string> names;
  std::size_t total = 1;
  for (const Axis& a : axes) {
    total *= a.values.size();
    if (total > 1000000)
      throw error_at(*axes.front().where, "sweep", "the sweep has more than 1000000 points");
  }
  for (std::size_t n = 0; n < total; ++n) {
    SweepPoint p;
    std::string name;
    for (std::size_t k = 0; k < axes.size(); ++k) {
      p.values.emplace_back(axes[k].key, axes[k].values[at[k]]);
      name += (k ? "," : "") + axes[k].key + "=" + axes[k].values[at[k]];
    }
    p.name = filesystem_safe(name);
    bool keep = true;
    if (constraint_value != nullptr) {
      try {
        keep = constraint_holds(plan.constraint, point_scenario(scenario, p));
      } catch (const ConstraintError& e) {
        throw error_at(*constraint_value, "sweep.constraint", e.what());
      }
    }
    if (keep) {
      if (!names.insert(p.name).second)
        throw error_at(*axes.front().where, "sweep",
                       "two points share the folder name '" + p.name +
                           "' (values that differ only in characters folder names cannot hold)");
      plan.points.push_back(std::move(p));
    }
    for (std::size_t k = axes.size(); k-- > 0;) {  // the last key varies fastest
      if (++at[k] < axes[k].values.size()) break;
      at[k] = 0;
    }
  }
  if (plan.points.empty())
    throw error_at(*constraint_value, "sweep.constraint",
                   "the constraint rejects every point of the sweep");
  return plan;
}

sc::Scenario point_scenario(const sc::Scenario& base, const SweepPoint& point) {
  sc::Scenario s = base;
  for (const auto& [key, text] : point.values) s.set_from_string(key, text);
  return s;
}

}  // namespace mailstorm::models::experiment
