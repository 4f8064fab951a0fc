// Exchange Online's reply-all storm protection for one conversation.
#include "models/list/storm_protection.hpp"

namespace mailstorm::models {

// The window is half-open, (now - window, now]: a reply exactly 60 minutes old no longer counts.
// Blocked replies never reach the conversation, so they do not count towards a new detection;
// replies that pass during the propagation lag do. After a detection the window starts afresh,
// so once the block ends a new storm needs `minimum_replies` new reply-alls within the window.
bool StormProtection::on_reply(sim::Time now, std::int64_t recipients) {
  if (!policy_.enabled || recipients < policy_.minimum_recipients) return false;
  if (blocking(now)) {
    ++blocked_;
    return true;
  }
  recent_.push_back(now);
  while (!recent_.empty() && recent_.front() <= now - policy_.window) recent_.pop_front();
  const bool detected_or_blocked = block_until_ != sim::Time::never() && now < block_until_;
  if (!detected_or_blocked && static_cast<std::int64_t>(recent_.size()) >= policy_.minimum_replies) {
    ++detections_;
    block_from_ = now + policy_.propagation_lag;
    block_until_ = block_from_ + policy_.block_duration;
    recent_.clear();
  }
  return false;
}

}  // namespace mailstorm::models
