// The branching-process approximation (models/analysis/branching.hpp): exact checks of the matrix code and of the cascade statistics; the statistical validation
// against many runs is in test_branching_validation.cpp.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "models/analysis/branching.hpp"
#include "models/analysis/cascade_stats.hpp"
#include "models/output/results_writer.hpp"
#include "models/world/params.hpp"
#include "storm_test_support.hpp"

namespace {

using namespace mailstorm;
using models::analysis::StormType;

Eigen::Index idx(StormType t) { return static_cast<Eigen::Index>(t); }

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
