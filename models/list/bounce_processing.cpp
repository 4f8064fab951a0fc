// Mailman's bounce score: one point per bouncing day, reset when stale, disable at the threshold.
#include "models/list/bounce_processing.hpp"

namespace mailstorm::models {
namespace {
constexpr std::int64_t day_us = 86'400'000'000;
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

BounceProcessor::BounceProcessor(BounceProcessingPolicy policy, std::size_t members)
    : policy_(policy),
      records_(members),
      disabled_(members, false),
      disabled_at_(members, sim::Time::never()) {}

void BounceProcessor::use_calendar_days(const sim::Calendar& cal) {
  const sim::LocalDateTime l = cal.local(sim::Time::zero());
  day_offset_ = sim::seconds(l.hour * 3600 + l.minute * 60 + l.second);
}

std::int64_t BounceProcessor::day_of(sim::Time t) const { return floor_div(t.us + day_offset_.us, day_us); }

// Mailman 3 (BounceEvent processing, mailman/model/bounce.py and mailman/app/bounces.py) and 2.1
// (Bouncer.registerBounce): a bounce on the same date as the previous one is ignored; if the
// previous one is older than bounce_info_stale_after (date + stale_after < today) the score starts
// afresh; otherwise it grows; reaching the threshold disables delivery. A bounce for a member
// already disabled is a residual bounce and changes nothing.
BounceProcessor::Effect BounceProcessor::on_bounce(std::uint32_t member, sim::Time now) {
  if (!policy_.enabled || disabled_[member]) return Effect::none;
  const std::int64_t today = day_of(now);
  Record& r = records_[member];
  if (r.has_bounced) {
    const std::int64_t last_day = day_of(r.last_bounce);
    if (last_day == today) return Effect::none;
    const sim::Time last_day_start{last_day * day_us - day_offset_.us};
    const sim::Time today_start{today * day_us - day_offset_.us};
    if (last_day_start + policy_.stale_after < today_start)
      r.score = policy_.score_per_bounce;
    else
      r.score += policy_.score_per_bounce;
  } else {
    r.score = policy_.score_per_bounce;
  }
  r.has_bounced = true;
  r.last_bounce = now;
  if (r.score >= policy_.threshold) {
    disabled_[member] = true;
    disabled_at_[member] = now;
    ++disabled_count_;
    return Effect::disabled;
  }
  return Effect::scored;
}

sim::Time BounceProcessor::removal_due(std::uint32_t member) const {
  if (!disabled_[member]) return sim::Time::never();
  return disabled_at_[member] + policy_.warning_interval * policy_.warnings;
}

}  // namespace mailstorm::models
