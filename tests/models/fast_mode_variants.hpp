// Variants of the small-storm fixture that drive each path of fast mode (tests/models).
#pragma once

#include <string>
#include <vector>

namespace mailstorm::test {

inline const char* kSmallStorm = "tests/models/fixtures/small-storm.toml";

// Variants of the fixture that drive each path of fast mode.
struct Variant {
  const char* name;
  std::vector<std::string> sets;
};
inline const std::vector<Variant>& fast_mode_variants() {
  static const std::vector<Variant> v = {
      {"plain", {}},
      {"sender's host shut down and restored (parked retries)",
       {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100", "sender.restore_after=1d",
        "hosts.queue_lifetime=2d"}},
      {"host down past the queue lifetime (parked envelopes expire)",
       {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100", "sender.restore_after=5d",
        "hosts.queue_lifetime=1d"}},
      {"delay warnings (no parking while one is due)",
       {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100", "hosts.delay_warning_after=4h"}},
      {"busy domain hosts (copies wait; wake-ups)",
       {"hosts.domain_concurrency=1", "hosts.domain_capacity=2/s", "list.outbound_rate=50/s"}},
      {"rate-limited, small-spool domain hosts (refusals, retries)",
       {"hosts.domain_rate_limit=0.5/s", "hosts.domain_spool_limit=3", "list.outbound_rate=50/s"}},
      {"explanation on the web board and to the list (kept readings matter)",
       {"sender.explanation=both", "sender.explanation_after=20min", "sender.explanation_reach_per_hour=2"}},
      {"explanation to the list only (at the horizon only clarifications are flushed)",
       {"sender.explanation=list_post", "sender.explanation_after=20min"}},
      {"suspicion: the sender unreachable early",
       {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=30",
        "behaviour.suspicion_when_unreachable=0.8"}},
      {"backscatter to the owner fills a small list host (retries refused in batches)",
       {"list.envelope_sender=owner", "hosts.list_spool_limit=20", "hosts.list_capacity=0.5/s",
        "hosts.list_concurrency=2"}},
      {"bounce processing and deferred full mailboxes",
       {"bounce.processing=true", "bounce.score_threshold=1", "population.full_mailbox_share=0.1",
        "hosts.mailbox_full_rule=deferred_4_2_2"}},
      {"full mailboxes that fail hard, many auto-responders, a forwarding loop (copies served without "
       "an envelope, one event at the end)",
       {"population.full_mailbox_share=0.1", "autoresponder.share=0.2", "autoresponder.compliant_share=0.5",
        "population.forwarding_loops=1"}},
  };
  return v;
}

}  // namespace mailstorm::test
