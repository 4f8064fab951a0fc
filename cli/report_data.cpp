// Reading a result folder into the page of `mailstorm report`: chart data and tables.
#include "cli/report_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "models/analysis/cascade_stats.hpp"
#include "models/mail/message.hpp"
#include "models/output/csv_reader.hpp"
#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"

namespace mailstorm::cli::report {
namespace {

namespace fs = std::filesystem;
using models::JsonValue;

// ------------------------------------------------------------------------------ helpers --------

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

JsonValue read_json(const fs::path& path) {
  return models::parse_json(read_text(path), path.string());
}

// Checks "format" and "format_version" of a result file.
void expect_format(const JsonValue& doc, const fs::path& path, const std::string& format) {
  const JsonValue* f = doc.is_object() ? doc.find("format") : nullptr;
  if (f == nullptr || !f->is_string() || f->as_string() != format)
    throw InputError(path.string() + ": not a " + format + " file (its \"format\" should be \"" +
                     format + "\")");
  const JsonValue* v = doc.find("format_version");
  if (v == nullptr || !v->is_number() || v->as_number() != 1)
    throw InputError(path.string() + ": format_version " +
                     (v != nullptr && v->is_number() ? models::json_number(v->as_number()) : "?") +
                     " is not one this mailstorm reads (1)");
}

std::string num(double x) { return models::json_number(x); }  // "null" for NaN

std::string str(std::string_view s) { return models::json_string(s); }

template <typename T, typename F>
std::string array(const std::vector<T>& v, F each) {
  std::string out = "[";
  // Appends rather than operator+ chains: g++ 12 warns falsely (-Wrestrict) on "," + string.
  for (std::size_t i = 0; i < v.size(); ++i) out.append(i ? "," : "").append(each(v[i]));
  out += ']';
  return out;
}

std::string numbers(const std::vector<double>& v) {
  return array(v, [](double x) { return num(x); });
}
std::string strings(const std::vector<std::string>& v) {
  return array(v, [](const std::string& s) { return str(s); });
}

// A number for a table: integers with thousands separators, others to four significant digits.
std::string readable(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  if (x == std::floor(x) && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(x));
    std::string digits = buf, out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return (x < 0 ? "-" : "") + out;
  }
  if (std::fabs(x) >= 1000) return readable(std::round(x));  // 268,500 rather than 2.685e+05
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

std::string json_scalar_text(const JsonValue& v) {
  switch (v.type()) {
    case JsonValue::Type::null:
      return "never";
    case JsonValue::Type::boolean:
      return v.as_bool() ? "true" : "false";
    case JsonValue::Type::number:
      return readable(v.as_number());
    case JsonValue::Type::string:
      return v.as_string();
    default:
      return "";
  }
}

// The local wall time of an ISO 8601 instant with offset: "2000-06-24T13:17:00+09:00" gives
// "2000-06-24T13:17:00" and "+09:00". The page draws local times on a UTC scale, so that the
// viewer's own time zone never shifts them.
std::pair<std::string, std::string> split_offset(const std::string& instant) {
  if (instant.size() < 19) return {instant, ""};
  return {instant.substr(0, 19), instant.substr(19)};
}

// ------------------------------------------------------------------------ run folder -----------

struct TimeSeries {
  std::vector<double> bin_start_s;
  std::vector<std::string> local;  // bin_start_local
  std::vector<std::pair<std::string, std::vector<double>>> columns;
};

TimeSeries read_timeseries(const fs::path& path) {
  const models::CsvTable t = models::read_csv_file(path);
  TimeSeries ts;
  const std::size_t s_col = t.column("bin_start_s"), local_col = t.column("bin_start_local");
  for (std::size_t c = 0; c < t.header.size(); ++c)
    if (c != s_col && c != local_col) ts.columns.emplace_back(t.header[c], std::vector<double>{});
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    ts.bin_start_s.push_back(t.number(r, s_col));
    ts.local.push_back(t.rows[r][local_col]);
    std::size_t k = 0;
    for (std::size_t c = 0; c < t.header.size(); ++c)
      if (c != s_col && c != local_col) ts.columns[k++].second.push_back(t.number(r, c));
    if (r > 0 && ts.bin_start_s[r] <= ts.bin_start_s[r - 1])
      throw InputError(path.string() + ":" + std::to_string(t.lines[r]) +
                       ": bin_start_s does not increase");
  }
  if (ts.bin_start_s.empty()) throw InputError(path.string() + ": no bins");
  return ts;
}

// Sums (or maxima) of a column over coarse bins starting at the run's start.
std::vector<double> coarsen(const std::vector<double>& start_s, const std::vector<double>& values,
                            double coarse_s, bool take_max) {
  std::vector<double> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto slot = static_cast<std::size_t>(std::floor(start_s[i] / coarse_s));
    if (slot >= out.size()) out.resize(slot + 1, 0.0);
    out[slot] = take_max ? std::max(out[slot], values[i]) : out[slot] + values[i];
  }
  return out;
}

// The cascade tree drawn as a tree of kind paths: every message sits at the node for the kinds
// along its chain from the root (first_mail > list_reply > bounce ...), so ~50,000 messages make
// a few dozen nodes. The largest `max_nodes` subtrees are drawn; the rest of each node's children
// are summed into one "more" node.
std::string kind_path_tree_json(const std::vector<models::analysis::CascadeRecord>& rows,
                                std::size_t max_nodes, std::size_t& nodes_total,
                                std::size_t& nodes_shown) {
  struct Node {
    std::int64_t parent = -1;
    std::string kind;
    std::uint32_t depth = 0;
    std::uint64_t messages = 0, subtree = 0;
  };
  std::vector<Node> nodes;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> child;  // (parent, kind) -> node
  std::unordered_map<std::int64_t, std::size_t> row_of;
  row_of.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) row_of.emplace(rows[i].id, i);
  std::vector<std::int64_t> node_of(rows.size(), -2);  // -2: not yet placed
  // Several roots (the first mail and anything whose parent is not recorded) hang below one
  // synthetic root so the layout has a single tree.
  nodes.push_back({-1, "all messages", 0, 0, 0});
  std::vector<std::size_t> chain;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    chain.clear();
    std::size_t at = i;
    // Walk up to a placed ancestor (or a root), then place the chain top-down.
    while (node_of[at] == -2) {
      chain.push_back(at);
      const auto p = rows[at].parent >= 0 ? row_of.find(rows[at].parent) : row_of.end();
      if (p == row_of.end() || chain.size() > rows.size()) break;
      at = p->second;
    }
    std::int64_t parent_node = node_of[at] == -2 ? 0 : node_of[at];
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (node_of[*it] != -2) {
        parent_node = node_of[*it];
        continue;
      }
      const std::string kind(models::kind_name(rows[*it].kind));
      auto [pos, added] = child.try_emplace({parent_node, kind}, 0);
      if (added) {
        pos->second = static_cast<std::int64_t>(nodes.size());
        nodes.push_back({parent_node, kind,
                         nodes[static_cast<std::size_t>(parent_node)].depth + 1, 0, 0});
      }
      node_of[*it] = pos->second;
      ++nodes[static_cast<std::size_t>(pos->second)].messages;
      parent_node = pos->second;
    }
  }
  // Subtree sizes: children always come after their parents in `nodes`.
  for (std::size_t n = nodes.size(); n-- > 0;) {
    nodes[n].subtree += nodes[n].messages;
    if (nodes[n].parent >= 0) nodes[static_cast<std::size_t>(nodes[n].parent)].subtree += nodes[n].subtree;
  }
  // Drop the synthetic root when there is exactly one real root.
  std::vector<std::size_t> roots;
  for (std::size_t n = 1; n < nodes.size(); ++n)
    if (nodes[n].parent == 0) roots.push_back(n);
  const bool synthetic_root = roots.size() != 1;
  std::vector<std::size_t> order;
  for (std::size_t n = synthetic_root ? 0 : 1; n < nodes.size(); ++n) order.push_back(n);
  // A parent's subtree is at least its child's, so the largest subtrees include their parents.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (nodes[a].subtree != nodes[b].subtree) return nodes[a].subtree > nodes[b].subtree;
    return nodes[a].depth < nodes[b].depth;
  });
  nodes_total = order.size();
  if (order.size() > max_nodes) order.resize(max_nodes);
  std::sort(order.begin(), order.end());
  nodes_shown = order.size();
  std::vector<bool> shown(nodes.size(), false);
  for (std::size_t n : order) shown[n] = true;
  std::map<std::size_t, std::pair<std::uint64_t, std::uint64_t>> hidden;  // parent -> (nodes, msgs)
  for (std::size_t n = 1; n < nodes.size(); ++n) {
    const auto p = static_cast<std::size_t>(nodes[n].parent);
    if (!shown[n] && shown[p]) {
      ++hidden[p].first;
      hidden[p].second += nodes[n].subtree;
    }
  }
  const std::size_t top = synthetic_root ? 0 : roots.front();
  std::string out = "[";
  bool first = true;
  auto node_json = [&](const std::string& id, const std::string& parent, const std::string& kind,
                       std::uint32_t depth, std::uint64_t messages, std::uint64_t subtree,
                       const std::string& label) {
    out += std::string(first ? "" : ",") + "{\"id\":" + str(id) + ",\"parent\":" +
           (parent.empty() ? "null" : str(parent)) + ",\"kind\":" + str(kind) +
           ",\"depth\":" + std::to_string(depth) + ",\"messages\":" + std::to_string(messages) +
           ",\"subtree\":" + std::to_string(subtree) + ",\"label\":" + str(label) + "}";
    first = false;
  };
  for (std::size_t n : order) {
    const Node& node = nodes[n];
    const std::string parent = n == top ? "" : "n" + std::to_string(node.parent);
    node_json("n" + std::to_string(n), parent, node.kind, node.depth, node.messages,
              node.subtree, node.kind + " " + readable(static_cast<double>(node.messages)));
  }
  for (const auto& [p, h] : hidden)
    node_json("more" + std::to_string(p), "n" + std::to_string(p), "more", nodes[p].depth + 1,
              h.second, h.second,
              "+" + std::to_string(h.first) + " more paths, " +
                  readable(static_cast<double>(h.second)));
  return out + "]";
}

std::string outcomes_table(const JsonValue& outcomes) {
  std::string html = "<table class=\"numbers\"><thead><tr><th>outcome</th><th>value</th></tr>"
                     "</thead><tbody>\n";
  for (const auto& [name, value] : outcomes.members()) {
    if (value.is_object()) {
      for (const auto& [inner, v] : value.members())
        html += "<tr><td>" + html_escape(name + "." + inner) + "</td><td>" +
                html_escape(json_scalar_text(v)) + "</td></tr>\n";
    } else {
      html += "<tr><td>" + html_escape(name) + "</td><td>" + html_escape(json_scalar_text(value)) +
              "</td></tr>\n";
    }
  }
  return html + "</tbody></table>\n";
}

std::string hosts_table(const JsonValue& hosts) {
  const auto& items = hosts.items();
  if (items.empty()) return "";
  std::vector<std::string> columns;
  for (const auto& [name, v] : items.front().members())
    if (name != "name") columns.push_back(name);
  std::string html = "<table class=\"numbers\"><thead><tr><th>host</th>";
  for (const std::string& c : columns) html += "<th>" + html_escape(c) + "</th>";
  html += "</tr></thead><tbody>\n";
  for (const JsonValue& h : items) {
    html += "<tr><td>" + html_escape(h.at("name").as_string()) + "</td>";
    for (const std::string& c : columns) {
      const JsonValue* v = h.find(c);
      html += "<td>" + (v ? html_escape(json_scalar_text(*v)) : std::string()) + "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</tbody></table>\n";
}

std::string duration_text(double seconds) {
  if (seconds >= 86400 && std::fmod(seconds, 86400) == 0) return readable(seconds / 86400) + " d";
  if (seconds >= 3600 && std::fmod(seconds, 3600) == 0) return readable(seconds / 3600) + " h";
  if (seconds >= 60 && std::fmod(seconds, 60) == 0) return readable(seconds / 60) + " min";
  return readable(seconds) + " s";
}

std::string all_kinds_json() {
  std::vector<std::string> kinds;
  for (std::size_t k = 0; k < models::kMessageKinds; ++k)
    kinds.emplace_back(models::kind_name(static_cast<models::MessageKind>(k)));
  kinds.emplace_back("more");  // the cascade tree's summed small paths
  return strings(kinds);
}

// ---------------------------------------------------------------- sweeps and comparisons -------

// A confidence bound from a CSV field: empty or NaN (one replication) becomes the mean.
double bound_or(const models::CsvTable& t, std::size_t row, std::size_t col, double mean) {
  const double x = t.number(row, col, true);
  return std::isnan(x) ? mean : x;
}

}  // namespace

// ------------------------------------------------------------------------------ public ---------

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::size_t Page::chart_count() const {
  std::size_t n = 0;
  for (const Section& s : sections) n += s.charts.size();
  return n;
}

FolderKind folder_kind(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir.string() + ": no such folder");
  if (!fs::is_directory(dir, ec))
    throw InputError(dir.string() + ": not a folder (give the folder a run, sweep or compare wrote)");
  if (fs::exists(dir / "sweep.json", ec)) return FolderKind::sweep;
  if (fs::exists(dir / "compare.json", ec)) return FolderKind::compare;
  if (fs::exists(dir / "summary.json", ec)) return FolderKind::run;
  throw InputError(dir.string() +
                   ": not a run, sweep or compare folder: expected summary.json and "
                   "timeseries.csv (mailstorm run --out), sweep.json and summary.csv (mailstorm "
                   "sweep --out) or compare.json and compare.csv (mailstorm compare --out)");
}

std::int64_t coarse_bin_seconds(std::int64_t bin_s, std::int64_t bins, std::int64_t max_points) {
  static constexpr std::int64_t kCandidates[] = {60,   120,  300,   600,   900,   1200, 1800,
                                                 3600, 7200, 10800, 21600, 43200, 86400};
  if (bin_s <= 0) return 1;
  const std::int64_t span = bin_s * bins;
  for (const std::int64_t c : kCandidates) {
    if (c < bin_s || c % bin_s != 0) continue;
    if ((span + c - 1) / c <= max_points) return c;
  }
  // Nothing fits: whole days, or the bin itself when it is longer.
  const std::int64_t days = std::max<std::int64_t>(1, (span / 86400 + max_points - 1) / max_points);
  return std::max(bin_s, days * 86400 / bin_s * bin_s);
}

Page run_page(const fs::path& dir) {
  const fs::path summary_path = dir / "summary.json", series_path = dir / "timeseries.csv",
                 cascade_path = dir / "cascade.csv";
  if (!fs::exists(series_path))
    throw InputError(series_path.string() +
                     ": not found (a run folder has summary.json and timeseries.csv, as "
                     "`mailstorm run SCENARIO --out DIR` writes them)");
  const JsonValue summary = read_json(summary_path);
  expect_format(summary, summary_path, "mailstorm-summary");
  const JsonValue& scenario = summary.at("scenario");
  const JsonValue& outcomes = summary.at("outcomes");
  const auto [start_local, utc_offset] = split_offset(summary.at("start").as_string());

  const TimeSeries ts = read_timeseries(series_path);
  double bin_s = ts.bin_start_s.size() > 1 ? ts.bin_start_s[1] - ts.bin_start_s[0] : 60;
  if (const JsonValue* t = summary.find("timeseries"))
    if (const JsonValue* b = t->find("bin_s")) bin_s = b->as_number();
  const std::int64_t coarse = coarse_bin_seconds(
      static_cast<std::int64_t>(bin_s), static_cast<std::int64_t>(ts.bin_start_s.size()), 400);
  std::vector<double> coarse_t;
  {
    const double span = ts.bin_start_s.back() + bin_s;
    for (double t = 0; t < span; t += static_cast<double>(coarse)) coarse_t.push_back(t);
  }

  // Storms explode in their first hours: when the horizon is long, the first day again, finer.
  const double detail_span_s = 86400;
  const bool detail = ts.bin_start_s.back() + bin_s > 2 * detail_span_s;
  const std::int64_t detail_coarse =
      coarse_bin_seconds(static_cast<std::int64_t>(bin_s),
                         static_cast<std::int64_t>(detail_span_s / bin_s), 400);
  std::vector<double> detail_t;
  for (double t = 0; detail && t < detail_span_s; t += static_cast<double>(detail_coarse))
    detail_t.push_back(t);
  std::string detail_json;

  std::string kinds_json, queues_json;
  std::vector<double> inbox_per_hour;
  std::vector<std::string> inbox_hours;
  for (const auto& [name, values] : ts.columns) {
    if (name.rfind("created_", 0) == 0) {
      std::vector<double> c = coarsen(ts.bin_start_s, values, static_cast<double>(coarse), false);
      c.resize(coarse_t.size(), 0.0);
      if (std::all_of(c.begin(), c.end(), [](double x) { return x == 0; })) continue;
      kinds_json += (kinds_json.empty() ? "" : ",") + str(name.substr(8)) + ":" + numbers(c);
      if (detail) {
        std::vector<double> d =
            coarsen(ts.bin_start_s, values, static_cast<double>(detail_coarse), false);
        d.resize(detail_t.size(), 0.0);
        detail_json += (detail_json.empty() ? "" : ",") + str(name.substr(8)) + ":" + numbers(d);
      }
    } else if (name.rfind("queue_", 0) == 0) {
      std::vector<double> c = coarsen(ts.bin_start_s, values, static_cast<double>(coarse), true);
      c.resize(coarse_t.size(), 0.0);
      queues_json += (queues_json.empty() ? "" : ",") + str(name.substr(6)) + ":" + numbers(c);
    } else if (name == "sender_inbox") {
      // Local clock hours, as sender_inbox_peak_per_hour counts them ("2000-06-24T13").
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string hour = bin_s <= 3600 ? ts.local[i].substr(0, 13) : ts.local[i];
        if (inbox_hours.empty() || inbox_hours.back() != hour) {
          inbox_hours.push_back(hour);
          inbox_per_hour.push_back(0);
        }
        inbox_per_hour.back() += values[i];
      }
    }
  }
  if (kinds_json.empty() && queues_json.empty() && inbox_hours.empty())
    throw InputError(series_path.string() +
                     ": no created_<kind>, queue_<host> or sender_inbox columns");

  std::string events = "[";
  auto event = [&](const char* key, const char* label) {
    const JsonValue* v = outcomes.find(key);
    if (v == nullptr || !v->is_string()) return;
    events += std::string(events.size() > 1 ? "," : "") + "{\"label\":" + str(label) +
              ",\"local\":" + str(split_offset(v->as_string()).first) + "}";
  };
  event("sender_host_down_at", "sender's host down");
  event("operator_acted_at", "operator acted");
  events += "]";

  Page page;
  const std::string name = scenario.at("name").as_string();
  page.title = "mailstorm run: " + name;
  page.subtitle_html =
      html_escape(scenario.find("description") ? scenario.at("description").as_string() : "") +
      "<br>seed " + html_escape(json_scalar_text(summary.at("seed"))) + ", replication " +
      html_escape(json_scalar_text(summary.at("replication"))) +
      (summary.find("mode") ? ", mode " + html_escape(summary.at("mode").as_string()) : "") +
      "; start " + html_escape(summary.at("start").as_string()) + ", horizon " +
      html_escape(duration_text(summary.at("horizon_s").as_number())) + "; mailstorm " +
      html_escape(summary.at("version").as_string()) + " (git " +
      html_escape(summary.at("git_revision").as_string()) + "); folder " +
      html_escape(dir.string());

  const std::string per = duration_text(static_cast<double>(coarse));
  std::string data = "{\"kind\":\"run\",\"all_kinds\":" + all_kinds_json() +
                     ",\"start_local\":" + str(start_local) + ",\"utc_offset\":" +
                     str(utc_offset) + ",\"bin_s\":" + num(bin_s) + ",\"coarse_bin_s\":" +
                     std::to_string(coarse) + ",\"coarse_label\":" + str(per) + ",\"t\":" +
                     numbers(coarse_t) + ",\"created\":{" + kinds_json + "},\"detail\":" +
                     (detail ? "{\"label\":" + str(duration_text(static_cast<double>(detail_coarse))) +
                                   ",\"t\":" + numbers(detail_t) + ",\"created\":{" + detail_json + "}}"
                             : std::string("null")) +
                     ",\"queues\":{" +
                     queues_json + "},\"inbox\":{\"hour\":" + strings(inbox_hours) +
                     ",\"messages\":" + numbers(inbox_per_hour) + "},\"events\":" + events;

  Section timeline{"timeline", "Messages created, by kind", "", {}, ""};
  timeline.intro_html = "Envelopes created per " + html_escape(per) +
                        " (every copy counts), stacked by message kind; kinds that never occur "
                        "are left out. Vertical rules: when the sender's host went down and "
                        "when the list operator acted.";
  if (!kinds_json.empty()) timeline.charts.push_back("timeline");
  if (!kinds_json.empty() && detail) {
    timeline.intro_html += " Below, the first day again, per " +
                           html_escape(duration_text(static_cast<double>(detail_coarse))) + ".";
    timeline.charts.push_back("timeline_first_day");
  }
  timeline.intro_html += " Drag to pan, scroll to zoom, double-click to reset.";
  page.sections.push_back(timeline);

  Section inbox{"inbox", "The sender's inbox per hour", "", {}, ""};
  inbox.intro_html = "Messages delivered to the original sender in each local clock hour. Peak: " +
                     html_escape(json_scalar_text(outcomes.at("sender_inbox_peak_per_hour"))) +
                     " in the hour from " +
                     html_escape(json_scalar_text(outcomes.at("sender_inbox_peak_at"))) + ".";
  if (!inbox_hours.empty()) inbox.charts.push_back("inbox");
  page.sections.push_back(inbox);

  Section queues{"queues", "Host queues", "", {}, ""};
  queues.intro_html = "Envelopes waiting or in service at each host (the domain hosts summed), the "
                      "largest value in each " +
                      html_escape(per) + "; each panel has its own scale.";
  if (!queues_json.empty()) queues.charts.push_back("queues");
  if (const JsonValue* hosts = summary.find("hosts")) queues.table_html = hosts_table(*hosts);
  page.sections.push_back(queues);

  std::string cascade_json = "null";
  Section cascade{"cascade", "The cascade tree", "", {}, ""};
  if (fs::exists(cascade_path)) {
    std::vector<models::analysis::CascadeRecord> rows;
    try {
      rows = models::analysis::read_cascade_csv(cascade_path);
    } catch (const std::runtime_error& e) {
      throw InputError(e.what());
    }
    double members = 0;
    if (const JsonValue* settings = scenario.find("settings"))
      if (const JsonValue* m = settings->find("population.members"))
        if (m->is_number()) members = m->as_number();
    const auto stats = models::analysis::cascade_stats(rows, static_cast<std::uint64_t>(members));
    std::vector<double> generation;
    std::string by_kind;
    for (std::size_t k = 0; k < models::kMessageKinds; ++k) {
      std::vector<double> counts;
      for (const auto& g : stats.generations) counts.push_back(static_cast<double>(g.by_kind[k]));
      if (std::all_of(counts.begin(), counts.end(), [](double x) { return x == 0; })) continue;
      by_kind += (by_kind.empty() ? "" : ",") +
                 str(models::kind_name(static_cast<models::MessageKind>(k))) + ":" +
                 numbers(counts);
    }
    for (const auto& g : stats.generations) generation.push_back(g.generation);
    std::size_t nodes_total = 0, nodes_shown = 0;
    const std::string tree = kind_path_tree_json(rows, 60, nodes_total, nodes_shown);
    cascade_json = "{\"generation\":" + numbers(generation) + ",\"by_kind\":{" + by_kind +
                   "},\"tree\":" + tree + "}";
    cascade.intro_html =
        "The " + readable(static_cast<double>(stats.nodes)) +
        " messages people and servers wrote (cascade.csv: one per message, not per envelope), "
        "depth " +
        std::to_string(stats.depth_max) +
        ". First, messages by generation (the first mail is generation 0) and kind. Then the tree "
        "aggregated by kind path: each node stands for every message reached through the same "
        "chain of kinds from the first mail, sized by how many there are; " +
        std::to_string(nodes_shown) + " of " + std::to_string(nodes_total) +
        " paths drawn (the largest), the others summed into \"more\" nodes. A node's label gives "
        "its own messages; its size and tooltip count them with everything below it.";
    cascade.charts = {"generations", "tree"};
  } else {
    cascade.intro_html =
        "Not recorded: run with <code>--cascade</code> to write cascade.csv and see the tree.";
  }
  page.sections.push_back(cascade);
  data += ",\"cascade\":" + cascade_json + "}";
  page.data_json = data;

  page.sections.push_back({"outcomes", "Outcomes", "From summary.json (docs/model.md defines each).",
                           {}, outcomes_table(outcomes)});
  return page;
}

Page sweep_page(const fs::path& dir) {
  const fs::path json_path = dir / "sweep.json", csv_path = dir / "summary.csv";
  const JsonValue doc = read_json(json_path);
  expect_format(doc, json_path, "mailstorm-sweep");
  std::vector<std::string> keys, points, outcomes;
  for (const JsonValue& k : doc.at("sweep_keys").items()) keys.push_back(k.as_string());
  for (const JsonValue& o : doc.at("outcomes").items()) outcomes.push_back(o.as_string());
  // x: the sweep value itself when one key is swept over numbers, else the point's name.
  std::map<std::string, double> x_of;
  bool numeric_x = keys.size() == 1;
  for (const JsonValue& p : doc.at("points").items()) {
    points.push_back(p.at("name").as_string());
    if (numeric_x) {
      const JsonValue* v = p.at("values").find(keys[0]);
      if (v != nullptr && v->is_number())
        x_of[points.back()] = v->as_number();
      else
        numeric_x = false;
    }
  }
  if (points.empty()) throw InputError(json_path.string() + ": no points");

  const models::CsvTable t = models::read_csv_file(csv_path);
  const std::size_t c_point = t.column("point"), c_outcome = t.column("outcome"),
                    c_mean = t.column("mean"), c_lo = t.column("ci95_low"),
                    c_hi = t.column("ci95_high"), c_n = t.column("n");
  struct Cell {
    double mean, lo, hi, n;
  };
  std::map<std::pair<std::string, std::string>, Cell> cells;  // (outcome, point)
  const std::set<std::string> point_set(points.begin(), points.end());
  const std::set<std::string> outcome_set(outcomes.begin(), outcomes.end());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& point = t.rows[r][c_point];
    const std::string& outcome = t.rows[r][c_outcome];
    const std::string where = csv_path.string() + ":" + std::to_string(t.lines[r]) + ": ";
    if (!point_set.count(point))
      throw InputError(where + "point '" + point + "' is not among sweep.json's points");
    if (!outcome_set.count(outcome))
      throw InputError(where + "outcome '" + outcome + "' is not among sweep.json's outcomes");
    const double mean = t.number(r, c_mean, true);
    cells[{outcome, point}] = {mean, bound_or(t, r, c_lo, mean), bound_or(t, r, c_hi, mean),
                               t.number(r, c_n)};
  }
  if (cells.empty()) throw InputError(csv_path.string() + ": no rows");

  std::string rows = "[";
  std::vector<std::string> charted, constant;
  for (const std::string& o : outcomes) {
    std::set<std::pair<double, double>> seen;
    bool any = false;
    for (const std::string& p : points) {
      const auto c = cells.find({o, p});
      if (c == cells.end() || std::isnan(c->second.mean)) continue;
      any = true;
      seen.insert({c->second.lo, c->second.hi});
      seen.insert({c->second.mean, c->second.mean});
      rows += std::string(rows.size() > 1 ? "," : "") + "{\"outcome\":" + str(o) +
              ",\"point\":" + str(p) + ",\"x\":" + (numeric_x ? num(x_of[p]) : "null") +
              ",\"mean\":" + num(c->second.mean) + ",\"lo\":" + num(c->second.lo) +
              ",\"hi\":" + num(c->second.hi) + ",\"n\":" + num(c->second.n) + "}";
    }
    if (any && seen.size() > 1)
      charted.push_back(o);
    else
      constant.push_back(o);
  }
  rows += "]";

  Page page;
  const std::string name = doc.find("scenario_name") ? doc.at("scenario_name").as_string() : "";
  page.title = "mailstorm sweep: " + name;
  std::string keys_text;
  for (const std::string& k : keys) keys_text += (keys_text.empty() ? "" : ", ") + k;
  page.subtitle_html = html_escape(doc.find("scenario") ? doc.at("scenario").as_string() : "") +
                       "; " + std::to_string(points.size()) + " points over " +
                       html_escape(keys_text.empty() ? "(no sweep keys)" : keys_text) + ", " +
                       html_escape(json_scalar_text(doc.at("replications"))) +
                       " replications each, seed " + html_escape(json_scalar_text(doc.at("seed"))) +
                       (doc.find("mode") ? ", mode " + html_escape(doc.at("mode").as_string()) : "") +
                       "; folder " + html_escape(dir.string());
  page.data_json = "{\"kind\":\"sweep\",\"points\":" + strings(points) + ",\"x_field\":" +
                   (numeric_x ? str(keys[0]) : "null") + ",\"outcomes\":" + strings(charted) +
                   ",\"rows\":" + rows + "}";

  Section chart{"outcomes", "Outcomes by sweep point", "", {}, ""};
  chart.intro_html =
      "Each outcome's mean over the replications with its 95 % confidence interval, by sweep "
      "point" +
      std::string(numeric_x ? " (x: " + html_escape(keys[0]) + ")" : "") +
      ". Each panel has its own scale.";
  if (!constant.empty()) {
    std::string list;
    for (const std::string& o : constant) list += (list.empty() ? "" : ", ") + html_escape(o);
    chart.intro_html += " Not drawn, the same at every point: " + list + ".";
  }
  if (!charted.empty()) chart.charts.push_back("sweep");
  page.sections.push_back(chart);

  std::string table = "<table class=\"numbers\"><thead><tr><th>outcome</th>";
  for (const std::string& p : points) table += "<th>" + html_escape(p) + "</th>";
  table += "</tr></thead><tbody>\n";
  for (const std::string& o : outcomes) {
    table += "<tr><td>" + html_escape(o) + "</td>";
    for (const std::string& p : points) {
      const auto c = cells.find({o, p});
      table += "<td>";
      if (c != cells.end())
        table += html_escape(readable(c->second.mean)) + " <span class=\"ci\">[" +
                 html_escape(readable(c->second.lo)) + ", " + html_escape(readable(c->second.hi)) +
                 "]</span>";
      table += "</td>";
    }
    table += "</tr>\n";
  }
  table += "</tbody></table>\n";
  page.sections.push_back({"table", "Means and 95 % intervals", "From summary.csv.", {}, table});
  return page;
}

Page compare_page(const fs::path& dir) {
  const fs::path json_path = dir / "compare.json", csv_path = dir / "compare.csv";
  const JsonValue doc = read_json(json_path);
  expect_format(doc, json_path, "mailstorm-compare");
  std::vector<std::string> variants, outcomes;
  for (const JsonValue& v : doc.at("variants").items()) variants.push_back(v.at("name").as_string());
  for (const JsonValue& o : doc.at("outcomes").items()) outcomes.push_back(o.as_string());
  if (variants.empty()) throw InputError(json_path.string() + ": no variants");

  const models::CsvTable t = models::read_csv_file(csv_path);
  const std::size_t c_variant = t.column("variant"), c_outcome = t.column("outcome"),
                    c_base = t.column("base_mean"), c_value = t.column("variant_mean"),
                    c_diff = t.column("diff_mean"), c_lo = t.column("diff_ci95_low"),
                    c_hi = t.column("diff_ci95_high"), c_pct = t.column("percent_change"),
                    c_n = t.column("n");
  const std::set<std::string> variant_set(variants.begin(), variants.end());
  const std::set<std::string> outcome_set(outcomes.begin(), outcomes.end());
  struct Row {
    std::string variant, outcome;
    double base, value, diff, lo, hi, pct, n;
  };
  std::vector<Row> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string where = csv_path.string() + ":" + std::to_string(t.lines[r]) + ": ";
    Row row{t.rows[r][c_variant], t.rows[r][c_outcome], t.number(r, c_base, true),
            t.number(r, c_value, true), t.number(r, c_diff, true), 0, 0,
            t.number(r, c_pct, true), t.number(r, c_n)};
    if (!variant_set.count(row.variant))
      throw InputError(where + "variant '" + row.variant + "' is not among compare.json's variants");
    if (!outcome_set.count(row.outcome))
      throw InputError(where + "outcome '" + row.outcome + "' is not among compare.json's outcomes");
    row.lo = bound_or(t, r, c_lo, row.diff);
    row.hi = bound_or(t, r, c_hi, row.diff);
    rows.push_back(row);
  }
  if (rows.empty()) throw InputError(csv_path.string() + ": no rows");

  std::vector<std::string> charted, unchanged;
  std::string rows_json = "[";
  for (const std::string& o : outcomes) {
    bool differs = false, any = false;
    for (const Row& r : rows) {
      if (r.outcome != o || std::isnan(r.diff)) continue;
      any = true;
      differs = differs || r.diff != 0 || r.lo != 0 || r.hi != 0;
    }
    if (!any || !differs) {
      unchanged.push_back(o);
      continue;
    }
    charted.push_back(o);
    for (const Row& r : rows)
      if (r.outcome == o && !std::isnan(r.diff))
        rows_json += std::string(rows_json.size() > 1 ? "," : "") + "{\"outcome\":" + str(o) +
                     ",\"variant\":" + str(r.variant) + ",\"diff\":" + num(r.diff) +
                     ",\"lo\":" + num(r.lo) + ",\"hi\":" + num(r.hi) + ",\"pct\":" +
                     num(r.pct) + ",\"base\":" + num(r.base) + ",\"value\":" + num(r.value) +
                     ",\"n\":" + num(r.n) + "}";
  }
  rows_json += "]";

  Page page;
  page.title = "mailstorm compare: " + std::to_string(variants.size()) + " variant" +
               (variants.size() == 1 ? "" : "s") + " against the base";
  page.subtitle_html = "base " + html_escape(doc.at("base").as_string()) + "; " +
                       html_escape(json_scalar_text(doc.at("replications"))) +
                       " replications with common random numbers, seed " +
                       html_escape(json_scalar_text(doc.at("seed"))) +
                       (doc.find("mode") ? ", mode " + html_escape(doc.at("mode").as_string()) : "") +
                       "; folder " + html_escape(dir.string());
  page.data_json = "{\"kind\":\"compare\",\"variants\":" + strings(variants) + ",\"outcomes\":" +
                   strings(charted) + ",\"rows\":" + rows_json + "}";
  Section chart{"differences", "Differences from the base", "", {}, ""};
  chart.intro_html =
      "Each variant's mean minus the base's mean, with the 95 % confidence interval of the "
      "difference (paired replications); the vertical rule is no difference. Each panel has its "
      "own scale.";
  if (!unchanged.empty()) {
    std::string list;
    for (const std::string& o : unchanged) list += (list.empty() ? "" : ", ") + html_escape(o);
    chart.intro_html += " Not drawn, identical in every variant: " + list + ".";
  }
  if (!charted.empty()) chart.charts.push_back("compare");
  page.sections.push_back(chart);

  std::string table =
      "<table class=\"numbers\"><thead><tr><th>outcome</th><th>variant</th><th>base mean</th>"
      "<th>variant mean</th><th>difference [95 % CI]</th><th>change</th></tr></thead><tbody>\n";
  for (const std::string& o : outcomes)
    for (const Row& r : rows) {
      if (r.outcome != o) continue;
      const bool significant = r.lo > 0 || r.hi < 0;
      table += std::string("<tr") + (significant ? " class=\"significant\"" : "") + "><td>" +
               html_escape(o) + "</td><td>" + html_escape(r.variant) + "</td><td>" +
               html_escape(readable(r.base)) + "</td><td>" + html_escape(readable(r.value)) +
               "</td><td>" + html_escape(readable(r.diff)) + " <span class=\"ci\">[" +
               html_escape(readable(r.lo)) + ", " + html_escape(readable(r.hi)) +
               "]</span></td><td>" +
               (std::isnan(r.pct) ? std::string("n/a") : html_escape(readable(r.pct)) + " %") +
               "</td></tr>\n";
    }
  table += "</tbody></table>\n";
  page.sections.push_back({"table", "All outcomes",
                           "From compare.csv; rows in bold: the interval excludes 0.", {}, table});
  return page;
}

}  // namespace mailstorm::cli::report
