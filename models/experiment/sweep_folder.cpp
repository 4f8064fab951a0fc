#include "models/experiment/sweep_folder.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "models/experiment/outcome_stats.hpp"
#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::models::experiment {
namespace fs = std::filesystem;

std::string text_fingerprint(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string settings_fingerprint(const scenario::Scenario& s) {
  std::string text;
  for (const scenario::SettingSpec& spec : s.registry().all())
    text += spec.name + "=" + scenario::format_value(spec, s.value(spec.name)) + "\n";
  return text_fingerprint(text);
}

namespace {

bool is_number(const std::string& text) {
  double x = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  return !text.empty() && ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::string sweep_json(const SweepInfo& info) {
  JsonWriter w;
  w.begin_object();
  w.key("format").value("mailstorm-sweep");
  w.key("format_version").value(1);
  w.key("version").value(mailstorm_version());
  w.key("git_revision").value(mailstorm_git_revision());
  w.key("scenario").value(info.scenario_file);
  w.key("scenario_name").value(info.scenario_name);
  w.key("seed").value(info.seed);
  w.key("replications").value(info.replications);
  w.key("mode").value(info.mode);
  w.key("fingerprint").value(info.fingerprint);
  w.key("sweep_keys").begin_array();
  for (const std::string& k : info.keys) w.value(k);
  w.end_array();
  w.key("points").begin_array();
  for (const SweepPoint& p : info.points) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("values").begin_object();
    // Numbers as JSON numbers; everything else (choices, "90min", "10/h") as strings.
    for (const auto& [k, v] : p.values) {
      w.key(k);
      if (is_number(v)) w.raw(v);
      else w.value(v);
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.key("outcomes").begin_array();
  for (const std::string& o : info.outcomes) w.value(o);
  w.end_array();
  w.end_object();
  return w.str();
}

SweepInfo read_sweep_json(const fs::path& dir) {
  const fs::path file = dir / "sweep.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) throw OutputError("cannot read '" + file.string() + "': not a sweep folder (no sweep.json)");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const JsonValue doc = parse_json(text.str(), "sweep.json");
    if (doc.at("format").as_string() != "mailstorm-sweep")
      throw JsonError("\"format\" is not \"mailstorm-sweep\"");
    SweepInfo info;
    info.scenario_file = doc.at("scenario").as_string();
    info.scenario_name = doc.at("scenario_name").as_string();
    info.mode = doc.at("mode").as_string();
    // The seed may exceed 2^53: read its text exactly.
    const std::string& seed = doc.at("seed").number_text();
    const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), info.seed);
    if (error != std::errc() || end != seed.data() + seed.size())
      throw JsonError("sweep.json: seed: expected a whole number from 0 to 2^64 - 1, found " + seed);
    info.replications = static_cast<std::uint64_t>(doc.at("replications").as_number());
    if (const JsonValue* f = doc.find("fingerprint")) info.fingerprint = f->as_string();
    for (const JsonValue& k : doc.at("sweep_keys").items()) info.keys.push_back(k.as_string());
    for (const JsonValue& p : doc.at("points").items()) {
      SweepPoint point;
      point.name = p.at("name").as_string();
      // Numbers were written as numbers, everything else as strings: both read back as written.
      for (const auto& [k, v] : p.at("values").members())
        point.values.emplace_back(k, v.is_number() ? v.number_text() : v.as_string());
      info.points.push_back(std::move(point));
    }
    for (const JsonValue& o : doc.at("outcomes").items()) info.outcomes.push_back(o.as_string());
    return info;
  } catch (const JsonError& e) {
    throw OutputError("'" + file.string() + "' is not a valid sweep.json: " + e.what());
  }
}

std::string sweep_difference(const SweepInfo& a, const SweepInfo& b) {
  if (a.fingerprint != b.fingerprint || a.scenario_name != b.scenario_name)
    return "a different scenario (or different --set values)";
  if (a.seed != b.seed) return "seed " + std::to_string(a.seed) + " rather than " + std::to_string(b.seed);
  if (a.mode != b.mode) return "mode " + a.mode + " rather than " + b.mode;
  if (a.keys != b.keys) return "different sweep keys";
  if (a.points.size() != b.points.size()) return "a different number of sweep points";
  for (std::size_t i = 0; i < a.points.size(); ++i)
    if (a.points[i].name != b.points[i].name) return "different sweep points";
  if (a.outcomes != b.outcomes) return "different outcomes (another mailstorm version)";
  return "";
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string summary_csv(const SweepInfo& info,
                        const std::vector<std::vector<std::vector<double>>>& values) {
  std::string out = "point";
  for (const std::string& k : info.keys) out.append(",").append(csv_field(k));
  out += ",outcome,mean,sd,ci95_low,ci95_high,min,max,n\n";
  auto num = [](double x) { return std::isnan(x) ? std::string() : json_number(x); };
  for (std::size_t p = 0; p < info.points.size(); ++p) {
    std::string prefix = csv_field(info.points[p].name);
    for (const auto& kv : info.points[p].values) prefix.append(",").append(csv_field(kv.second));
    for (std::size_t o = 0; o < info.outcomes.size(); ++o) {
      std::vector<double> xs;
      for (const auto& run : values[p])
        if (!run.empty()) xs.push_back(run[o]);
      const Describe d = describe(xs);
      out += prefix + "," + info.outcomes[o] + "," + num(d.mean) + "," + num(d.sd) + "," +
             num(d.ci95_low) + "," + num(d.ci95_high) + "," + num(d.min) + "," + num(d.max) + "," +
             std::to_string(d.n) + "\n";
    }
  }
  return out;
}

}  // namespace mailstorm::models::experiment
