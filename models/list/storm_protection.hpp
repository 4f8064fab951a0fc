// Exchange Online reply-all storm protection (Set-TransportConfig ReplyAllStorm*): once a
// conversation sent to at least `minimum_recipients` has drawn `minimum_replies` reply-alls within
// a sliding 60-minute window, further reply-alls are blocked for `block_duration`; the block
// takes `propagation_lag` to take effect, so a few replies still pass after detection.
#pragma once

#include <cstdint>
#include <deque>

#include "sim/time.hpp"

namespace mailstorm::models {

struct StormProtectionPolicy {
  bool enabled = false;  // ReplyAllStormProtectionEnabled (Exchange Online default true; lists off)
  std::int64_t minimum_recipients = 2500;  // ReplyAllStormDetectionMinimumRecipients
  std::int64_t minimum_replies = 10;       // ReplyAllStormDetectionMinimumReplies
  sim::Duration window = sim::minutes(60);
  sim::Duration block_duration = sim::hours(6);  // ReplyAllStormBlockDurationHours
  sim::Duration propagation_lag = sim::minutes(5);
};

class StormProtection {
 public:
  explicit StormProtection(StormProtectionPolicy policy) : policy_(policy) {}

  // A reply to the conversation reaches the transport at `now`, addressed to `recipients`
  // people. Returns true if it must be blocked (the sender gets an NDR).
  bool on_reply(sim::Time now, std::int64_t recipients);
  bool blocking(sim::Time now) const { return now >= block_from_ && now < block_until_; }
  std::uint64_t detections() const { return detections_; }
  std::uint64_t blocked() const { return blocked_; }

 private:
  StormProtectionPolicy policy_;
  std::deque<sim::Time> recent_;  // reply times within the window
  sim::Time block_from_ = sim::Time::never();
  sim::Time block_until_ = sim::Time::never();
  std::uint64_t detections_ = 0, blocked_ = 0;
};

}  // namespace mailstorm::models
