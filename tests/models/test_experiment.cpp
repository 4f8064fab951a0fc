// The experiment machinery (models/experiment): [sweep] and [expect] grammars and their errors,
// the statistics' intervals (coverage over many samples), paired comparisons, and run sets
// (thread count, resumption).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "models/experiment/comparison.hpp"
#include "models/experiment/expectations.hpp"
#include "models/output/json_reader.hpp"
#include "models/experiment/outcome_stats.hpp"
#include "models/experiment/run_set.hpp"
#include "models/experiment/sweep_folder.hpp"
#include "models/experiment/sweep_plan.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/settings.hpp"

namespace fs = std::filesystem;
using namespace mailstorm;
using namespace mailstorm::models::experiment;
using models::JsonError;
using models::JsonValue;
using models::parse_json;
using models::scenario::ScenarioError;
using Catch::Matchers::Contains;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("mailstorm-experiment-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path kTiny = fs::path(MAILSTORM_SOURCE_DIR) / "tests/fixtures/tiny-list.toml";

// A scenario file extending the tiny list, with `body` after the extends line (line 2 onwards).
models::scenario::Scenario scenario(const TempDir& dir, const std::string& body) {
  const fs::path file = dir.path / "s.toml";
  std::ofstream(file) << "extends = \"" << kTiny.string() << "\"\n" << body;
  return models::scenario::load_scenario(file, models::settings_registry());
}

ScenarioError sweep_error(const std::string& body) {
  TempDir dir;
  try {
    (void)sweep_plan(scenario(dir, body));
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("no error for: " << body);
  throw std::logic_error("unreachable");
}

ScenarioError expect_error(const std::string& body) {
  TempDir dir;
  try {
    (void)expect_table(scenario(dir, body));
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("no error for: " << body);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("no [sweep] table: one point named base") {
  TempDir dir;
  const SweepPlan plan = sweep_plan(scenario(dir, ""));
  REQUIRE(plan.keys.empty());
  REQUIRE(plan.points.size() == 1);
  CHECK(plan.points[0].name == "base");
  CHECK_FALSE(plan.replications);
}

TEST_CASE("[sweep] grammar: values, ranges, tables, constraint, replications") {
  TempDir dir;
  const SweepPlan plan = sweep_plan(scenario(dir,
                                             "[sweep]\n"
                                             "population.members = [100, 200]\n"
                                             "list.posting_policy = [\"open\", \"moderated\"]\n"
                                             "constraint = \"population.members > 100 or list.posting_policy == 'open'\"\n"
                                             "replications = 7\n"
                                             "[sweep.behaviour]\n"
                                             "remove_me = { from = 0.1, to = 0.3, step = 0.1 }\n"));
  REQUIRE(plan.keys == std::vector<std::string>{"behaviour.remove_me", "list.posting_policy",
                                                "population.members"});
  CHECK(plan.replications == 7u);
  // 3 x 2 x 2 = 12 points; the constraint drops (moderated, 100) at each of 3 remove_me values.
  REQUIRE(plan.points.size() == 9);
  CHECK(plan.points[0].name == "behaviour.remove_me=0.1,list.posting_policy=open,population.members=100");
  CHECK(plan.points[1].name == "behaviour.remove_me=0.1,list.posting_policy=open,population.members=200");
  CHECK(plan.points[2].name == "behaviour.remove_me=0.1,list.posting_policy=moderated,population.members=200");
  CHECK(plan.points[3].values[0].second == "0.2");
  CHECK(plan.points[6].values[0].second == "0.3");  // 0.1 + 2 * 0.1, not 0.30000000000000004
  const auto s = point_scenario(scenario(dir, ""), plan.points[2]);
  CHECK(s.text("list.posting_policy") == "moderated");
  CHECK(s.integer("population.members") == 200);
  CHECK(s.real("behaviour.remove_me") == 0.1);
}

TEST_CASE("[sweep] paths are relative to the file that lists them, as a path setting is") {
  TempDir dir;
  fs::create_directories(dir.path / "base");
  std::ofstream(dir.path / "base/base.toml")
      << "extends = \"" << kTiny.string() << "\"\n"
      << "[sweep.population]\ncontact_graph_file = [\"g1.txt\", \"../g2.txt\", \"/abs/g3.txt\"]\n";
  std::ofstream(dir.path / "child.toml") << "extends = \"base/base.toml\"\n";
  const auto from_base = models::scenario::load_scenario(dir.path / "child.toml", models::settings_registry());
  const SweepPlan plan = sweep_plan(from_base);
  REQUIRE(plan.points.size() == 3);
  CHECK(plan.points[0].values[0].second == (dir.path / "base/g1.txt").generic_string());
  CHECK(plan.points[1].values[0].second == (dir.path / "g2.txt").generic_string());
  CHECK(plan.points[2].values[0].second == "/abs/g3.txt");
  CHECK(point_scenario(from_base, plan.points[1]).text("population.contact_graph_file") ==
        (dir.path / "g2.txt").generic_string());
  // A quoted dotted key in the top file; the working directory plays no part.
  const fs::path cwd = fs::current_path();
  fs::current_path(fs::temp_directory_path());
  const SweepPlan top =
      sweep_plan(scenario(dir, "[sweep]\n\"population.contact_graph_file\" = [\"sub/../g.txt\"]\n"));
  fs::current_path(cwd);
  REQUIRE(top.points.size() == 1);
  CHECK(top.points[0].values[0].second == (dir.path / "g.txt").generic_string());
}

TEST_CASE("[sweep] errors name the file, line, key and what is allowed") {
  SECTION("unknown setting, with the nearest") {
    const ScenarioError e = sweep_error("[sweep]\npopulation.member = [1, 2]\n");
    CHECK(e.line() == 3);
    CHECK(e.key() == "sweep.population.member");
    CHECK_THAT(e.message(), Contains("did you mean 'population.members'"));
    CHECK_THAT(std::string(e.what()), Contains("s.toml:3"));
  }
  SECTION("unknown table") {
    CHECK_THAT(sweep_error("[sweep.more]\nx = [1]\n").message(), Contains("unknown"));
  }
  SECTION("a value the setting refuses, at its line") {
    const ScenarioError e = sweep_error("[sweep]\nbehaviour.remove_me = [0.5,\n  1.5]\n");
    CHECK(e.line() == 4);
    CHECK_THAT(e.message(), Contains("1"));
  }
  SECTION("a choice that does not exist lists the choices") {
    CHECK_THAT(sweep_error("[sweep]\nlist.posting_policy = [\"opne\"]\n").message(), Contains("open"));
  }
  SECTION("a single value instead of a list") {
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = 100\n").message(),
               Contains("expected a list of values"));
  }
  SECTION("a duplicate value") {
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = [100, 100]\n").message(), Contains("twice"));
  }
  SECTION("a range on text, a bad range, an unknown range key") {
    CHECK_THAT(sweep_error("[sweep]\nlist.posting_policy = { from = 1, to = 2, step = 1 }\n").message(),
               Contains("numeric"));
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = { from = 5, to = 1, step = 1 }\n").message(),
               Contains("step > 0"));
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = { from = 1, to = 5, by = 1 }\n").message(),
               Contains("'by'"));
  }
  SECTION("constraints: unknown setting, text against number, rejecting everything") {
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = [100]\nconstraint = \"population.membres > 1\"\n").message(),
               Contains("unknown setting 'population.membres'"));
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = [100]\nconstraint = \"list.posting_policy > 1\"\n").message(),
               Contains("text"));
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = [100]\nconstraint = \"population.members > 100\"\n").message(),
               Contains("rejects every point"));
    CHECK_THAT(sweep_error("[sweep]\npopulation.members = [100]\nconstraint = \"(population.members > 100\"\n").message(),
               Contains("expected ')'"));
    for (const std::string& deep : {std::string(100000, '('), std::string(100000, '-').append("1 > 0")}) {
      std::string body("[sweep]\npopulation.members = [100]\nconstraint = \"");
      body.append(deep).append("\"\n");
      CHECK_THAT(sweep_error(body).message(), Contains("nested more than 100"));
    }
  }
  SECTION("replications") {
    CHECK_THAT(sweep_error("[sweep]\nreplications = 0\n").message(), Contains("replications"));
  }
}

TEST_CASE("[expect] grammar and errors") {
  TempDir dir;
  const ExpectTable t = expect_table(scenario(dir,
                                              "[expect]\n"
                                              "replications = 50\n"
                                              "sender_inbox_peak_per_hour.p95 = \"< 500\"\n"
                                              "messages_total.mean = \"<= 1e5\"\n"
                                              "forwards.probability_above = { threshold = 10, bound = \"< 0.05\" }\n"));
  CHECK(t.replications == 50u);
  REQUIRE(t.expectations.size() == 3);
  const Expectation& f = t.expectations[2];  // in file order
  CHECK(f.outcome == "forwards");
  CHECK(f.threshold == 10);
  CHECK(f.op == "<");
  CHECK(f.bound == 0.05);
  CHECK(t.expectations[1].statistic == "mean");
  CHECK(t.expectations[1].bound == 1e5);
  CHECK(t.expectations[0].quantile == 0.95);
  CHECK(t.expectations[0].origin.line == 4);

  CHECK_THAT(expect_error("[expect]\nmesages_total.mean = \"< 1\"\n").message(),
             Contains("did you mean 'messages_total'"));
  CHECK(expect_error("[expect]\nmesages_total.mean = \"< 1\"\n").line() == 3);
  CHECK_THAT(expect_error("[expect]\nforwards.average = \"< 1\"\n").message(), Contains("p1..p99"));
  CHECK_THAT(expect_error("[expect]\nforwards.p100 = \"< 1\"\n").message(), Contains("unknown statistic"));
  CHECK_THAT(expect_error("[expect]\nforwards.mean = \"about 5\"\n").message(), Contains("expected a bound"));
  CHECK_THAT(expect_error("[expect]\nforwards.mean = 5\n").message(), Contains("as a string"));
  CHECK_THAT(expect_error("[expect]\nforwards.probability_above = \"< 0.1\"\n").message(),
             Contains("threshold"));
}

TEST_CASE("judge: bounds, intervals and whether they are conclusive") {
  Expectation e;
  e.statistic = "mean";
  e.op = "<";
  e.bound = 10;
  std::vector<double> xs = {1, 2, 3, 4, 5};
  Verdict v = judge(e, xs);
  CHECK(v.holds);
  CHECK(v.conclusive);  // mean 3, interval [1.04, 4.96]
  e.bound = 4;
  v = judge(e, xs);
  CHECK(v.holds);
  CHECK_FALSE(v.conclusive);
  e.statistic = "max";
  v = judge(e, xs);
  CHECK_FALSE(v.holds);
  CHECK(v.conclusive);
}

TEST_CASE("quantile intervals cover the true quantile at least 95 % of the time (slow-ish)") {
  // Exponential(1): the 0.9 quantile is ln 10. 2000 samples of 60; the order-statistic interval
  // has coverage >= 95 % by construction; with 2000 trials the observed share has a standard
  // error of 0.5 %, so 93 % is four of them below (a false failure has probability < 1e-4).
  std::mt19937_64 rng(12345);
  std::exponential_distribution<double> dist(1.0);
  const double truth = std::log(10.0);
  int covered = 0, finite = 0;
  for (int t = 0; t < 2000; ++t) {
    std::vector<double> xs(60);
    for (double& x : xs) x = dist(rng);
    const Estimate e = quantile_estimate(xs, 0.9);
    if (e.low <= truth && truth <= e.high) ++covered;
    if (std::isfinite(e.high)) ++finite;
  }
  CHECK(covered >= 1860);
  CHECK(finite == 2000);  // with n = 60 the sample bounds the 0.9 quantile from above
  // Too few values to bound p95 from above: n = 20 gives an unbounded interval.
  const Estimate small = quantile_estimate(std::vector<double>(20, 1.0), 0.95);
  CHECK(std::isinf(small.high));
}

TEST_CASE("Wilson intervals cover the true probability at least 93 % of the time") {
  std::mt19937_64 rng(777);
  std::bernoulli_distribution coin(0.1);
  int covered = 0;
  for (int t = 0; t < 2000; ++t) {
    std::vector<double> xs(100);
    for (double& x : xs) x = coin(rng) ? 1.0 : 0.0;
    const Estimate e = probability_estimate(xs, 0.5, true);
    if (e.low <= 0.1 && 0.1 <= e.high) ++covered;
  }
  CHECK(covered >= 1860);
}

TEST_CASE("paired comparison: differences, their interval and percent change") {
  // Variant = base + 5 exactly: the difference is 5 with a zero-width interval.
  std::vector<std::vector<std::vector<double>>> v(2);
  for (double b : {10.0, 20.0, 30.0, 40.0}) {
    v[0].push_back({b});
    v[1].push_back({b + 5});
  }
  const auto rows = compare_rows({"base", "variant"}, {"x"}, v);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].diff_mean == 5);
  CHECK(rows[0].diff_low == 5);
  CHECK(rows[0].diff_high == 5);
  CHECK(rows[0].percent_change == Approx(20.0));
  CHECK(rows[0].n == 4);
  CHECK_THAT(compare_csv(rows), Contains("variant,x,25,30,5,5,5,20,4"));
}

TEST_CASE("json reader reads the summaries' numbers back exactly, with their text") {
  const JsonValue v = parse_json(R"({"a": [1, 2.5e3, -0.1, 18446744073709551615], "b": {"c": "x\u00e9\n"}, "d": null})",
                                 "t.json");
  CHECK(v.at("a").items()[2].as_number() == -0.1);
  CHECK(v.at("a").items()[1].number_text() == "2.5e3");
  CHECK(v.at("a").items()[3].number_text() == "18446744073709551615");  // beyond a double's integers
  CHECK(v.at("b").at("c").as_string() == "x\xc3\xa9\n");
  CHECK_THROWS_AS(v.at("b").number_text(), JsonError);
  CHECK_THROWS_AS(parse_json("{\"a\": }", "t.json"), JsonError);
  const double tricky = 0.1 + 0.2;
  CHECK(parse_json(models::json_number(tricky), "t.json").as_number() == tricky);
  CHECK(outcome_names().size() > 20);
  CHECK(outcome_names().front() == "messages_total");
}

TEST_CASE("json_number writes whole numbers as to_chars does, and every other number too") {
  // Whole numbers below 10,000 in magnitude take a shortcut: the text must be to_chars's.
  const auto shortest = [](double x) {
    char buf[64];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
  };
  for (int i = -10001; i <= 10001; ++i) REQUIRE(models::json_number(i) == shortest(i));
  for (const double x : {-0.0, 0.5, -0.5, 9999.5, 1e4, 1e5, 12345.0, 1e15, 1e22, 3.0000000000000004, -1e-300,
                         0.1 + 0.2, 5e-324, 1.7976931348623157e308})
    CHECK(models::json_number(x) == shortest(x));
  CHECK(models::json_number(-0.0) == "-0");
  CHECK(models::json_number(100000.0) == "1e+05");
  CHECK(models::json_number(std::nan("")) == "null");
}

TEST_CASE("run sets: same values whatever the thread count; resumption redoes only what is missing") {
  TempDir dir;
  const auto base = scenario(dir, "[sweep]\npopulation.members = [150, 250]\n");
  const SweepPlan plan = sweep_plan(base);
  std::vector<RunPoint> points;
  for (const SweepPoint& p : plan.points) points.push_back({p.name, point_scenario(base, p)});
  RunSetOptions o;
  o.replications = 3;
  o.jobs = 1;
  const RunSetResult one = run_set(points, o);
  o.jobs = 2;
  o.out = dir.path / "out";
  const RunSetResult two = run_set(points, o);
  CHECK(one.values == two.values);
  CHECK(two.ran == 6);
  // Different replications differ (independent streams), as do the points.
  CHECK(one.values[0][0] != one.values[0][1]);
  CHECK(one.values[0][0] != one.values[1][0]);

  // A killed run: its summary gone, a temporary left behind.
  const fs::path victim = run_folder(*o.out, points[1].name, 2);
  fs::remove(victim / "summary.json");
  std::ofstream(victim / ".tmp-abc123-summary.json") << "{\"trunc";
  std::ofstream(run_folder(*o.out, points[0].name, 1) / "summary.json") << "{\"format\": \"mailstorm-sum";
  const RunSetResult again = run_set(points, o);
  CHECK(again.ran == 2);
  CHECK(again.resumed == 4);
  CHECK(again.values == one.values);
  CHECK_FALSE(fs::exists(victim / ".tmp-abc123-summary.json"));

  // Shards: each does its share; together they are the whole.
  RunSetOptions s = o;
  s.out = dir.path / "shards";
  s.parts = 2;
  s.part = 0;
  const RunSetResult first = run_set(points, s);
  CHECK(first.ran == 3);
  CHECK(first.missing == 3);
  s.part = 1;
  const RunSetResult second = run_set(points, s);
  CHECK(second.ran == 3);
  CHECK(second.missing == 0);  // the first shard's runs are in the same folder
  CHECK(second.values == one.values);
}
