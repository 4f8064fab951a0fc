#include "models/analysis/mode_equivalence.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

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

ModeEquivalence compare_modes(const scenario::Scenario& s, int seeds, int threads, double family_alpha) {
  if (seeds < 2) throw std::invalid_argument("compare_modes: at least 2 seeds");
  threads = std::max(1, threads);
  const auto n = static_cast<std::size_t>(seeds);
  std::vector<std::vector<std::pair<std::string, double>>> ref(n), fast(n);
  std::vector<double> ref_wall(n), fast_wall(n);
  std::vector<std::uint64_t> ref_events(n), fast_events(n);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&](int first) {
    try {
      for (std::size_t i = static_cast<std::size_t>(first); i < n; i += static_cast<std::size_t>(threads)) {
        RunOptions o;
        o.seed = i + 1;
        o.mode = Mode::reference;
        const RunResult a = run_storm(s, o);
        o.mode = Mode::fast;
        const RunResult b = run_storm(s, o);
        ref[i] = main_outcomes(a);
        fast[i] = main_outcomes(b);
        ref_wall[i] = a.wall_s;
        fast_wall[i] = b.wall_s;
        ref_events[i] = a.events_handled;
        fast_events[i] = b.events_handled;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  ModeEquivalence e;
  e.seeds = seeds;
  e.family_alpha = family_alpha;
  const std::size_t k = ref[0].size();
  e.outcome_alpha = family_alpha / static_cast<double>(k);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> a, b;
    for (std::size_t i = 0; i < n; ++i) {
      a.push_back(ref[i][j].second);
      b.push_back(fast[i][j].second);
    }
    OutcomeComparison c;
    c.outcome = ref[0][j].first;
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
  for (std::size_t i = 0; i < n; ++i) {
    e.reference_wall_s += ref_wall[i];
    e.fast_wall_s += fast_wall[i];
    e.reference_events += ref_events[i];
    e.fast_events += fast_events[i];
  }
  return e;
}

}  // namespace mailstorm::models
