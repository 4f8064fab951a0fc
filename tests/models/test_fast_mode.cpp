// Fast mode (MODEL.md section 6): the same books, the same determinism, far fewer events, and the
// same outcome distributions as reference mode, under every mechanism fast mode aggregates
// around (a down host's parked retries, busy domain hosts, rate limits, thinning with state:
// annoyance, explanations, suspicion).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "fast_mode_variants.hpp"
#include "models/analysis/mode_equivalence.hpp"
#include "models/output/results_writer.hpp"
#include "storm_test_support.hpp"

using namespace mailstorm;
using test::comparable_summary;
using test::load;

TEST_CASE("fast mode balances its books under every mechanism it aggregates around", "[fast]") {
  for (const test::Variant& v : test::fast_mode_variants()) {
    INFO(v.name);
    const auto s = load(test::kSmallStorm, v.sets);
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      models::RunOptions o;
      o.seed = seed;
      o.mode = models::Mode::fast;
      const auto r = models::run_storm(s, o);  // throws ConservationError if they do not balance
      CHECK(r.ledger.balanced());
      CHECK(r.outcomes.messages_total == r.ledger.created);
      CHECK(r.outcomes.messages_total > 1000);
    }
  }
}

TEST_CASE("fast mode: same seed, same result, on either queue and when run in steps", "[fast][determinism]") {
  const auto s = load(test::kSmallStorm, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100",
                                 "sender.restore_after=1d", "sender.explanation=both"});
  models::RunOptions a;
  a.seed = 5;
  a.mode = models::Mode::fast;
  models::RunOptions b = a;
  b.queue = sim::QueueKind::dary_heap;
  const auto r1 = models::run_storm(s, a);
  const auto r2 = models::run_storm(s, b);
  CHECK(comparable_summary(s, a, r1) == comparable_summary(s, b, r2));
  CHECK(models::timeseries_csv(r1) == models::timeseries_csv(r2));
  models::StormRun stepped(s, a);
  for (sim::Time t{0}; stepped.advance_to(t); t = t + sim::minutes(7)) {
  }
  const auto r3 = stepped.finish();
  CHECK(comparable_summary(s, a, r1) == comparable_summary(s, a, r3));
  models::RunOptions c = a;
  c.seed = 6;
  CHECK(comparable_summary(s, a, r1) != comparable_summary(s, c, models::run_storm(s, c)));
}

TEST_CASE("fast mode handles far fewer events than reference mode", "[fast]") {
  const auto s = load("scenarios/bestboy-2000.toml");
  models::RunOptions o;
  o.seed = 1;
  const auto reference = models::run_storm(s, o);
  o.mode = models::Mode::fast;
  const auto fast = models::run_storm(s, o);
  INFO("reference " << reference.events_handled << " events, fast " << fast.events_handled);
  CHECK(fast.events_handled * 4 < reference.events_handled);
  CHECK(fast.outcomes.messages_total > 100000);  // a storm all the same
}


TEST_CASE("the equivalence run resumes from its record and reports from it alone", "[fast][equivalence]") {
  const auto s = load(test::kSmallStorm, {});
  const std::string path = "fast_mode_equivalence_record_test.csv";
  std::remove(path.c_str());
  // 4 seeds recorded, then an interruption cuts the last line short.
  models::compare_modes(s, 4, 2, 0.01, path);
  {
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    REQUIRE(std::count(text.begin(), text.end(), '\n') == 1 + 2 * 4);
    std::ofstream out(path, std::ios::trunc);
    out << text.substr(0, text.size() - 40);  // the last seed's fast line, cut short
  }
  // Resumed to 6 seeds: seed 4 is run again, seeds 1-3 are not.
  const models::ModeEquivalence resumed = models::compare_modes(s, 6, 2, 0.01, path);
  const models::ModeEquivalence fresh = models::compare_modes(s, 6, 2, 0.01);
  const models::ModeEquivalence reported = models::compare_modes(s, 0, 1, 0.01, path, true);
  CHECK(resumed.seeds == 6);
  CHECK(reported.seeds == 6);
  REQUIRE(fresh.outcomes.size() == reported.outcomes.size());
  for (std::size_t j = 0; j < fresh.outcomes.size(); ++j) {
    INFO(fresh.outcomes[j].outcome);
    CHECK(reported.outcomes[j].outcome == fresh.outcomes[j].outcome);
    CHECK(reported.outcomes[j].mean_reference == Approx(fresh.outcomes[j].mean_reference).epsilon(1e-12));
    CHECK(reported.outcomes[j].mean_fast == Approx(fresh.outcomes[j].mean_fast).epsilon(1e-12));
    CHECK(reported.outcomes[j].d == fresh.outcomes[j].d);
    CHECK(resumed.outcomes[j].d == fresh.outcomes[j].d);
  }
  CHECK(reported.fast_events == fresh.fast_events);
  // Only the reference lines kept (fast mode changed): fast mode alone runs again, the reference
  // lines are not written twice, and the report is the same.
  {
    std::ifstream in(path);
    std::string line, kept;
    while (std::getline(in, line))
      if (line.find(",fast,") == std::string::npos) kept += line + "\n";
    std::ofstream out(path, std::ios::trunc);
    out << kept;
  }
  const models::ModeEquivalence refast = models::compare_modes(s, 6, 2, 0.01, path);
  {
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    std::size_t reference_lines = 0, fast_lines = 0;
    for (std::size_t at = 0; (at = text.find(",reference,", at)) != std::string::npos; ++at) ++reference_lines;
    for (std::size_t at = 0; (at = text.find(",fast,", at)) != std::string::npos; ++at) ++fast_lines;
    CHECK(reference_lines == 6);
    CHECK(fast_lines == 6);
  }
  CHECK(refast.reference_events == fresh.reference_events);
  CHECK(refast.fast_events == fresh.fast_events);
  for (std::size_t j = 0; j < fresh.outcomes.size(); ++j) CHECK(refast.outcomes[j].d == fresh.outcomes[j].d);
  // A file that is not a record is refused with its name and line.
  {
    std::ofstream out(path, std::ios::trunc);
    out << "name,value\n";
  }
  CHECK_THROWS_WITH(models::compare_modes(s, 0, 1, 0.01, path, true),
                    Catch::Contains(path) && Catch::Contains("line 1"));
  std::remove(path.c_str());
}

TEST_CASE("the memory estimate knows the mode: fast mode keeps no memory per list copy", "[fast][memory]") {
  const auto s = load("scenarios/mega-list-10m.toml");
  const std::uint64_t reference = models::estimate_memory_bytes(s, models::Mode::reference);
  const std::uint64_t fast = models::estimate_memory_bytes(s, models::Mode::fast);
  // Measured (docs/fast-mode.md): a fast run of mega-list-10m peaks at 2,926,044 KiB (3.0 GB; the
  // largest of three runs at commit 63a5653, with huge pages).
  // The estimate must not be below that, and must not refuse it on a 16 GB machine, as the
  // reference estimate does.
  CHECK(fast >= 2'926'044ull * 1024);
  CHECK(fast < 16'000'000'000ull);
  CHECK(reference > fast);
  CHECK_FALSE(models::refuse_if_too_large(s, 16'000'000'000ull, models::Mode::fast).has_value());
  const auto refusal = models::refuse_if_too_large(s, 4'000'000'000ull, models::Mode::fast);
  REQUIRE(refusal.has_value());
  CHECK_THAT(*refusal, Catch::Contains("fast mode") && Catch::Contains("population.members = 10000000"));
}
