// Mailman-style bounce processing on the list (real-world-knobs.md, Mailman process_bounces):
// each bounce adds `score_per_bounce` to the member's score, at most once per day; a score is
// reset when the previous bounce is older than `stale_after`; a member whose score reaches
// `threshold` has delivery disabled; disabled members get `warnings` notices, one every
// `warning_interval`, then are removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/calendar.hpp"
#include "sim/large_pages.hpp"
#include "sim/time.hpp"

namespace mailstorm::models {

struct BounceProcessingPolicy {
  bool enabled = true;              // process_bounces
  double score_per_bounce = 1.0;    // mm3 adds 1.0 per (hard) bounce
  double threshold = 5.0;           // bounce_score_threshold
  sim::Duration stale_after = sim::days(7);  // bounce_info_stale_after
  int warnings = 3;                 // bounce_you_are_disabled_warnings
  sim::Duration warning_interval = sim::days(7);  // bounce_you_are_disabled_warnings_interval
};

class BounceProcessor {
 public:
  enum class Effect { none, scored, disabled };

  BounceProcessor(BounceProcessingPolicy policy, std::size_t members);

  // A bounce for `member` arrived at `now` (only permanent failures count: mm3 ignores
  // temporary-failure DSNs; the caller passes only those).
  Effect on_bounce(std::uint32_t member, sim::Time now);
  bool delivery_enabled(std::uint32_t member) const { return !disabled_[member]; }
  double score(std::uint32_t member) const { return records_[member].score; }
  std::uint64_t members_disabled() const { return disabled_count_; }
  const BounceProcessingPolicy& policy() const { return policy_; }
  // When a member disabled by bounces is removed: after `warnings` notices, one every
  // `warning_interval` from the disabling (Time::never() if the member is not disabled).
  sim::Time removal_due(std::uint32_t member) const;
  // "One increment per day" counts calendar days of the list host, as Mailman compares dates.
  // By default a day starts at the scenario start; this aligns days to local midnight of `cal`.
  void use_calendar_days(const sim::Calendar& cal);

 private:
  BounceProcessingPolicy policy_;
  // What a bounce reads and writes, together: one cache miss per bounce instead of three.
  struct Record {
    double score = 0.0;
    sim::Time last_bounce{};
    bool has_bounced = false;
  };
  sim::LargeVector<Record> records_;
  std::vector<bool> disabled_;  // a bitmap: read for every copy the list sends
  std::vector<sim::Time> disabled_at_;
  sim::Duration day_offset_{0};  // time since local midnight at the scenario start
  std::int64_t day_of(sim::Time t) const;
  std::uint64_t disabled_count_ = 0;
};

}  // namespace mailstorm::models
