// Postfix's deferred-queue backoff: the next retry waits as long as the message is old, clamped.
#include "models/hosts/retry_schedule.hpp"

#include <algorithm>

namespace mailstorm::models {

// Schedule for a message first tried at 0 with the Postfix defaults (300 s, 4000 s, 5 d), when
// every attempt is deferred: attempts at 0, 300, 600, 1200, 2400, 4800 s, then every 4000 s
// (8800, 12800, ...) up to 428800 s (4 d 23 h 6 min 40 s), 112 attempts in all. The next one
// would fall at 432800 s, past the 432000 s lifetime, so the deferral of the 428800 s attempt
// returns never(). The storm (models/world/storm.cpp, defer) then schedules one last check at
// exactly the lifetime, 432000 s, and returns the message there. Real Postfix would make one more
// attempt at 432800 s and bounce when it fails; returning at the lifetime keeps the message's stay
// in the queue within what the operator configured (docs/model.md).
sim::Time RetrySchedule::next_attempt(sim::Time first_attempt, sim::Time now) const {
  const sim::Duration age = std::max(now - first_attempt, sim::Duration{0});
  const sim::Duration delay = std::clamp(age, minimal_backoff, std::max(minimal_backoff, maximal_backoff));
  const sim::Time next = now + delay;
  if (next - first_attempt >= queue_lifetime) return sim::Time::never();
  return next;
}

sim::Time RetrySchedule::delay_warning_at(sim::Time first_attempt) const {
  if (delay_warning_after <= sim::Duration{0}) return sim::Time::never();
  return first_attempt + delay_warning_after;
}

}  // namespace mailstorm::models
