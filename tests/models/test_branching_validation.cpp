// The branching-process approximation (models/analysis/branching.hpp) against the simulation
// where its assumptions hold (calibration.md, "exact checks"): many full runs of small lists,
// labelled slow (skipped under sanitizers). The exact unit checks are in test_branching.cpp.
//
// Statistical checks use fixed seeds (so they are deterministic) and 99 % intervals, except the
// Borel goodness of fit, which is a chi-square test at the 1 % significance level.
#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "models/analysis/branching.hpp"
#include "models/world/params.hpp"
#include "sim/stats.hpp"
#include "storm_test_support.hpp"

namespace {

using namespace mailstorm;
using models::analysis::StormType;

constexpr const char* kDegenerate = "tests/models/fixtures/branching-degenerate.toml";

Eigen::Index idx(StormType t) { return static_cast<Eigen::Index>(t); }

double list_posts(const Eigen::VectorXd& totals) {
  double s = 0;
  for (std::size_t t = 0; t < models::analysis::kTypes; ++t)
    if (models::analysis::is_list_post(t)) s += totals(static_cast<Eigen::Index>(t));
  return s;
}

// log P(n) of the Borel distribution: e^(-lambda n) (lambda n)^(n-1) / n!.
double borel_log_pmf(double lambda, int n) {
  const double dn = n;
  return -lambda * dn + (dn - 1) * std::log(lambda * dn) - std::lgamma(dn + 1);
}

// The simulated mean lies within its 99 % interval of the prediction, widened by `slack`
// (relative) for effects the approximation leaves out on purpose.
void check_mean(const char* what, const sim::RunningStats& s, double predicted, double slack = 0.01) {
  const auto ci = s.confidence_interval(0.99);
  INFO(what << ": simulated " << s.mean() << " [" << ci.low << ", " << ci.high << "], predicted " << predicted);
  CHECK(predicted >= ci.low - slack * predicted);
  CHECK(predicted <= ci.high + slack * predicted);
}

}  // namespace

TEST_CASE("the degenerate storm's posts follow the Borel distribution", "[branching][slowish]") {
  const auto scenario = test::load(kDegenerate);
  const auto p = models::StormParams::from(scenario);
  const double lambda = 0.5;
  const auto analysis = models::analysis::analyze(p);
  REQUIRE(analysis.dominant.R == Approx(lambda).epsilon(1e-9));
  REQUIRE(list_posts(analysis.totals) == Approx(1.0 / (1.0 - lambda)).epsilon(1e-9));

  const int runs = 400;
  const auto results = test::run_seeds(scenario, runs);
  // Bins 1, 2, 3, 4, 5-6, 7+ (every expected count above 15).
  const std::vector<int> edges = {1, 2, 3, 4, 5, 7};
  std::vector<double> observed(edges.size(), 0), expected(edges.size(), 0);
  sim::RunningStats posts;
  for (const auto& r : results) {
    const auto n = static_cast<int>(r.outcomes.list_posts_accepted);
    posts.add(n);
    std::size_t b = edges.size() - 1;
    while (b > 0 && n < edges[b]) --b;
    observed[b] += 1;
  }
  double below = 0;
  for (std::size_t b = 0; b + 1 < edges.size(); ++b) {
    for (int n = edges[b]; n < edges[b + 1]; ++n) expected[b] += std::exp(borel_log_pmf(lambda, n));
    below += expected[b];
  }
  expected.back() = 1.0 - below;
  double chi2 = 0;
  for (std::size_t b = 0; b < edges.size(); ++b) {
    const double e = expected[b] * runs;
    chi2 += (observed[b] - e) * (observed[b] - e) / e;
  }
  const double critical = boost::math::quantile(
      boost::math::complement(boost::math::chi_squared(static_cast<double>(edges.size() - 1)), 0.01));
  INFO("chi-square " << chi2 << " on " << edges.size() - 1 << " degrees of freedom, critical value " << critical);
  CHECK(chi2 < critical);
  check_mean("posts per run", posts, 1.0 / (1.0 - lambda), 0.0);
}

TEST_CASE("simulated means match (I - K)^-1 for R from 0.3 to 0.95", "[branching][slowish]") {
  struct Case {
    const char* name;
    std::vector<std::string> sets;
    int runs;
  };
  const std::vector<Case> cases = {
      {"R 0.3: reply-alls and remove-me requests",
       {"behaviour.followup_reply_all=0.0005", "behaviour.remove_me=0.0005"}, 300},
      {"R 0.6: three follow-up kinds, a narrow administrivia filter, three people classes",
       {"behaviour.followup_reply_all=0.001", "behaviour.remove_me=0.001", "behaviour.stop_replying=0.0003",
        "list.administrivia=mailman_narrow", "population.reactive_share=0.2", "population.reactive_multiplier=2",
        "population.calm_share=0.3", "population.calm_multiplier=0.5"},
       300},
      {"R 0.95: an alarming first mail, reply-alls and chain forwards outside the list",
       {"behaviour.followup_reply_all=0.0031666666666666666", "first_mail.alarm=1", "behaviour.concern_alarming=0.3",
        "behaviour.reply_all_share=0.05", "behaviour.forward_share=0.3", "behaviour.complain_share=0.02"},
       400},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const auto scenario = test::load(kDegenerate, c.sets);
      const auto analysis = models::analysis::analyze(models::StormParams::from(scenario));
      INFO("R = " << analysis.dominant.R);
      REQUIRE(analysis.dominant.R < 0.96);
      REQUIRE(analysis.dominant.R > 0.29);
      const auto results = test::run_seeds(scenario, c.runs);
      sim::RunningStats posts, forwards, complaints;
      for (const auto& r : results) {
        posts.add(static_cast<double>(r.outcomes.list_posts_accepted));
        forwards.add(static_cast<double>(r.outcomes.forwards));
        complaints.add(static_cast<double>(r.outcomes.complaints));
      }
      using models::analysis::Output;
      check_mean("accepted list posts", posts, list_posts(analysis.totals));
      const auto out = [&](Output o) { return analysis.outputs(static_cast<Eigen::Index>(o)); };
      if (out(Output::forwards) > 0) {
        // Forwards: E[min(degree, 1 + Poisson)] ignores contacts realised by others (overlap)
        // and the edge back to the forwarder: 5 % slack.
        check_mean("chain-forward envelopes", forwards, out(Output::forwards), 0.05);
        check_mean("complaints", complaints, out(Output::complaints), 0.05);
      }
    }
  }
}

TEST_CASE("a supercritical storm dies out with the generating function's probability", "[branching][slowish]") {
  // lambda = 1.5: q = exp(1.5 (q - 1)) = 0.4172. Storms that survive are stopped by the
  // operator's emergency moderation once told after 40 posts; those that die out stay below 40
  // posts except with probability ~1e-4 (their sizes are Borel with lambda q = 0.63).
  const auto scenario =
      test::load(kDegenerate, {"behaviour.followup_reply_all=0.005", "operator.action=emergency_moderation",
                               "operator.on_call=true", "operator.notice_after_posts=40",
                               "operator.response_delay=0s"});
  const auto analysis = models::analysis::analyze(models::StormParams::from(scenario));
  REQUIRE(analysis.dominant.R == Approx(1.5).epsilon(1e-9));
  double q = 0;
  for (int i = 0; i < 10000; ++i) q = std::exp(1.5 * (q - 1));
  CHECK(analysis.extinction(idx(StormType::first_mail_post)) == Approx(q).epsilon(1e-9));
  CHECK(analysis.extinction_from_start == Approx(q).epsilon(1e-9));
  const int runs = 300;
  const auto results = test::run_seeds(scenario, runs);
  double small = 0;
  for (const auto& r : results) small += r.outcomes.list_posts_accepted < 40 ? 1 : 0;
  const double share = small / runs;
  const double half = 2.576 * std::sqrt(q * (1 - q) / runs);  // 99 % binomial (normal) interval
  INFO("died out small in " << share << " of runs; q = " << q << " +- " << half);
  CHECK(std::abs(share - q) < half);
}

