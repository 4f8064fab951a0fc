// The seed's lessons (incident-bestboy-2000.md) as statistical tests on scenarios/bestboy-2000.toml
// and its one-mistake-fixed variants, 50 seeds each (seeds 1..50, common random numbers: seed k
// of a variant is compared with seed k of the base).
//
// Tests and levels: one-sided one-sample or paired Student-t tests at significance 0.01 for
// means and differences; one-sided exact binomial bounds at 0.01 for proportions. With a fixed
// set of seeds the outcome is deterministic; the levels say how unlikely a pass would be if the
// claimed effect were absent.
#include <catch2/catch.hpp>

#include <boost/math/distributions/binomial.hpp>
#include <numeric>

#include "sim/stats.hpp"
#include "storm_test_support.hpp"

using namespace mailstorm;
using test::column;
using test::load;
using test::run_seeds;

namespace {

constexpr int kSeeds = 50;
constexpr double kAlpha = 0.01;

const std::vector<models::RunResult>& base_runs() {
  static const auto runs = run_seeds(load("scenarios/bestboy-2000.toml"), kSeeds);
  return runs;
}

sim::RunningStats stats_of(const std::vector<double>& v) {
  sim::RunningStats s;
  for (double x : v) s.add(x);
  return s;
}

// Lower end of the one-sided (1 - alpha) confidence bound for the mean.
double lower_bound(const std::vector<double>& v) {
  const auto s = stats_of(v);
  const double t = sim::student_t_quantile(1 - kAlpha, static_cast<double>(s.count() - 1));
  return s.mean() - t * s.stddev() / std::sqrt(static_cast<double>(s.count()));
}
double upper_bound(const std::vector<double>& v) {
  const auto s = stats_of(v);
  const double t = sim::student_t_quantile(1 - kAlpha, static_cast<double>(s.count() - 1));
  return s.mean() + t * s.stddev() / std::sqrt(static_cast<double>(s.count()));
}
std::vector<double> paired_difference(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size(); ++i) d.push_back(a[i] - b[i]);
  return d;
}
// Clopper-Pearson lower bound of a proportion at one-sided level alpha.
double proportion_lower_bound(int successes, int n) {
  if (successes == 0) return 0;
  return boost::math::binomial_distribution<>::find_lower_bound_on_p(n, successes, kAlpha);
}

double uproar(const models::RunResult& r) {
  return static_cast<double>(r.outcomes.forwards + r.outcomes.complaints);
}

}  // namespace

// One test case, so the 50 base runs are made once per process and shared by the sections.
TEST_CASE("the seed's lessons hold over 50 seeds", "[lessons]") {
  SECTION("(a) with every mistake the storm is large, reaches outsiders and peaks on Saturday night") {
    const auto& runs = base_runs();
    const auto inbox = column(runs, [](auto& r) { return static_cast<double>(r.outcomes.sender_inbox_total); });
    WARN("sender's inbox: mean " << stats_of(inbox).mean());
    CHECK(lower_bound(inbox) > 2000);  // thousands of messages reach the sender
  
    int reach = 0, saturday_night = 0;
    for (const auto& r : runs) {
      if (r.outcomes.outsiders_reached > 0) ++reach;
      const auto at = r.outcomes.uproar_peak_at;
      if (at == sim::Time::never()) continue;
      // Saturday 17:00 to Sunday 06:00, Japan time.
      const auto l = r.calendar.local(at);
      if ((l.weekday == 5 && l.hour >= 17) || (l.weekday == 6 && l.hour < 6)) ++saturday_night;
    }
    CHECK(proportion_lower_bound(reach, kSeeds) > 0.9);
    WARN("uproar peaks on Saturday evening or night in " << saturday_night << " of " << kSeeds);
    CHECK(proportion_lower_bound(saturday_night, kSeeds) > 0.5);
  }

  SECTION("(b) harmless content with every other mistake stays small") {
    const auto harmless = run_seeds(load("scenarios/bestboy-2000/fix-neutral-subject.toml"), kSeeds);
    const auto up_base = column(base_runs(), uproar);
    const auto up_harmless = column(harmless, uproar);
    WARN("uproar (forwards + complaints): alarming " << stats_of(up_base).mean() << ", harmless "
                                                     << stats_of(up_harmless).mean());
    CHECK(upper_bound(up_harmless) < 0.1 * lower_bound(up_base));
    const auto posts = column(harmless, [](auto& r) { return static_cast<double>(r.outcomes.list_posts_accepted); });
    const auto posts_base =
        column(base_runs(), [](auto& r) { return static_cast<double>(r.outcomes.list_posts_accepted); });
    CHECK(upper_bound(posts) < lower_bound(posts_base));
  }

  SECTION("(c) announce-only enforced: the first mail reaches no member") {
    for (const auto& r : run_seeds(load("scenarios/bestboy-2000/fix-announce-only-enforced.toml"), kSeeds)) {
      CHECK(r.outcomes.list_copies_delivered == 0);
      CHECK(r.outcomes.list_posts_accepted == 0);
    }
  }

  SECTION("(d) envelope sender = owner: no bounce reaches the poster") {
    int base_backscatter = 0;
    for (const auto& r : base_runs())
      if (r.outcomes.bounces_to_poster > 0) ++base_backscatter;
    CHECK(base_backscatter == kSeeds);  // the mistake does send bounces to him
    for (const auto& r : run_seeds(load("scenarios/bestboy-2000/fix-envelope-sender-owner.toml"), kSeeds))
      CHECK(r.outcomes.bounces_to_poster == 0);
  }

  SECTION("(e) keeping the server up gives fewer complaints and fewer forwards") {
    const auto up = run_seeds(load("scenarios/bestboy-2000/fix-server-kept-up.toml"), kSeeds);
    const auto complaints_diff =
        paired_difference(column(base_runs(), [](auto& r) { return static_cast<double>(r.outcomes.complaints); }),
                          column(up, [](auto& r) { return static_cast<double>(r.outcomes.complaints); }));
    const auto forwards_diff =
        paired_difference(column(base_runs(), [](auto& r) { return static_cast<double>(r.outcomes.forwards); }),
                          column(up, [](auto& r) { return static_cast<double>(r.outcomes.forwards); }));
    WARN("shut down minus kept up: complaints " << stats_of(complaints_diff).mean() << ", forwards "
                                               << stats_of(forwards_diff).mean());
    CHECK(lower_bound(complaints_diff) > 0);
    CHECK(lower_bound(forwards_diff) > 0);
  }

  SECTION("(f) an early explanation brings the quiet sooner") {
    const auto early = run_seeds(load("scenarios/bestboy-2000/fix-explanation-early.toml"), kSeeds);
    const auto diff = paired_difference(column(base_runs(), [](auto& r) { return r.outcomes.time_to_quiet_s; }),
                                        column(early, [](auto& r) { return r.outcomes.time_to_quiet_s; }));
    WARN("time to quiet, none minus early: " << stats_of(diff).mean() / 3600 << " h");
    CHECK(lower_bound(diff) > 0);
  }
}
