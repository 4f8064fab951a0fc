// The Postfix deferred-queue schedule: exact retry times and the bounce at the queue lifetime.
#include <catch2/catch.hpp>

#include <vector>

#include "models/hosts/retry_schedule.hpp"

using namespace mailstorm;
using models::RetrySchedule;

namespace {
// Every attempt of a message first tried at `first`, when every attempt is deferred; the last
// element is the attempt whose deferral returned never() (the bounce time).
std::vector<std::int64_t> attempts_s(const RetrySchedule& r, sim::Time first) {
  std::vector<std::int64_t> out;
  sim::Time t = first;
  while (t != sim::Time::never()) {
    out.push_back((t - first).us / 1'000'000);
    t = r.next_attempt(first, t);
  }
  return out;
}
}  // namespace

TEST_CASE("Postfix defaults retry after 5, 10, 20, 40 min, then every 4000 s", "[retry]") {
  const RetrySchedule postfix;  // minimal_backoff_time 300 s, maximal_backoff_time 4000 s, 5 d
  const auto a = attempts_s(postfix, sim::Time::zero());
  REQUIRE(a.size() == 112);
  const std::vector<std::int64_t> head{0, 300, 600, 1200, 2400, 4800, 8800, 12800, 16800};
  CHECK(std::vector<std::int64_t>(a.begin(), a.begin() + 9) == head);
  for (std::size_t i = 6; i < a.size(); ++i) CHECK(a[i] - a[i - 1] == 4000);
  // The last retry before the lifetime still happens; the next would be at 432800 s >= 432000 s.
  CHECK(a.back() == 428800);
  CHECK(a.back() < 5 * 86400);
  CHECK(postfix.next_attempt(sim::Time::zero(), sim::Time{428800LL * 1'000'000}) == sim::Time::never());
  CHECK(postfix.next_attempt(sim::Time::zero(), sim::Time{424800LL * 1'000'000}) ==
        sim::Time{428800LL * 1'000'000});
}

TEST_CASE("the schedule depends only on the message's age", "[retry]") {
  const RetrySchedule postfix;
  const sim::Time first{7'777'777};
  const auto a = attempts_s(postfix, first);
  CHECK(a == attempts_s(postfix, sim::Time::zero()));
  // A deferral at an arbitrary moment: age 1000 s -> retry 1000 s later; age 2 h -> 4000 s later.
  CHECK(postfix.next_attempt(first, first + sim::seconds(1000)) == first + sim::seconds(2000));
  CHECK(postfix.next_attempt(first, first + sim::hours(2)) == first + sim::hours(2) + sim::seconds(4000));
  CHECK(postfix.next_attempt(first, first + sim::seconds(10)) == first + sim::seconds(310));
}

TEST_CASE("expiry and the lifetime edge", "[retry]") {
  const RetrySchedule postfix;
  CHECK_FALSE(postfix.expired(sim::Time::zero(), sim::Time::zero() + sim::days(5) - sim::microseconds(1)));
  CHECK(postfix.expired(sim::Time::zero(), sim::Time::zero() + sim::days(5)));
  CHECK(postfix.next_attempt(sim::Time::zero(), sim::Time::zero() + sim::days(5)) == sim::Time::never());
  // A retry landing exactly on the lifetime is not made: the message bounces instead.
  RetrySchedule short_life;
  short_life.queue_lifetime = sim::seconds(600);
  CHECK(short_life.next_attempt(sim::Time::zero(), sim::Time::zero() + sim::seconds(300)) == sim::Time::never());
  CHECK(short_life.next_attempt(sim::Time::zero(), sim::Time::zero()) == sim::Time::zero() + sim::seconds(300));
}

TEST_CASE("delay warning once, off by default", "[retry]") {
  RetrySchedule r;
  CHECK(r.delay_warning_at(sim::Time::zero()) == sim::Time::never());
  r.delay_warning_after = sim::hours(4);  // sendmail Timeout.queuewarn
  CHECK(r.delay_warning_at(sim::Time{5}) == sim::Time{5} + sim::hours(4));
}
