// Fast mode against reference mode in distribution (MODEL.md section 6): 200 seeds per mode, a
// two-sample Kolmogorov-Smirnov test on each main outcome, family-wise level 0.01 (Bonferroni
// over the outcomes). Fixed seeds: the verdict is reproducible. Labelled slow.
#include <catch2/catch.hpp>

#include "fast_mode_variants.hpp"
#include "models/analysis/mode_equivalence.hpp"
#include "sim/stats.hpp"
#include "storm_test_support.hpp"

using namespace mailstorm;
using test::load;
using test::fast_mode_variants;

// The equivalence test: 200 seeds per mode, a two-sample Kolmogorov-Smirnov test on each of the
// main outcomes, family-wise level 0.01 (Bonferroni). Fixed seeds: the verdict is reproducible.
TEST_CASE("fast mode and reference mode agree in distribution (small storm, every path)", "[fast][statistical]") {
  for (const test::Variant& v : fast_mode_variants()) {
    const auto s = load(test::kSmallStorm, v.sets);
    const models::ModeEquivalence e = models::compare_modes(s, 200, 2, 0.01);
    INFO(v.name << "\n" << e.table());
    CHECK(e.equivalent());
    CHECK(e.fast_events < e.reference_events);
  }
}

TEST_CASE("fast mode and reference mode agree in distribution (bestboy-2000)", "[fast][statistical]") {
  const auto s = load("scenarios/bestboy-2000.toml");
  const models::ModeEquivalence e = models::compare_modes(s, 200, 2, 0.01);
  INFO(e.table());
  CHECK(e.equivalent());
}

TEST_CASE("the equivalence test has power: it tells apart a world whose reactive members react like typical ones",
          "[fast][statistical]") {
  // A thinning bound that forgot the reader's class multiplier (an easy mistake in fast mode)
  // caps reactive members at the typical rate. Shown once with the mistake made in storm.cpp:
  // bestboy-2000, 200 seeds, 22 of 39 outcomes differ (issue 7's note). Here, two reference
  // worlds, the second with the reactive multiplier at 1, through the same test and level.
  const auto base = load(test::kSmallStorm);
  const auto off = load(test::kSmallStorm, {"population.reactive_multiplier=1"});
  std::vector<double> a, b;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    models::RunOptions o;
    o.seed = seed;
    a.push_back(static_cast<double>(models::run_storm(base, o).outcomes.messages_total));
    b.push_back(static_cast<double>(models::run_storm(off, o).outcomes.messages_total));
  }
  const sim::TwoSampleKs ks = sim::ks_two_sample(a, b);
  INFO("D " << ks.d << " p " << ks.p_value);
  CHECK(ks.p_value < 0.01 / 39);
}
