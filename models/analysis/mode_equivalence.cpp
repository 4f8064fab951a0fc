#include "models/analysis/mode_equivalence.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "models/output/csv_reader.hpp"
#include "models/world/storm.hpp"
#include "sim/stats.hpp"

namespace mailstorm::models {

std::vector<std::pair<std::string, double>> main_outcomes(const RunResult& r) {
  const Outcomes& o = r.outcomes;
  auto d = [](auto x) { return static_cast<double>(x); };
  std::vector<std::pair<std::string, double>> v = {
      {"messages_total", d(o.messages_total)},
      {"list_posts_attempted", d(o.list_posts_attempted)},
      {"list_posts_accepted", d(o.list_posts_accepted)},
      {"list_posts_held", d(o.list_posts_held)},
      {"list_posts_rejected", d(o.list_posts_rejected)},
      {"list_copies_delivered", d(o.list_copies_delivered)},
      {"replies_to_sender", d(o.replies_to_sender)},
      {"replies_to_list", d(o.replies_to_list)},
      {"forwards", d(o.forwards)},
      {"outsiders_reached", d(o.outsiders_reached)},
      {"bounces_total", d(o.bounces_total)},
      {"bounces_to_poster", d(o.bounces_to_poster)},
      {"autoreplies", d(o.autoreplies)},
      {"complaints", d(o.complaints)},
      {"sender_inbox_peak_per_hour", d(o.sender_inbox_peak_per_hour)},
      {"sender_inbox_total", d(o.sender_inbox_total)},
      {"time_to_peak_s", o.time_to_peak_s},
      {"time_to_quiet_s", o.time_to_quiet_s},
      {"cascade_messages", d(o.cascade_messages)},
      {"cascade_depth_max", d(o.cascade_depth_max)},
      {"bytes_total", d(o.bytes_total)},
      {"clarifications_read", d(o.clarifications_read)},
      {"members_disabled_by_bounces", d(o.members_disabled_by_bounces)},
      {"ledger_queued", d(r.ledger.queued)},
  };
  // The named hosts come first in RunResult::hosts (sender, list, outside world).
  for (std::size_t h = 0; h < std::min<std::size_t>(3, r.hosts.size()); ++h) {
    const HostFigures& f = r.hosts[h];
    v.emplace_back(f.name + ".accepted", d(f.accepted));
    v.emplace_back(f.name + ".refused", d(f.refused));
    v.emplace_back(f.name + ".retries", d(f.retries));
    v.emplace_back(f.name + ".peak_queue", d(f.peak_queue));
    v.emplace_back(f.name + ".mean_queue", f.mean_queue);
  }
  return v;
}

bool ModeEquivalence::equivalent() const {
  for (const OutcomeComparison& c : outcomes)
    if (c.differs) return false;
  return true;
}

std::string ModeEquivalence::table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-32s %14s %14s %7s %9s  %s\n", "outcome", "mean reference", "mean fast", "KS D",
                "p-value", "verdict");
  out += line;
  for (const OutcomeComparison& c : outcomes) {
    std::snprintf(line, sizeof line, "%-32s %14.6g %14.6g %7.4f %9.3g  %s\n", c.outcome.c_str(), c.mean_reference,
                  c.mean_fast, c.d, c.p_value, c.differs ? "DIFFERS" : "same");
    out += line;
  }
  std::snprintf(line, sizeof line,
                "%d seeds per mode; two-sample Kolmogorov-Smirnov per outcome at %.3g (Bonferroni: %.3g over %zu "
                "outcomes)\n",
                seeds, outcome_alpha, family_alpha, outcomes.size());
  out += line;
  std::snprintf(line, sizeof line, "events: reference %llu, fast %llu (%.1fx fewer); event-loop time %.2f s vs %.2f s\n",
                static_cast<unsigned long long>(reference_events), static_cast<unsigned long long>(fast_events),
                fast_events ? static_cast<double>(reference_events) / static_cast<double>(fast_events) : 0.0,
                reference_wall_s, fast_wall_s);
  out += line;
  out += equivalent() ? "verdict: no difference found between the modes\n"
                      : "verdict: the modes differ\n";
  return out;
}

namespace {

// One seed's results in both modes.
struct SeedResult {
  std::vector<double> reference, fast;
  double reference_wall_s = 0, fast_wall_s = 0;
  std::uint64_t reference_events = 0, fast_events = 0;
};

std::vector<std::string> outcome_names_of(const std::vector<std::pair<std::string, double>>& v) {
  std::vector<std::string> names;
  for (const auto& [name, value] : v) names.push_back(name);
  return names;
}

std::vector<double> values_of(const std::vector<std::pair<std::string, double>>& v) {
  std::vector<double> values;
  for (const auto& [name, value] : v) values.push_back(value);
  return values;
}

// The record file: a header "seed,mode,events,wall_s,<outcome>..." and one line per seed and
// mode. A seed counts as recorded when both its lines are there. A seed with only its reference
// line runs fast mode alone: after a change to fast mode only, keeping the reference lines of a
// record (grep -v ',fast,') re-checks fast mode at half the cost. An interruption can cut the
// last line short; cut_short_tail() removes it before the file is appended to, so the file is
// always whole lines (read with the project's CSV reader).

// The file's whole lines (a line an interruption cut short, or one being written, left out).
std::string whole_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  const std::size_t last = text.rfind('\n');
  text.resize(last == std::string::npos ? 0 : last + 1);
  return text;
}

// Before appending: the cut-short line goes, so that the file stays whole lines.
void cut_short_tail(const std::string& path) {
  if (!std::filesystem::exists(path)) return;
  const std::size_t whole = whole_lines(path).size();
  if (whole != std::filesystem::file_size(path)) std::filesystem::resize_file(path, whole);
}

std::map<int, SeedResult> read_record(const std::string& path, std::vector<std::string>& names,
                                      std::map<int, SeedResult>* reference_only = nullptr) {
  std::map<int, SeedResult> done;
  const std::string text = whole_lines(path);
  if (text.empty()) return done;
  const CsvTable t = parse_csv(text, path);
  if (t.header.size() < 5 || t.header[0] != "seed" || t.header[1] != "mode" || t.header[2] != "events" ||
      t.header[3] != "wall_s")
    throw std::runtime_error(path + ": line 1: not a record of mailstorm_mode_equivalence (seed,mode,events,wall_s,...)");
  names.assign(t.header.begin() + 4, t.header.end());
  std::map<int, SeedResult> partial;
  std::map<int, int> modes_seen;
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    const int seed = static_cast<int>(t.number(row, 0));
    SeedResult& r = partial[seed];
    std::vector<double> values;
    for (std::size_t j = 4; j < t.header.size(); ++j) values.push_back(t.number(row, j));
    const std::string& mode = t.rows[row][1];
    if (mode == "reference") {
      r.reference = values;
      r.reference_events = static_cast<std::uint64_t>(t.number(row, 2));
      r.reference_wall_s = t.number(row, 3);
      modes_seen[seed] |= 1;
    } else if (mode == "fast") {
      r.fast = values;
      r.fast_events = static_cast<std::uint64_t>(t.number(row, 2));
      r.fast_wall_s = t.number(row, 3);
      modes_seen[seed] |= 2;
    } else {
      throw std::runtime_error(path + ":" + std::to_string(t.lines[row]) + ": mode \"" + mode +
                               "\": expected reference or fast");
    }
  }
  for (const auto& [seed, modes] : modes_seen) {
    if (modes == 3) done[seed] = partial[seed];
    if (modes == 1 && reference_only) (*reference_only)[seed] = partial[seed];
  }
  return done;
}

std::string record_line(int seed, const char* mode, std::uint64_t events, double wall_s,
                        const std::vector<double>& values) {
  char cell[64];
  std::string line = std::to_string(seed) + "," + mode + "," + std::to_string(events);
  std::snprintf(cell, sizeof cell, ",%.17g", wall_s);
  line += cell;
  for (const double v : values) {
    std::snprintf(cell, sizeof cell, ",%.17g", v);
    line += cell;
  }
  return line + "\n";
}

}  // namespace

ModeEquivalence compare_modes(const scenario::Scenario& s, int seeds, int threads, double family_alpha,
                              const std::string& record_path, bool record_only_report) {
  threads = std::max(1, threads);
  std::vector<std::string> names;  // from the record's header, else from the first run
  std::map<int, SeedResult> results;
  std::map<int, SeedResult> reference_only;  // seeds whose reference run is recorded alone
  if (!record_path.empty()) {
    if (!record_only_report) cut_short_tail(record_path);
    results = read_record(record_path, names, &reference_only);
  }
  if (record_only_report) {
    if (record_path.empty()) throw std::invalid_argument("compare_modes: a report from the record needs a record file");
  } else {
    if (seeds < 2) throw std::invalid_argument("compare_modes: at least 2 seeds");
    std::vector<int> todo;
    for (int seed = 1; seed <= seeds; ++seed)
      if (!results.count(seed)) todo.push_back(seed);
    std::FILE* record = nullptr;
    const bool header_needed = names.empty();
    if (!record_path.empty()) {
      record = std::fopen(record_path.c_str(), "a");
      if (!record) throw std::runtime_error(record_path + ": cannot open for appending");
    }
    std::exception_ptr failure;
    std::mutex mutex;  // guards results, record and failure
    auto work = [&](std::size_t first) {
      try {
        for (std::size_t i = first; i < todo.size(); i += static_cast<std::size_t>(threads)) {
          RunOptions o;
          o.seed = static_cast<std::uint64_t>(todo[i]);
          const auto recorded = reference_only.find(todo[i]);  // (read only: no lock needed)
          const bool reuse = recorded != reference_only.end();
          SeedResult r;
          std::vector<std::string> run_names;
          if (reuse) {
            r = recorded->second;
          } else {
            o.mode = Mode::reference;
            const RunResult a = run_storm(s, o);
            r.reference = values_of(main_outcomes(a));
            r.reference_wall_s = a.wall_s;
            r.reference_events = a.events_handled;
            run_names = outcome_names_of(main_outcomes(a));
          }
          o.mode = Mode::fast;
          const RunResult b = run_storm(s, o);
          r.fast = values_of(main_outcomes(b));
          r.fast_wall_s = b.wall_s;
          r.fast_events = b.events_handled;
          if (reuse) run_names = outcome_names_of(main_outcomes(b));
          const std::lock_guard<std::mutex> lock(mutex);
          if (names.empty()) {
            names = run_names;
            if (record && header_needed) {
              std::string header = "seed,mode,events,wall_s";
              for (const std::string& n : names) header += "," + n;
              std::fputs((header + "\n").c_str(), record);
            }
          } else if (names != run_names) {
            throw std::runtime_error(record_path + ": its outcomes are not this build's; use another record file");
          }
          if (record) {
            if (!reuse)
              std::fputs(record_line(todo[i], "reference", r.reference_events, r.reference_wall_s, r.reference).c_str(),
                         record);
            std::fputs(record_line(todo[i], "fast", r.fast_events, r.fast_wall_s, r.fast).c_str(), record);
            std::fflush(record);
          }
          results[todo[i]] = std::move(r);
        }
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, static_cast<std::size_t>(t));
    work(0);
    for (std::thread& t : pool) t.join();
    if (record) std::fclose(record);
    if (failure) std::rethrow_exception(failure);
    // Only the seeds asked for (a record may hold more).
    for (auto it = results.begin(); it != results.end();) it = it->first > seeds ? results.erase(it) : std::next(it);
  }
  if (results.size() < 2) throw std::runtime_error("compare_modes: fewer than 2 seeds to compare");

  ModeEquivalence e;
  const std::size_t n = results.size();
  e.seeds = static_cast<int>(n);
  e.family_alpha = family_alpha;
  const std::size_t k = names.size();
  e.outcome_alpha = family_alpha / static_cast<double>(k);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> a, b;
    for (const auto& [seed, r] : results) {
      a.push_back(r.reference[j]);
      b.push_back(r.fast[j]);
    }
    OutcomeComparison c;
    c.outcome = names[j];
    for (std::size_t i = 0; i < n; ++i) {
      c.mean_reference += a[i] / static_cast<double>(n);
      c.mean_fast += b[i] / static_cast<double>(n);
    }
    const sim::TwoSampleKs ks = sim::ks_two_sample(a, b);
    c.d = ks.d;
    c.p_value = ks.p_value;
    c.differs = ks.p_value < e.outcome_alpha;
    e.outcomes.push_back(c);
  }
  for (const auto& [seed, r] : results) {
    e.reference_wall_s += r.reference_wall_s;
    e.fast_wall_s += r.fast_wall_s;
    e.reference_events += r.reference_events;
    e.fast_events += r.fast_events;
  }
  return e;
}

}  // namespace mailstorm::models
