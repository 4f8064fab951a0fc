// The branching-process approximation (models/analysis/branching.hpp) against exact results and
// against the simulation where its assumptions hold (calibration.md, "exact checks").
//
// Statistical checks use fixed seeds (so they are deterministic) and 99 % intervals, except the
// Borel goodness of fit, which is a chi-square test at the 1 % significance level.
#include <unistd.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "models/analysis/branching.hpp"
#include "models/analysis/cascade_stats.hpp"
#include "models/output/results_writer.hpp"
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

TEST_CASE("spectral radius, Perron vectors and (I - K)^-1 of known matrices", "[branching]") {
  Eigen::MatrixXd K(2, 2);
  K << 0.5, 0.2, 0.1, 0.3;
  // Eigenvalues (0.8 +- sqrt(0.64 - 4 * 0.13)) / 2.
  const double R = (0.8 + std::sqrt(0.64 - 0.52)) / 2;
  CHECK(models::analysis::spectral_radius(K) == Approx(R).epsilon(1e-12));
  const auto d = models::analysis::dominant_eigen(K);
  CHECK(d.R == Approx(R).epsilon(1e-12));
  CHECK((K * d.right - R * d.right).norm() < 1e-12);
  CHECK((d.left.transpose() * K - R * d.left.transpose()).norm() < 1e-12);
  CHECK(d.right.sum() == Approx(1.0));
  CHECK(d.left.dot(d.right) == Approx(1.0));
  // (I - K)^-1 x against the sum of the generations.
  Eigen::VectorXd x(2);
  x << 1.0, 0.0;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(2), gen = x;
  for (int g = 0; g < 400; ++g) {
    sum += gen;
    gen = K * gen;
  }
  const Eigen::VectorXd t = models::analysis::expected_totals(K, x);
  CHECK((t - sum).norm() < 1e-12);
  // det(I - K) = 0.5 * 0.7 - 0.02 = 0.33: (I - K)^-1 e1 = (0.7, 0.1) / 0.33.
  CHECK(t(0) == Approx(0.7 / 0.33));
  CHECK(t(1) == Approx(0.1 / 0.33));

  Eigen::MatrixXd J(2, 2);
  J << 1.0, 1.0, 1.0, 1.0;
  const auto dj = models::analysis::dominant_eigen(J);
  CHECK(dj.R == Approx(2.0));
  CHECK(dj.right(0) == Approx(0.5));
  // Supercritical: no finite totals.
  CHECK(std::isinf(models::analysis::expected_totals(J, x)(0)));
  // A subcritical type feeding a supercritical one: finite itself, infinite below.
  Eigen::MatrixXd B(2, 2);
  B << 0.5, 0.0, 1.0, 2.0;
  const Eigen::VectorXd tb = models::analysis::expected_totals(B, x);
  CHECK(tb(0) == Approx(2.0));
  CHECK(std::isinf(tb(1)));
  // A cycle of period two has eigenvalues +-1: the radius is 1.
  Eigen::MatrixXd P(2, 2);
  P << 0.0, 2.0, 0.5, 0.0;
  CHECK(models::analysis::spectral_radius(P) == Approx(1.0));
}

TEST_CASE("structural virality of small trees", "[branching][cascade]") {
  using models::analysis::structural_virality;
  // A star of n nodes: (n - 1)^2 / (n (n - 1) / 2) = 2 (n - 1) / n.
  std::vector<std::int64_t> star(10, 0);
  star[0] = -1;
  CHECK(structural_virality(star, 0) == Approx(2.0 * 9 / 10));
  // A path of n nodes: (n + 1) / 3.
  std::vector<std::int64_t> path(10);
  for (std::int64_t i = 0; i < 10; ++i) path[static_cast<std::size_t>(i)] = i - 1;
  CHECK(structural_virality(path, 0) == Approx(11.0 / 3));
  // Two nodes: distance 1; one node: 0; nodes outside the root's tree are ignored.
  CHECK(structural_virality({-1, 0}, 0) == Approx(1.0));
  CHECK(structural_virality({-1}, 0) == 0.0);
  CHECK(structural_virality({-1, 0, -1, 2}, 0) == Approx(1.0));
  // Depth and breadth of a small cascade.
  std::vector<models::analysis::CascadeRecord> rows(4);
  rows[0] = {0, -1, models::MessageKind::first_mail, 0, 0, 0};
  rows[1] = {1, 0, models::MessageKind::chain_forward, 3, 1, 10};
  rows[2] = {2, 1, models::MessageKind::chain_forward, 3 + 5, 2, 20};  // an outsider of a 5-member list
  rows[3] = {3, 0, models::MessageKind::list_reply, 4, 1, 10};
  const auto s = models::analysis::cascade_stats(rows, 5);
  CHECK(s.depth_max == 2);
  REQUIRE(s.generations.size() == 3);
  CHECK(s.generations[1].messages == 2);
  CHECK(s.generations[2].new_outsiders == 1);
  CHECK(s.chain_nodes == 3);
  CHECK(s.structural_virality_chain == Approx(4.0 / 3));  // a path of three
}

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

TEST_CASE("the bestboy scenario: a large first burst, subcritical until annoyance grows", "[branching]") {
  const auto scenario = test::load("scenarios/bestboy-2000.toml");
  const auto analysis = models::analysis::analyze(models::StormParams::from(scenario));
  // Fresh readers reproduce below 1; fully annoyed ones (annoyance at its cap) above 1.
  CHECK(analysis.dominant.R < 1.0);
  CHECK(analysis.R_annoyed > 1.0);
  // The first mail's readers alone make about a hundred reply-alls.
  const auto& K = analysis.model.K;
  CHECK(K(idx(StormType::list_reply_post), idx(StormType::first_mail_post)) > 50);
  REQUIRE(!analysis.safeguards.empty());
  // Applicable safeguards come first, sorted by R; sending to the owner address leaves no post.
  for (std::size_t i = 1; i < analysis.safeguards.size(); ++i)
    if (analysis.safeguards[i].applicable && analysis.safeguards[i - 1].applicable)
      CHECK(analysis.safeguards[i - 1].R <= analysis.safeguards[i].R);
  for (const auto& s : analysis.safeguards)
    if (s.setting == "first_mail.to=owner") CHECK(s.total_posts == 0.0);
}

TEST_CASE("cascade statistics of a recorded run read back from cascade.csv", "[branching][cascade]") {
  const auto scenario = test::load("tests/models/fixtures/small-storm.toml");
  models::RunOptions o;
  o.seed = 5;
  o.record_cascade = true;
  const auto r = models::run_storm(scenario, o);
  const auto path = std::filesystem::temp_directory_path() / ("mailstorm-branching-cascade-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream f(path);
    f << models::cascade_csv(r);
  }
  const auto rows = models::analysis::read_cascade_csv(path);
  std::filesystem::remove(path);
  REQUIRE(rows.size() == r.cascade.size());
  const auto s = models::analysis::cascade_stats(rows, r.members);
  CHECK(s.nodes == r.outcomes.cascade_messages);
  CHECK(s.depth_max == r.outcomes.cascade_depth_max);
  std::uint64_t breadth = 0, outsiders = 0;
  for (const auto& g : s.generations) {
    breadth += g.messages;
    outsiders += g.new_outsiders;
  }
  CHECK(breadth == s.tree_nodes);
  CHECK(outsiders <= r.outcomes.outsiders_reached);  // only outsiders who wrote are in the tree
  CHECK(s.structural_virality > 1.0);
}
