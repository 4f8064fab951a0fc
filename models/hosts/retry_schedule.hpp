// Postfix-like deferred-mail retry schedule and queue lifetime (real-world-knobs.md, Postfix).
//
// A deferred message is retried after a delay equal to its age, clamped to
// [minimal_backoff_time, maximal_backoff_time] (Postfix: 300 s and 4000 s: 5, 10, 20, 40 min,
// then every ~67 min); once its age reaches maximal_queue_lifetime (5 d) it is returned to the
// envelope sender as undeliverable. An optional delay warning (sendmail Timeout.queuewarn 4 h,
// Postfix delay_warning_time, off by default) goes to the envelope sender once.
#pragma once

#include "sim/time.hpp"

namespace mailstorm::models {

struct RetrySchedule {
  sim::Duration minimal_backoff = sim::seconds(300);
  sim::Duration maximal_backoff = sim::seconds(4000);
  sim::Duration queue_lifetime = sim::days(5);
  sim::Duration delay_warning_after = sim::Duration{0};  // 0 = never warn

  // Next attempt time for a message first queued at `first_attempt` and deferred at `now`;
  // returns Time::never() if the message must be returned instead (its lifetime has passed
  // or would pass before the next attempt -- Postfix bounces at the first scan past the lifetime).
  sim::Time next_attempt(sim::Time first_attempt, sim::Time now) const;
  // True once the message has been queued for the whole lifetime.
  bool expired(sim::Time first_attempt, sim::Time now) const { return now - first_attempt >= queue_lifetime; }
  // When the one "still queued" warning to the envelope sender is due (never() when off). The
  // caller sends it only if the message is still queued then.
  sim::Time delay_warning_at(sim::Time first_attempt) const;
};

}  // namespace mailstorm::models
