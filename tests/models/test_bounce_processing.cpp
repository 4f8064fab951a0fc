// Mailman bounce processing: one point per bouncing day, stale reset, disable at 5.0.
#include <catch2/catch.hpp>

#include "models/list/bounce_processing.hpp"

using namespace mailstorm;
using models::BounceProcessingPolicy;
using models::BounceProcessor;
using Effect = BounceProcessor::Effect;

namespace {
sim::Time at(std::int64_t day, std::int64_t hour = 12) { return sim::Time::zero() + sim::days(day) + sim::hours(hour); }
}  // namespace

TEST_CASE("a member bouncing daily reaches 5.0 on the 5th day and is disabled", "[bounce]") {
  BounceProcessor bp(BounceProcessingPolicy{}, 3);
  for (int d = 0; d < 4; ++d) {
    CHECK(bp.on_bounce(1, at(d)) == Effect::scored);
    CHECK(bp.score(1) == Approx(d + 1.0));
    CHECK(bp.delivery_enabled(1));
  }
  CHECK(bp.on_bounce(1, at(4)) == Effect::disabled);
  CHECK(bp.score(1) == Approx(5.0));
  CHECK_FALSE(bp.delivery_enabled(1));
  CHECK(bp.members_disabled() == 1);
  // Residual bounces for a disabled member change nothing.
  CHECK(bp.on_bounce(1, at(5)) == Effect::none);
  CHECK(bp.members_disabled() == 1);
  // Three warnings a week apart, then removal.
  CHECK(bp.removal_due(1) == at(4) + sim::days(21));
  CHECK(bp.removal_due(0) == sim::Time::never());
  CHECK(bp.delivery_enabled(0));
  CHECK(bp.delivery_enabled(2));
}

TEST_CASE("two bounces on the same day count once", "[bounce]") {
  BounceProcessor bp(BounceProcessingPolicy{}, 1);
  CHECK(bp.on_bounce(0, at(2, 1)) == Effect::scored);
  CHECK(bp.on_bounce(0, at(2, 23)) == Effect::none);
  CHECK(bp.score(0) == Approx(1.0));
  // 01:00 the next day is another day even though less than 24 h passed.
  CHECK(bp.on_bounce(0, at(3, 0)) == Effect::scored);
  CHECK(bp.score(0) == Approx(2.0));
  // A storm: a hundred bounces in one day are one point.
  for (int i = 0; i < 100; ++i) bp.on_bounce(0, at(4, 0) + sim::minutes(i));
  CHECK(bp.score(0) == Approx(3.0));
}

TEST_CASE("a 10-day gap resets the score; a 7-day gap does not", "[bounce]") {
  BounceProcessor bp(BounceProcessingPolicy{}, 2);
  for (int d = 0; d < 3; ++d) bp.on_bounce(0, at(d));
  REQUIRE(bp.score(0) == Approx(3.0));
  CHECK(bp.on_bounce(0, at(12)) == Effect::scored);
  CHECK(bp.score(0) == Approx(1.0));
  // Mailman: stale when last date + 7 days < today; exactly 7 days later still counts.
  for (int d = 0; d < 3; ++d) bp.on_bounce(1, at(d));
  CHECK(bp.on_bounce(1, at(9)) == Effect::scored);
  CHECK(bp.score(1) == Approx(4.0));
  CHECK(bp.on_bounce(1, at(17)) == Effect::scored);
  CHECK(bp.score(1) == Approx(1.0));
}

TEST_CASE("days follow the list host's local midnight when a calendar is given", "[bounce]") {
  // The storm starts at 13:17 local time; 23:00 and 01:00 local are different days.
  BounceProcessor bp(BounceProcessingPolicy{}, 1);
  bp.use_calendar_days(sim::Calendar::parse("2000-06-24T13:17:00+09:00"));
  const sim::Time t23 = sim::Time::zero() + sim::hours(9) + sim::minutes(43);   // 23:00 Saturday
  const sim::Time t01 = sim::Time::zero() + sim::hours(11) + sim::minutes(43);  // 01:00 Sunday
  CHECK(bp.on_bounce(0, t23) == Effect::scored);
  CHECK(bp.on_bounce(0, t01) == Effect::scored);
  CHECK(bp.score(0) == Approx(2.0));
}

TEST_CASE("policy knobs: off, weights, threshold", "[bounce]") {
  BounceProcessingPolicy off;
  off.enabled = false;
  BounceProcessor none(off, 1);
  for (int d = 0; d < 10; ++d) CHECK(none.on_bounce(0, at(d)) == Effect::none);
  CHECK(none.delivery_enabled(0));

  BounceProcessingPolicy quick;
  quick.score_per_bounce = 2.5;
  BounceProcessor bp(quick, 1);
  CHECK(bp.on_bounce(0, at(0)) == Effect::scored);
  CHECK(bp.on_bounce(0, at(1)) == Effect::disabled);
}
