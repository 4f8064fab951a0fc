// The experiment commands' option parsing and progress display (the commands themselves are
// tested end to end by experiments.sh and the cli_check_* tests).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/experiment_commands.hpp"
#include "cli/progress_bar.hpp"

using namespace mailstorm::cli;
using Catch::Matchers::Contains;

namespace {
std::string usage_error(const std::vector<std::string>& words) {
  try {
    (void)parse_experiment_args(words);
  } catch (const UsageError& e) {
    return e.what();
  }
  FAIL("no usage error");
  return "";
}
}  // namespace

TEST_CASE("experiment options: values, shards and defaults") {
  const ExperimentArgs a = parse_experiment_args(
      {"sweep", "s.toml", "--replications=7", "--jobs", "3", "--shard", "2/5", "--seed", "9",
       "--set", "population.members=10", "--out", "o", "--keep-timeseries", "--mode", "reference"});
  CHECK(a.inputs == std::vector<std::string>{"s.toml"});
  CHECK(a.replications == 7u);
  CHECK(a.jobs == 3);
  CHECK(a.shard_index == 1);
  CHECK(a.shard_count == 5);
  CHECK(a.seed == 9);
  CHECK(a.overrides == std::vector<std::string>{"population.members=10"});
  CHECK(a.out == std::string("o"));
  CHECK(a.keep_timeseries);
  const ExperimentArgs d = parse_experiment_args({"check", "s.toml"});
  CHECK(d.jobs >= 1);
  CHECK_FALSE(d.replications);
  CHECK(d.shard_count == 1);
  CHECK(parse_experiment_args({"compare", "a.toml", "b.toml", "c.toml"}).inputs.size() == 3);
}

TEST_CASE("experiment options: mistakes are usage errors that say what is allowed") {
  CHECK_THAT(usage_error({"sweep", "s.toml", "--shard", "0/2"}), Contains("from 1 to 2"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--shard", "2"}), Contains("K/N"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--replications", "0"}), Contains("from 1"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--jobs", "two"}), Contains("whole number"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--mode", "quick"}), Contains("reference or fast"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--strict"}), Contains("does not apply to sweep"));
  CHECK_THAT(usage_error({"check", "s.toml", "--shard", "1/2"}), Contains("does not apply to check"));
  CHECK_THAT(usage_error({"merge", "d", "--seed", "2"}), Contains("does not apply to merge"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--frobnicate"}), Contains("unknown option"));
  CHECK_THAT(usage_error({"sweep"}), Contains("which scenario"));
  CHECK_THAT(usage_error({"sweep", "a.toml", "b.toml"}), Contains("one scenario"));
  CHECK_THAT(usage_error({"compare", "a.toml"}), Contains("at least one variant"));
  CHECK_THAT(usage_error({"merge"}), Contains("folders"));
  CHECK_THAT(usage_error({"sweep", "s.toml", "--set", "novalue"}), Contains("key=value"));
}

TEST_CASE("progress: plain lines every 5 % when not on a terminal, then a final line") {
  std::ostringstream err;
  ProgressBar bar(err, false, "sweep");
  mailstorm::models::experiment::Progress p;
  p.total = 1000;
  for (p.done = 0; p.done <= 1000; ++p.done) bar.update(p);
  p.done = 1000;
  bar.finish();
  const std::string text = err.str();
  const auto lines = std::count(text.begin(), text.end(), '\n');
  CHECK(lines >= 20);
  CHECK(lines <= 22);  // 0 %, 5 %, ..., 100 %: 21 lines (and none repeated by finish)
  CHECK_THAT(text, Contains("sweep 1000/1000 runs (100%)"));
  CHECK_THAT(text, Contains("runs/s"));
}

TEST_CASE("progress: one line redrawn in place on a terminal") {
  std::ostringstream err;
  ProgressBar bar(err, true, "sweep");
  mailstorm::models::experiment::Progress p;
  p.total = 10;
  p.done = 3;
  p.resumed = 3;
  bar.update(p);
  p.done = 10;
  bar.finish();
  const std::string text = err.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 1);
  CHECK_THAT(text, Contains("\r"));
  CHECK_THAT(text, Contains("[#########"));
  CHECK_THAT(text, Contains("3 already done"));
  CHECK(duration_text(42) == "42s");
  CHECK(duration_text(187) == "3m07s");
  CHECK(duration_text(3720) == "1h02m");
}
