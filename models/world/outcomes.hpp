// What one run produces: outcomes, the conservation ledger, per-host figures, time series and
// (on request) the cascade tree. Output writers (models/output/) turn this into files.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/mail/message.hpp"
#include "sim/calendar.hpp"
#include "sim/time.hpp"

namespace mailstorm::models {

// Conservation (MODEL.md section 5): every envelope created is, at the horizon, exactly one of
// delivered, bounced, dropped by a named rule, held, or queued at a named host.
struct Ledger {
  std::uint64_t created = 0, delivered = 0, bounced = 0, dropped = 0, held = 0, queued = 0;
  std::map<std::string, std::uint64_t> dropped_by_rule;
  std::map<std::string, std::uint64_t> bounced_by_cause;
  std::map<std::string, std::uint64_t> held_by_rule;
  std::map<std::string, std::uint64_t> queued_by_host;
  bool balanced() const;
  // A readable account of every figure (for the error raised when the books do not balance).
  std::string describe() const;
};

struct HostFigures {
  std::string name;
  std::uint64_t accepted = 0;        // envelopes taken into the inbound queue
  std::uint64_t refused = 0;         // attempts answered 4xx (down, spool full, rate limit)
  std::uint64_t deferred = 0;        // envelopes this host put in its deferred queue (as sender)
  std::uint64_t retries = 0;         // retry attempts it made
  std::uint64_t peak_queue = 0;      // inbound queue + in service, at its highest
  double peak_inbound_per_hour = 0;  // accepted envelopes in the busiest clock hour
  double mean_queue = 0;             // time-weighted over the run
  double down_hours = 0;             // time spent shut down
};

struct Outcomes {
  std::uint64_t messages_total = 0;  // envelopes created (one per recipient address)
  std::array<std::uint64_t, kMessageKinds> messages_by_kind{};
  std::uint64_t list_posts_attempted = 0, list_posts_accepted = 0, list_posts_held = 0;
  std::uint64_t list_posts_rejected = 0, list_posts_discarded = 0;
  std::uint64_t list_copies_delivered = 0;
  std::uint64_t replies_to_sender = 0;  // private replies addressed to the original sender
  std::uint64_t replies_to_list = 0;    // list replies + remove-me + stop posts sent to the list
  std::uint64_t forwards = 0;           // chain-forward envelopes
  std::uint64_t outsiders_reached = 0;  // distinct outsiders who received a chain forward
  std::uint64_t bounces_total = 0;
  std::uint64_t bounces_to_poster = 0;  // DSNs addressed to the original sender (backscatter)
  std::uint64_t bounces_to_owner = 0;
  std::uint64_t autoreplies = 0;
  std::uint64_t autoreplies_suppressed = 0;  // RFC 3834 suppression: loops broken
  std::uint64_t list_loops_discarded = 0;    // posts the loop detection discarded
  std::uint64_t sender_inbox_peak_per_hour = 0;
  sim::Time sender_inbox_peak_at = sim::Time::never();
  sim::Time uproar_peak_at = sim::Time::never();  // start of the hour with most forwards+complaints
  std::uint64_t sender_inbox_total = 0;
  std::uint64_t complaints = 0;
  std::uint64_t police_reports = 0;
  double time_to_peak_s = 0;        // start to the sender's inbox peak hour
  double time_to_quiet_s = 0;       // start to the end of the last hour above the quiet threshold
  std::uint64_t cascade_depth_max = 0;
  std::uint64_t cascade_messages = 0;  // authored messages (cascade tree nodes)
  std::uint64_t bytes_total = 0;
  std::uint64_t members_disabled_by_bounces = 0;
  std::uint64_t clarifications_read = 0;
  std::uint64_t storm_protection_blocks = 0;
  sim::Time sender_host_down_at = sim::Time::never();
  sim::Time operator_acted_at = sim::Time::never();
};

// Per-bin series: one row per bin, columns named in `columns`.
struct TimeSeries {
  sim::Duration bin{};
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

struct CascadeRow {
  MessageId id, parent;
  MessageKind kind;
  ActorId author;
  std::uint32_t generation;
  sim::Time created, first_delivered;
};

struct RunResult {
  Outcomes outcomes;
  Ledger ledger;
  std::vector<HostFigures> hosts;
  TimeSeries timeseries;
  std::vector<CascadeRow> cascade;  // empty unless requested
  std::uint64_t events_handled = 0;
  std::uint64_t members = 0, outsiders_created = 0;
  // Contact graph: number of vertices whose contacts were realised, by degree (index = degree).
  std::vector<std::uint64_t> contact_degree_counts;
  double wall_s = 0;
  sim::Time horizon{};
  sim::Calendar calendar;
};

}  // namespace mailstorm::models
