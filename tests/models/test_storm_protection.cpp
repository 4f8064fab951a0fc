// Exchange Online reply-all storm protection: detection, propagation lag, block, sliding window.
#include <catch2/catch.hpp>

#include "models/list/storm_protection.hpp"

using namespace mailstorm;
using models::StormProtection;
using models::StormProtectionPolicy;

namespace {
StormProtectionPolicy exchange_online() {
  StormProtectionPolicy p;
  p.enabled = true;  // 2500 recipients, 10 replies, 60 min, 6 h block, 5 min lag
  return p;
}
const sim::Time t0 = sim::Time::zero() + sim::hours(1);
}  // namespace

TEST_CASE("the 10th reply-all within 60 minutes is detected; the lag lets a few through", "[storm]") {
  StormProtection sp(exchange_online());
  for (int i = 0; i < 9; ++i) CHECK_FALSE(sp.on_reply(t0 + sim::minutes(5 * i), 18000));
  CHECK(sp.detections() == 0);
  const sim::Time detection = t0 + sim::minutes(50);
  CHECK_FALSE(sp.on_reply(detection, 18000));  // the 10th is the one that is detected: it passed
  CHECK(sp.detections() == 1);
  // During the propagation lag replies still pass.
  CHECK_FALSE(sp.on_reply(detection + sim::minutes(1), 18000));
  CHECK_FALSE(sp.on_reply(detection + sim::minutes(5) - sim::microseconds(1), 18000));
  CHECK_FALSE(sp.blocking(detection + sim::minutes(4)));
  // From detection + lag, blocked for 6 h.
  CHECK(sp.blocking(detection + sim::minutes(5)));
  CHECK(sp.on_reply(detection + sim::minutes(5), 18000));
  CHECK(sp.on_reply(detection + sim::minutes(5) + sim::hours(6) - sim::microseconds(1), 18000));
  CHECK(sp.blocked() == 2);
  // After the block the conversation is open again.
  CHECK_FALSE(sp.blocking(detection + sim::minutes(5) + sim::hours(6)));
  CHECK_FALSE(sp.on_reply(detection + sim::minutes(5) + sim::hours(6), 18000));
  CHECK(sp.detections() == 1);
  CHECK(sp.blocked() == 2);
}

TEST_CASE("the window slides: replies spread over 2 h never trigger", "[storm]") {
  StormProtection sp(exchange_online());
  // One reply every 7 minutes: at most 9 fall within any 60 minutes.
  for (int i = 0; i < 18; ++i) CHECK_FALSE(sp.on_reply(t0 + sim::minutes(7 * i), 5000));
  CHECK(sp.detections() == 0);
  // The window is (now - 60 min, now]: ten replies with the first exactly 60 min before the last
  // are nine in the window.
  StormProtection edge(exchange_online());
  for (int i = 0; i < 10; ++i) edge.on_reply(t0 + sim::seconds(400 * i), 5000);
  CHECK(edge.detections() == 0);
  edge.on_reply(t0 + sim::seconds(3601), 5000);  // now 10 within (1 s, 3601 s]
  CHECK(edge.detections() == 1);
}

TEST_CASE("a conversation under minimum_recipients never triggers", "[storm]") {
  StormProtection sp(exchange_online());
  for (int i = 0; i < 100; ++i) CHECK_FALSE(sp.on_reply(t0 + sim::seconds(i), 2499));
  CHECK(sp.detections() == 0);
  CHECK(sp.blocked() == 0);
  // Exactly the minimum counts.
  for (int i = 0; i < 10; ++i) sp.on_reply(t0 + sim::seconds(200 + i), 2500);
  CHECK(sp.detections() == 1);
}

TEST_CASE("disabled protection never blocks; a second storm after the block is detected again", "[storm]") {
  StormProtection off(StormProtectionPolicy{});
  for (int i = 0; i < 50; ++i) CHECK_FALSE(off.on_reply(t0 + sim::seconds(i), 100000));
  CHECK(off.detections() == 0);

  StormProtection sp(exchange_online());
  for (int i = 0; i < 10; ++i) sp.on_reply(t0 + sim::seconds(i), 3000);
  REQUIRE(sp.detections() == 1);
  const sim::Time after = t0 + sim::seconds(9) + sim::minutes(5) + sim::hours(6);
  for (int i = 0; i < 9; ++i) CHECK_FALSE(sp.on_reply(after + sim::seconds(i), 3000));
  CHECK(sp.detections() == 1);
  CHECK_FALSE(sp.on_reply(after + sim::seconds(9), 3000));
  CHECK(sp.detections() == 2);
}
