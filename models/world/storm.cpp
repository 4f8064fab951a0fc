// The storm: every actor, host and policy of the mail world wired onto one engine, in reference
// mode (every copy, every delivery attempt and every reading is its own event).
//
// Flow of a message: an author writes it (Message) and sends one envelope per recipient address
// from their own host; the envelope is offered to the recipient's host, which accepts it into
// its queue or refuses (down, spool full, rate limit: the sending host defers and retries on the
// Postfix schedule until the queue lifetime, then bounces); a served envelope is delivered, or
// fails (dead address, full mailbox) and the sending host returns a DSN to the envelope sender
// (never for a message that itself had a null sender). The list address is a recipient like any
// other: its "delivery" is the list manager's posting decision, and an accepted post is sent out
// copy by copy at the list's outbound rate. People read what reaches them after a delay laid on
// their weekly activity profile and react.
#include "models/world/storm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>

#include "models/behaviour/autoresponder.hpp"
#include "models/behaviour/reading.hpp"
#include "models/list/administrivia.hpp"
#include "models/list/bounce_processing.hpp"
#include "models/list/storm_protection.hpp"
#include "models/population/contact_graph.hpp"
#include "models/world/params.hpp"
#include "sim/engine.hpp"
#include "sim/fast_exponential.hpp"
#include "sim/large_pages.hpp"
#include "sim/queue_radix_heap.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace mailstorm::models {
namespace {

using sim::Duration;
using sim::Time;

enum class EventType : std::uint8_t {
  first_mail,     // the sender sends his mail
  service_done,   // a host finished serving envelope a (host b)
  retry,          // a deferred envelope a is tried again
  list_drip,      // the list sends its next copy
  read,           // actor a reads message b
  host_restore,   // the sender brings his host back up
  explanation,    // the sender publishes his explanation
  operator_acts,  // the list operator acts
  sender_answer,  // the sender answers the private reply b
  bounce_warning, // the list warns disabled member a (notice number b)
  bin_tick,       // time-series sampling at the end of a bin
  // Fast mode only (MODEL.md section 6):
  read_candidate, // actor a reads list post b, a reading thinning kept (it may draw a reaction)
  host_wake,      // host a: a session freed by a copy served without an event; start waiting mail
  park_expiry,    // envelope a, parked while its destination is down (ticket b), expires
  retry_due,      // host a: deferred envelopes are due to retry it (see Host::retries)
  copy_served,    // member a's list copy of post b, served without an envelope, leaves its host
};

struct Event {
  EventType type;
  std::uint32_t a;
  std::uint32_t b;
};

// Hosts: fixed indices, then one per recipient domain.
constexpr std::uint32_t kSenderHost = 0;
constexpr std::uint32_t kListHost = 1;
constexpr std::uint32_t kOutsideHost = 2;
constexpr std::uint32_t kFirstDomainHost = 3;

constexpr sim::Priority kDripPriority = 128;  // the engine's default: the list's drip

enum class Address : std::uint8_t { valid, dead, full };
enum class PeopleClass : std::uint8_t { calm, typical, reactive };

struct Person {
  std::uint32_t host;
  std::uint16_t storm_received = 0;
  PeopleClass cls = PeopleClass::typical;
  Address address = Address::valid;
  AutoresponderKind responder = AutoresponderKind::none;
  bool home_reader = false;
  bool reacted = false;
  bool clarified = false;
  bool suspicious = false;
  bool reached_by_forward = false;
  bool forwards_to_list = false;
};

struct Envelope {
  MessageId msg;
  ActorId to;
  ActorId env_sender;       // kNoActor = null reverse path <>
  std::uint32_t from_host;  // the host responsible for it until delivery (retries, DSNs)
  std::uint32_t at_host;    // where it sits now (for the ledger's queued count)
  Time first_attempt;
  bool warned = false;
  bool live = false;
  // Fast mode: parked while the destination host is down (0 = not parked), and since when.
  std::uint32_t park_ticket = 0;
  Time parked_at{};
};

struct Host {
  std::string name;
  double per_server_rate = 1;  // services per second per session
  double mean_service_s = 1;   // 1 / per_server_rate (fast mode's list copies multiply by it)
  std::int64_t concurrency = 1, spool_limit = 1;
  double rate_limit = 0;       // accepted per second, 0 = off
  bool up = true;
  std::int64_t busy = 0;
  std::deque<std::uint32_t> waiting;
  double tokens = 0;
  Time tokens_at{};
  std::vector<std::uint32_t> accepted_per_hour;
  sim::TimeWeightedAverage level{sim::Time{0}, 0.0};
  HostFigures figures;
  Time down_since = Time::never();
  double down_s = 0;
  std::uint64_t in_custody = 0;  // envelopes sitting here (queued inbound, deferred outbound)
  std::int64_t level_recorded = 0;  // busy + waiting as set_level last saw it
  // Fast mode: list copies in service here without events of their own (their departure times,
  // in microseconds), their total time in this host (for the mean queue), those still in
  // service at the horizon, a pending wake-up for waiting mail, and envelopes parked while this
  // host is down (envelope, ticket).
  // (Unsorted: the ones gone by the time asked about are removed when a count must be exact,
  // see settle_virtual; virtual_min is the earliest of them.)
  mutable std::vector<std::int64_t> virtual_departures;
  mutable std::int64_t virtual_min = INT64_MAX;
  double virtual_sojourn_s = 0;
  std::uint64_t virtual_queued = 0;
  bool wake_pending = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parked;
  // Fast mode: deferred envelopes whose next retry of this host is a plain one (no expiry, no
  // delay warning due then), in (retry time, sequence) order. Most are pushed in time order
  // within their backoff step (refused in a batch, they come back with the same backoff): they
  // go to a few FIFO lanes, each in time order, with what a refusal needs; the others to a radix
  // heap keyed the same way, the envelope as `slot` (whose look-up is a cache miss).
  // Then the one pending retry_due event for them (at retry_due_at), whether they are being
  // processed, and the completion times of the envelopes in service here (a min-heap).
  struct QueuedRetry {
    std::int64_t at_us;
    std::uint64_t sequence;
    std::int64_t first_attempt_us;
    std::uint32_t envelope, from_host;
  };
  std::vector<std::deque<QueuedRetry>> retry_lanes;  // at most kRetryLanes
  std::unique_ptr<sim::RadixHeap> retries;
  Time retry_due_at = Time::never();
  sim::EventId retry_due_event{};
  bool retrying = false;
  std::vector<std::int64_t> completions;
};

// Time-series columns after the per-kind "created_*" ones.
enum Column : std::size_t {
  col_delivered = kMessageKinds,
  col_bounced,
  col_sender_inbox,
  col_complaints,
  col_list_posts_accepted,
  col_queue_sender_host,
  col_queue_list_host,
  col_queue_list_outbound,
  col_queue_domains,
  col_queue_outside,
  col_count
};

class Storm {
 public:
  Storm(const scenario::Scenario& scenario, const RunOptions& options)
      : p_(StormParams::from(scenario)),
        options_(options),
        engine_(options.queue),
        streams_(options.seed, options.replication),
        list_rng_(streams_.stream(1)),
        protection_(p_.storm_protection),
        bounces_(p_.bounce, static_cast<std::size_t>(p_.members)),
        home_profile_(ActivityProfile::named(p_.home_profile)),
        office_profile_(ActivityProfile::named(p_.office_profile)),
        operator_profile_(operator_hours(p_.operator_on_call)),
        operator_working_hours_(p_.operator_on_call ? 168 : 45) {
    fast_ = options.mode == Mode::fast;
    emergency_ = p_.list.emergency_moderation;
    reading_.components = {{p_.behaviour.fast_share, p_.behaviour.fast_median_h, p_.behaviour.sigma},
                           {1.0 - p_.behaviour.fast_share, p_.behaviour.slow_median_h, p_.behaviour.sigma}};
    const auto members = static_cast<std::uint32_t>(p_.members);
    if (p_.contact_graph_from_file)
      graph_ = std::make_unique<ContactGraph>(ContactGraph::from_edge_list(p_.contact_graph_file, members));
    else
      graph_ = std::make_unique<ContactGraph>(
          members, ContactGraph::GeneratedShape{p_.contacts_mean, p_.contacts_exponent, p_.contact_overlap});
    build_hosts();
    build_people();
    // Room for a message or two per member from the start: the pages are touched only as
    // messages are written (huge pages, see sim/large_pages.hpp), and growing by doubling would
    // copy every message and touch twice the memory (a storm of a million members writes about
    // 1.5 million messages, most of them bounces; zeroing pages is dear in this VM).
    messages_.reserve(2 * static_cast<std::size_t>(p_.members) + 4096);
    if (fast_) {  // outsiders: grown on demand, in the room reserved as for people_
      pending_head_.reserve(people_.capacity());
      pending_due_.reserve(people_.capacity());
      pending_head_.assign(static_cast<std::size_t>(p_.members), kNoNode);
      pending_due_.assign(static_cast<std::size_t>(p_.members), Time::never());
      // Kept readings: about two per member at a time in mega-list-1m (2.1 million).
      pending_nodes_.reserve(3 * static_cast<std::size_t>(p_.members) + 4096);
    }
    drip_step_us_ = sim::seconds_f(1.0 / p_.list.outbound_per_s).us;
    if (fast_) {  // list copies to members as broadcasts (see Broadcast)
      bcast_cursor_.assign(static_cast<std::size_t>(p_.members), 0);
    }
    const Time start_hour = hour_start(Time{0});
    hour_offset_s_ = -start_hour.us / 1'000'000;
  }

  // Schedules the first events; then advance() and finish().
  void start() {
    horizon_ = Time{0} + p_.horizon;
    engine_.schedule(Time{0} + p_.first_mail_after, Event{EventType::first_mail, 0, 0});
    engine_.schedule(Time{0} + p_.bin, Event{EventType::bin_tick, 0, 0}, 255);
    if (p_.explanation != Explanation::none)
      engine_.schedule(Time{0} + p_.first_mail_after + p_.explanation_after,
                       Event{EventType::explanation, 0, 0});
  }

  // Handles every event before t (at most the horizon). False once the horizon is reached.
  bool advance(Time t) {
    const Time until = std::min(t, horizon_);
    if (until > engine_.now()) {
      const auto wall0 = std::chrono::steady_clock::now();
      engine_.run(until, [this](const Event& e) { handle(e); });
      result_.wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    }
    return engine_.now() < horizon_;
  }

  RunResult run() {
    start();
    advance(horizon_);
    finish();
    return std::move(result_);
  }

  RunResult finish_run() {
    advance(horizon_);
    finish();
    return std::move(result_);
  }

  Time now() const { return engine_.now(); }
  Time horizon() const { return horizon_; }

  LiveSnapshot snapshot() const {
    LiveSnapshot s;
    s.now = engine_.now();
    s.horizon = horizon_;
    s.calendar = p_.calendar;
    s.so_far = out_;
    s.so_far.cascade_messages = messages_.size();
    s.so_far.cascade_depth_max = depth_max_;
    s.so_far.list_copies_delivered = list_copies_delivered_;
    s.ledger_so_far = ledger_;
    s.events_handled = engine_.events_handled();
    s.sender_host_up = hosts_[kSenderHost].up;
    s.emergency_moderation = emergency_;
    s.list_closed = list_closed_;
    s.explanation_published = explanation_at_ != Time::never();
    s.queue_sender_host = level_of(kSenderHost);
    s.queue_list_host = level_of(kListHost);
    s.queue_list_outbound = outbound_pending();
    s.queue_domains = domains_level();
    s.queue_outside = level_of(kOutsideHost);
    TimeSeries& h = s.hourly;
    h.bin = sim::hours(1);
    h.columns = series_columns();
    const std::size_t per_hour = static_cast<std::size_t>(std::max<std::int64_t>(1, sim::hours(1).us / p_.bin.us));
    const std::size_t hours = static_cast<std::size_t>(engine_.now().us / sim::hours(1).us) + 1;
    h.rows.assign(hours, std::vector<double>(col_count, 0.0));
    for (std::size_t bin = 0; bin < rows_.size() && bin / per_hour < hours; ++bin) {
      auto& row = h.rows[bin / per_hour];
      for (std::size_t c = 0; c < col_count; ++c)
        row[c] = c >= col_queue_sender_host ? std::max(row[c], rows_[bin][c]) : row[c] + rows_[bin][c];
    }
    return s;
  }

  bool intervene(Intervention what) {
    switch (what) {
      case Intervention::emergency_moderation:
        if (emergency_) return false;
        emergency_ = true;
        return true;
      case Intervention::close_list:
        if (list_closed_) return false;
        list_closed_ = true;
        return true;
      case Intervention::restore_sender_host:
        if (hosts_[kSenderHost].up) return false;
        on_host_restore();
        return true;
      case Intervention::publish_explanation:
        if (explanation_at_ != Time::never()) return false;
        if (p_.explanation == Explanation::none) p_.explanation = Explanation::list_post;
        on_explanation();
        return true;
    }
    return false;
  }

 private:
  // ---------------------------------------------------------------------------- set-up ------
  // The list operator's working hours: around the clock when on call, else Monday to Friday
  // 09:00-18:00 local time and nobody at all at the weekend.
  static ActivityProfile operator_hours(bool on_call) {
    std::array<double, 168> w{};
    for (int h = 0; h < 168; ++h) {
      const int day = h / 24, hour = h % 24;
      w[static_cast<std::size_t>(h)] = on_call || (day < 5 && hour >= 9 && hour < 18) ? 1.0 : 0.0;
    }
    return ActivityProfile(w);
  }

  static void configure(Host& h, std::string name, const HostParams& hp) {
    h.name = std::move(name);
    h.concurrency = hp.concurrency;
    h.per_server_rate = hp.capacity_per_s / static_cast<double>(hp.concurrency);
    h.mean_service_s = 1.0 / h.per_server_rate;
    h.spool_limit = hp.spool_limit;
    h.rate_limit = hp.rate_limit_per_s;
    h.tokens = hp.rate_limit_per_s;
  }

  void build_hosts() {
    hosts_.resize(kFirstDomainHost);
    configure(hosts_[kSenderHost], "sender_host", p_.sender_host);
    configure(hosts_[kListHost], "list_host", p_.list_host);
    // Outsiders' mail goes through "the rest of the Internet": ample capacity, never refuses.
    configure(hosts_[kOutsideHost], "outside_world", HostParams{1e6, 100000, INT64_MAX / 4, 0});
    // Domain sizes: Zipf weights; each member picks a domain with its own stream.
    std::vector<double> weights(static_cast<std::size_t>(p_.domains));
    for (std::size_t k = 0; k < weights.size(); ++k)
      weights[k] = std::pow(static_cast<double>(k + 1), -p_.domain_zipf);
    domain_choice_ = sim::AliasTable(weights);
    hosts_.resize(kFirstDomainHost + static_cast<std::size_t>(p_.domains));
  }

  void build_people() {
    const auto members = static_cast<std::size_t>(p_.members);
    // Room for as many outsiders as members: reserved address space, not memory (pages are
    // touched as people are added). Growing by doubling when the first outsider appeared copied
    // every member's record and stream, 64 MB of a million-member run touched for nothing.
    people_.reserve(2 * members + 4096);
    rngs_.reserve(2 * members + 4096);
    people_.resize(members);
    std::vector<std::uint32_t> domain_members(static_cast<std::size_t>(p_.domains), 0);
    for (std::size_t i = 0; i < members; ++i) {
      rngs_.push_back(streams_.stream(stream_of_person(i)));
      sim::RandomStream& r = rngs_.back();
      Person& m = people_[i];
      const auto domain = static_cast<std::uint32_t>(domain_choice_.sample(r));
      ++domain_members[domain];
      m.host = kFirstDomainHost + domain;
      draw_traits(m, r);
      const double u = r.uniform01();
      m.address = u < p_.dead_share ? Address::dead
                  : u < p_.dead_share + p_.full_share ? Address::full : Address::valid;
      if (m.address == Address::valid && r.bernoulli(p_.autoresponder_share))
        m.responder = r.bernoulli(p_.autoresponder_compliant_share) ? AutoresponderKind::compliant
                                                                    : AutoresponderKind::naive;
    }
    // The forwarding-loop addresses: the first valid members by index (fixed, not random, so a
    // scenario names a count and gets it).
    std::int64_t loops = p_.forwarding_loops;
    for (std::size_t i = 0; i < members && loops > 0; ++i)
      if (people_[i].address == Address::valid) {
        people_[i].forwards_to_list = true;
        --loops;
      }
    for (std::int64_t d = 0; d < p_.domains; ++d) {
      const double scale = std::max(1.0, domain_members[static_cast<std::size_t>(d)] / 1000.0);
      HostParams hp = p_.domain_host;
      hp.capacity_per_s *= scale;
      configure(hosts_[kFirstDomainHost + static_cast<std::size_t>(d)], "domain_" + std::to_string(d + 1), hp);
    }
    for (std::size_t h = 0; h < hosts_.size(); ++h)
      host_rngs_.push_back(streams_.stream(100 + h));
  }

  void draw_traits(Person& m, sim::RandomStream& r) const {
    const double c = r.uniform01();
    m.cls = c < p_.reactive_share ? PeopleClass::reactive
            : c < p_.reactive_share + p_.calm_share ? PeopleClass::calm : PeopleClass::typical;
    m.home_reader = r.bernoulli(p_.home_share);
  }

  static std::uint64_t stream_of_person(std::size_t vertex) { return 1'000'000 + vertex; }

  // An outsider the first time chain mail reaches them.
  void ensure_person(std::uint32_t vertex) {
    while (people_.size() <= vertex) {
      const std::size_t v = people_.size();
      rngs_.push_back(streams_.stream(stream_of_person(v)));
      Person o;
      o.host = kOutsideHost;
      draw_traits(o, rngs_.back());
      people_.push_back(o);
    }
  }

  // ------------------------------------------------------------------------- addressing -----
  bool is_person(ActorId a) const { return a >= kFirstMember && a != kNoActor; }
  std::uint32_t vertex_of(ActorId a) const { return a - kFirstMember; }
  ActorId actor_of(std::uint32_t vertex) const { return kFirstMember + vertex; }
  bool is_member(ActorId a) const {
    return (is_person(a) && vertex_of(a) < p_.members) || (a == kSender && p_.sender_is_member);
  }
  std::uint32_t host_of(ActorId a) const {
    if (a == kSender) return kSenderHost;
    if (a == kListOwner || a == kListAddress) return kListHost;
    return people_[vertex_of(a)].host;
  }
  sim::RandomStream& rng_of(ActorId a) { return is_person(a) ? rngs_[vertex_of(a)] : list_rng_; }

  // ------------------------------------------------------------------------ time helpers ----
  // Clock hours in the scenario's local time: hour k starts at k*3600 s - hour_offset_s_.
  Time hour_start(Time t) const {
    const sim::LocalDateTime l = p_.calendar.local(t);
    return Time{t.us - (static_cast<std::int64_t>(l.minute) * 60 + l.second) * 1'000'000 -
                t.us % 1'000'000};
  }
  std::size_t hour_index(Time t) const {
    if (t.us < hour_cache_.lo || t.us >= hour_cache_.hi) {  // consecutive copies fall in one hour
      const auto k = static_cast<std::size_t>((t.us / 1'000'000 + hour_offset_s_) / 3600);
      hour_cache_ = {k, hour_index_start(k).us, hour_index_start(k + 1).us};
    }
    return hour_cache_.index;
  }
  // t.us / p_.bin.us, remembered for the bin last asked about.
  std::size_t bin_of(Time t) const {
    if (t.us < bin_cache_.lo || t.us >= bin_cache_.hi) {
      const auto b = t.us / p_.bin.us;
      bin_cache_ = {static_cast<std::size_t>(b), b * p_.bin.us, (b + 1) * p_.bin.us};
    }
    return bin_cache_.index;
  }
  Time hour_index_start(std::size_t k) const {
    return Time{(static_cast<std::int64_t>(k) * 3600 - hour_offset_s_) * 1'000'000};
  }
  static void bump(std::vector<std::uint32_t>& v, std::size_t k, std::uint32_t n = 1) {
    if (v.size() <= k) v.resize(k + 1, 0);
    v[k] += n;
  }
  void series(std::size_t column, double amount = 1.0) { series_at(engine_.now(), column, amount); }
  void series_at(Time t, std::size_t column, double amount = 1.0) {
    const std::size_t bin = bin_of(t);
    if (rows_.size() <= bin) rows_.resize(bin + 1, std::vector<double>(col_count, 0.0));
    rows_[bin][column] += amount;
  }

  // ----------------------------------------------------------------------- messages --------
  MessageId author(MessageKind kind, ActorId by, MessageId parent, float alarm, std::uint32_t size,
                   std::int32_t recipients) {
    Message m{};
    m.kind = kind;
    const int gen = parent == kNoMessage ? 0 : messages_[parent].generation + 1;
    m.generation = static_cast<std::uint8_t>(std::min(gen, 255));
    m.alarm = alarm;
    m.author = by;
    m.envelope_sender = by;
    m.via_list_poster = kNoActor;
    m.parent = parent;
    m.size_bytes = size;
    m.recipients = recipients;
    m.about = kNoActor;
    m.created = engine_.now();
    m.first_delivered = Time::never();
    m.names_addressee = false;
    messages_.push_back(m);
    depth_max_ = std::max<std::uint64_t>(depth_max_, m.generation);
    if (is_person(by) && (kind == MessageKind::private_reply || kind == MessageKind::list_reply ||
                          kind == MessageKind::remove_me || kind == MessageKind::stop_replying ||
                          kind == MessageKind::chain_forward))
      bump(reactions_per_hour_, hour_index(engine_.now()));
    return static_cast<MessageId>(messages_.size() - 1);
  }

  // Creates the envelope of message m to `to` and offers it to the recipient's host at once.
  void send(MessageId m, ActorId to, ActorId env_sender, std::uint32_t from_host) {
    if (fast_ && is_person(to) && ordinary(vertex_of(to)) && virtual_copy(m, vertex_of(to), from_host)) return;
    send_envelope(m, to, env_sender, from_host);
  }
  // The reference path: an envelope of its own, with events.
  void send_envelope(MessageId m, ActorId to, ActorId env_sender, std::uint32_t from_host) {
    std::uint32_t e;
    if (!free_envelopes_.empty()) {
      e = free_envelopes_.back();
      free_envelopes_.pop_back();
    } else {
      e = static_cast<std::uint32_t>(envelopes_.size());
      envelopes_.emplace_back();
    }
    envelopes_[e] = Envelope{m, to, env_sender, from_host, from_host, engine_.now(), false, true};
    ++hosts_[from_host].in_custody;
    const Message& msg = messages_[m];
    ++ledger_.created;
    ++out_.messages_total;
    ++out_.messages_by_kind[static_cast<std::size_t>(msg.kind)];
    out_.bytes_total += msg.size_bytes;
    series(static_cast<std::size_t>(msg.kind));
    attempt(e);
  }

  void release(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    --hosts_[env.at_host].in_custody;
    env.live = false;
    free_envelopes_.push_back(e);
  }
  void move_custody(Envelope& env, std::uint32_t host) {
    --hosts_[env.at_host].in_custody;
    env.at_host = host;
    ++hosts_[host].in_custody;
  }

  // ------------------------------------------------------------------------- hosts ---------
  bool rate_allows(Host& h, Time now) {
    if (h.rate_limit <= 0) return true;
    h.tokens = std::min(h.rate_limit, h.tokens + (now - h.tokens_at).seconds() * h.rate_limit);
    h.tokens_at = now;
    if (h.tokens < 1.0) return false;
    h.tokens -= 1.0;
    return true;
  }

  // The time-weighted level counts envelopes with events; copies served without events (fast
  // mode) are added to the mean from their sojourn times and to the peak here.
  void set_level(Host& h) {
    const std::int64_t now_level = h.busy + static_cast<std::int64_t>(h.waiting.size());
    if (&h >= &hosts_[kFirstDomainHost]) domains_level_ += now_level - h.level_recorded;  // for the time series
    h.level_recorded = now_level;
    h.level.set(engine_.now(), static_cast<double>(now_level));
    // The copies listed bound those still in service from above: exact only when they could
    // pass the peak (see settle_virtual).
    const auto listed = [&] { return static_cast<std::uint64_t>(now_level) + h.virtual_departures.size(); };
    if (listed() > h.figures.peak_queue) settle_virtual(h, engine_.now());
    h.figures.peak_queue = std::max<std::uint64_t>(h.figures.peak_queue, listed());
  }

  // The sending host offers envelope e to the recipient's host.
  void attempt(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    const std::uint32_t dest = host_of(env.to);
    Host& h = hosts_[dest];
    const Time now = engine_.now();
    // Copies in service without events (fast mode; none in reference mode): the ones listed
    // are an upper bound, counted exactly only when a decision depends on it.
    std::int64_t in_virtual = static_cast<std::int64_t>(h.virtual_departures.size());
    const auto spool_full = [&] { return h.busy + in_virtual + static_cast<std::int64_t>(h.waiting.size()) >= h.spool_limit; };
    if (h.up && spool_full()) in_virtual = settle_virtual(h, now);
    if (!h.up || spool_full() || !rate_allows(h, now)) {
      ++h.figures.refused;
      defer(e);
      return;
    }
    ++h.figures.accepted;
    bump(h.accepted_per_hour, hour_index(now));
    move_custody(env, dest);
    if (h.busy + in_virtual >= h.concurrency) in_virtual = settle_virtual(h, now);
    if (h.busy + in_virtual < h.concurrency) {
      ++h.busy;
      start_service(dest, e);
    } else {
      h.waiting.push_back(e);
      arrange_wake(dest);
    }
    set_level(h);
  }

  // Starts serving queued envelopes while sessions are free.
  void serve_waiting(std::uint32_t host) {
    Host& h = hosts_[host];
    // A session is free: surely when the copies listed leave one, else by the exact count.
    const auto session_free = [&] {
      return h.busy + static_cast<std::int64_t>(h.virtual_departures.size()) < h.concurrency ||
             h.busy + settle_virtual(h, engine_.now()) < h.concurrency;
    };
    while (!h.waiting.empty() && session_free()) {
      const std::uint32_t next = h.waiting.front();
      h.waiting.pop_front();
      ++h.busy;
      start_service(host, next);
    }
    set_level(h);
  }

  // When a service starting now at `host` ends, by the host's own stream: every service but a
  // broadcast copy to an ordinary member (that one draws from its copy's stream).
  Time service_end(std::uint32_t host) {
    return engine_.now() + sim::seconds_f(host_rngs_[host].exponential(hosts_[host].per_server_rate));
  }

  void start_service(std::uint32_t host, std::uint32_t e) {
    const Time done = service_end(host);
    if (fast_) {
      auto& c = hosts_[host].completions;
      c.push_back(done.us);
      std::push_heap(c.begin(), c.end(), std::greater<>{});
    }
    engine_.schedule(done, Event{EventType::service_done, e, host});
  }

  void on_service_done(std::uint32_t e, std::uint32_t host) {
    Host& h = hosts_[host];
    if (fast_) {  // services end in time order: this one is the earliest recorded
      auto& c = h.completions;
      if (c.empty() || c.front() != engine_.now().us)
        throw std::logic_error("storm: a service ended that was not recorded (a bug in fast mode)");
      std::pop_heap(c.begin(), c.end(), std::greater<>{});
      c.pop_back();
    }
    if (!h.up) {
      // The host was shut down: mail it had accepted stays in its queue (on disk) until it is
      // back, and nothing more is served meanwhile.
      h.waiting.push_front(e);
      --h.busy;
      set_level(h);
      return;
    }
    --h.busy;
    serve_waiting(host);
    dispose(e);
  }

  // A temporary failure: the sending host keeps the envelope and retries.
  void defer(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    ++hosts_[env.from_host].figures.deferred;
    if (env.at_host != env.from_host) move_custody(env, env.from_host);
    const Time now = engine_.now();
    if (p_.retry.expired(env.first_attempt, now)) {
      fail(e, "queue_lifetime_expired");
      return;
    }
    if (p_.retry.delay_warning_after.us > 0 && !env.warned &&
        now - env.first_attempt >= p_.retry.delay_warning_after && env.env_sender != kNoActor) {
      env.warned = true;
      const MessageId w = author(MessageKind::delay_warning, kNoActor, env.msg, 0.0f, 2000, 1);
      messages_[w].envelope_sender = kNoActor;
      messages_[w].auto_submitted = true;
      messages_[w].about = env.to;
      const ActorId to = env.env_sender;
      const std::uint32_t from_host = env.from_host;
      send(w, to, kNoActor, from_host);  // may reallocate envelopes_: env is not used after
    }
    if (fast_ && can_park(envelopes_[e])) {
      park(e);
      return;
    }
    const Time next = next_retry(envelopes_[e], now);
    if (fast_ && plain_retry(envelopes_[e], next)) {
      queue_retry(e, next);
      return;
    }
    engine_.schedule(next, Event{EventType::retry, e, 0});
  }

  // When a deferred envelope is tried next (the Postfix schedule, capped at its queue lifetime).
  Time next_retry(const Envelope& env, Time now) const { return next_retry_after(env.first_attempt, now); }
  Time next_retry_after(Time first_attempt, Time now) const {
    Time next = p_.retry.next_attempt(first_attempt, now);
    const Time deadline = first_attempt + p_.retry.queue_lifetime;
    if (next == Time::never() || next > deadline) next = deadline;
    if (next <= now) next = now + sim::seconds(1);
    return next;
  }

  void on_retry(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    ++hosts_[env.from_host].figures.retries;
    if (p_.retry.expired(env.first_attempt, engine_.now())) {
      fail(e, "queue_lifetime_expired");
      return;
    }
    attempt(e);
  }

  // ---- retries to a full host, in batches (fast mode) --------------------------------------
  // A storm's backscatter can keep a host's spool full for hours while millions of deferred
  // envelopes retry it, every one refused. Fast mode queues a deferred envelope at its
  // destination (Host::retries) when its next retry is plain: not past its queue lifetime and
  // no delay warning due, so that the retry is exactly an attempt, and a deferral to its next
  // retry if refused. One retry_due event per host takes them in (time, sequence) order: those
  // due now go through on_retry as a retry event would. Those due later, before anything can
  // change the host's answer, are refused there and then: while a host that cannot go down and
  // has no rate limit is full by its own envelopes, it refuses every attempt until one of them
  // is served. The batch stops before that completion, before the minimal backoff (so every
  // later deferral is queued after it), and before the end of the current run.
  bool plain_retry(const Envelope& env, Time at) const {
    if (p_.retry.expired(env.first_attempt, at)) return false;
    return !(p_.retry.delay_warning_after.us > 0 && !env.warned && env.env_sender != kNoActor &&
             at - env.first_attempt >= p_.retry.delay_warning_after);
  }

  void queue_retry(std::uint32_t e, Time at) {
    const Envelope& env = envelopes_[e];
    const std::uint32_t dest = host_of(env.to);
    Host& h = hosts_[dest];
    push_queued_retry(h, at, env.first_attempt, e, env.from_host);
    if (!h.retrying && at < h.retry_due_at) schedule_retry_due(dest, at);
  }
  // (The backoff steps of a retry schedule are few: with one lane per step nearly every retry
  // is pushed in time order.)
  static constexpr std::size_t kRetryLanes = 8;
  void push_queued_retry(Host& h, Time at, Time first_attempt, std::uint32_t e, std::uint32_t from_host) {
    const Host::QueuedRetry r{at.us, retry_sequence_++, first_attempt.us, e, from_host};
    // The lane whose last retry is the latest not after this one (best fit keeps the lanes
    // apart); else an empty lane, or a new one.
    std::deque<Host::QueuedRetry>* lane = nullptr;
    std::deque<Host::QueuedRetry>* empty = nullptr;
    for (auto& l : h.retry_lanes) {
      if (l.empty()) {
        if (!empty) empty = &l;
      } else if (l.back().at_us <= r.at_us && (!lane || l.back().at_us > lane->back().at_us)) {
        lane = &l;
      }
    }
    if (!lane) lane = empty;
    if (!lane && h.retry_lanes.size() < kRetryLanes) lane = &h.retry_lanes.emplace_back();
    if (lane) {
      lane->push_back(r);
      return;
    }
    if (!h.retries) h.retries = std::make_unique<sim::RadixHeap>();
    h.retries->push(sim::QueueEntry{static_cast<std::uint64_t>(r.at_us), r.sequence, e});
  }

  // The next queued retry of host h, if any: the (time, sequence) smallest of the lanes' fronts
  // and the heap's top, and where it is (lane -1: the heap).
  struct NextRetry {
    Host::QueuedRetry r;
    int lane;
  };
  std::optional<NextRetry> next_queued_retry(Host& h) {
    const Host::QueuedRetry* best = nullptr;
    int lane = -1;
    for (std::size_t i = 0; i < h.retry_lanes.size(); ++i) {
      const auto& l = h.retry_lanes[i];
      if (!l.empty() && (!best || earlier(l.front(), *best))) {
        best = &l.front();
        lane = static_cast<int>(i);
      }
    }
    if (h.retries && !h.retries->empty()) {
      const sim::QueueEntry& top = h.retries->top();
      if (!best || earlier(top, *best)) {
        const Envelope& env = envelopes_[top.slot];
        return NextRetry{{static_cast<std::int64_t>(top.time), top.order, env.first_attempt.us, top.slot, env.from_host},
                         -1};
      }
    }
    if (!best) return std::nullopt;
    return NextRetry{*best, lane};
  }
  static bool earlier(const Host::QueuedRetry& a, const Host::QueuedRetry& b) {
    return a.at_us < b.at_us || (a.at_us == b.at_us && a.sequence < b.sequence);
  }
  static bool earlier(const sim::QueueEntry& a, const Host::QueuedRetry& b) {
    return static_cast<std::int64_t>(a.time) < b.at_us ||
           (static_cast<std::int64_t>(a.time) == b.at_us && a.order < b.sequence);
  }
  void pop_queued_retry(Host& h, const NextRetry& next) {
    if (next.lane >= 0)
      h.retry_lanes[static_cast<std::size_t>(next.lane)].pop_front();
    else
      h.retries->pop();
  }

  void schedule_retry_due(std::uint32_t host, Time at) {
    Host& h = hosts_[host];
    if (h.retry_due_at != Time::never()) engine_.cancel(h.retry_due_event);
    h.retry_due_at = at;
    h.retry_due_event = engine_.schedule(at, Event{EventType::retry_due, host, 0});
  }

  // Until when host h surely refuses every attempt, from now (now itself if not surely).
  Time refuses_until(std::uint32_t host) const {
    const Host& h = hosts_[host];
    const Time now = engine_.now();
    if (!h.up || (host == kSenderHost && p_.sender_shutdown) || h.rate_limit > 0 ||
        h.busy + static_cast<std::int64_t>(h.waiting.size()) < h.spool_limit)
      return now;
    Time until = std::min({now + p_.retry.minimal_backoff, engine_.run_limit(), horizon_});
    if (!h.completions.empty()) until = std::min(until, Time{h.completions.front()});
    return until;
  }

  void on_retry_due(std::uint32_t host) {
    Host& h = hosts_[host];
    h.retry_due_at = Time::never();
    h.retrying = true;
    const Time now = engine_.now();
    Time refusing = refuses_until(host);
    while (const auto found = next_queued_retry(h)) {
      const Host::QueuedRetry next = found->r;
      const Time at{next.at_us};
      if (at > now && at >= refusing) break;
      pop_queued_retry(h, *found);
      if (at <= now) {
        on_retry(next.envelope);  // as a retry event would
        refusing = refuses_until(host);
        continue;
      }
      // Refused at `at`: on_retry, attempt and defer, with nothing else changed.
      ++hosts_[next.from_host].figures.retries;
      ++h.figures.refused;
      ++hosts_[next.from_host].figures.deferred;
      const Time first{next.first_attempt_us};
      const Time again = next_retry_after(first, at);
      const bool plain = p_.retry.delay_warning_after.us > 0 ? plain_retry(envelopes_[next.envelope], again)
                                                             : !p_.retry.expired(first, again);
      if (plain)
        push_queued_retry(h, again, first, next.envelope, next.from_host);
      else
        engine_.schedule(again, Event{EventType::retry, next.envelope, 0});
    }
    h.retrying = false;
    if (const auto next = next_queued_retry(h)) schedule_retry_due(host, Time{next->r.at_us});
  }

  // A permanent failure: the responsible host returns a DSN to the envelope sender, unless the
  // envelope sender is null (never a bounce of a bounce): then the message is dropped.
  void fail(std::uint32_t e, const char* cause) {
    const Envelope env = envelopes_[e];
    if (env.at_host != env.from_host) move_custody(envelopes_[e], env.from_host);
    release(e);
    return_to_sender(env.msg, env.to, env.env_sender, env.from_host, cause);
  }
  // The DSN of message msg to `to`, sent by the responsible host from_host (or the drop).
  void return_to_sender(MessageId msg, ActorId to, ActorId env_sender, std::uint32_t from_host, const char* cause) {
    if (env_sender == kNoActor) {
      ++ledger_.dropped;
      ++ledger_.dropped_by_rule["no_bounce_of_a_bounce"];
      return;
    }
    ++ledger_.bounced;
    ++ledger_.bounced_by_cause[cause];
    series(col_bounced);
    const MessageId b = author(MessageKind::bounce, kNoActor, msg, 0.0f, 3000, 1);
    messages_[b].envelope_sender = kNoActor;
    messages_[b].auto_submitted = true;
    messages_[b].about = to;
    ++out_.bounces_total;
    if (env_sender == kSender) ++out_.bounces_to_poster;
    if (env_sender == kListOwner) ++out_.bounces_to_owner;
    send(b, env_sender, kNoActor, from_host);
  }

  void deliver_ok(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    Message& m = messages_[env.msg];
    if (m.first_delivered == Time::never()) m.first_delivered = engine_.now();
    if (env.from_host == kListHost && m.via_list_poster != kNoActor && env.to != kListAddress)
      ++list_copies_delivered_;
    ++ledger_.delivered;
    series(col_delivered);
    release(e);
  }

  // The recipient's host has served the envelope: final delivery, or the list's decision.
  void dispose(std::uint32_t e) {
    const Envelope env = envelopes_[e];
    if (env.to == kListAddress) {
      list_receive(e);
      return;
    }
    if (is_person(env.to)) {
      const Person& who = people_[vertex_of(env.to)];
      if (who.address == Address::dead) {
        fail(e, "dead_address");
        return;
      }
      if (who.address == Address::full) {
        if (p_.mailbox_full_hard) {
          fail(e, "mailbox_full");
        } else {
          move_custody(envelopes_[e], env.from_host);
          defer(e);
        }
        return;
      }
    }
    deliver_ok(e);
    const Message& m = messages_[env.msg];
    if (env.to == kSender) {
      sender_receives(env.msg);
    } else if (env.to == kListOwner) {
      if (m.kind == MessageKind::bounce && m.about != kNoActor && is_person(m.about) &&
          vertex_of(m.about) < p_.members)
        owner_bounce(vertex_of(m.about));
    } else if (is_person(env.to)) {
      person_receives(env.to, env.msg, env.env_sender);
    }
  }

  // ---------------------------------------------------------------------- the list ---------
  void list_hold(std::uint32_t e, const char* rule) {
    ++ledger_.held;
    ++ledger_.held_by_rule[rule];
    ++out_.list_posts_held;
    release(e);
  }
  void list_drop(std::uint32_t e, const char* rule) {
    ++ledger_.dropped;
    ++ledger_.dropped_by_rule[rule];
    ++out_.list_posts_discarded;
    release(e);
  }

  void list_receive(std::uint32_t e) {
    const Envelope env = envelopes_[e];
    Message& m = messages_[env.msg];
    const ActorId poster = env.env_sender == kNoActor ? m.author : env.env_sender;
    ++out_.list_posts_attempted;
    if (p_.list.loop_detection && m.list_headers) {
      ++out_.list_loops_discarded;
      list_drop(e, "loop_detection");
      return;
    }
    if (poster != kListOwner) {
      if (list_closed_) {
        ++out_.list_posts_rejected;
        fail(e, "list_closed");
        return;
      }
      if (emergency_) return list_hold(e, "emergency_moderation");
      if (daily_hold_) return list_hold(e, "daily_threshold");
      switch (p_.list.posting) {
        case PostingPolicy::open:
        case PostingPolicy::announce_only_misconfigured:
          break;
        case PostingPolicy::moderated:
          return list_hold(e, "moderated");
        case PostingPolicy::announce_only:
          return list_hold(e, "announce_only");
        case PostingPolicy::members_only:
          if (!is_member(poster)) {
            switch (p_.list.nonmember) {
              case NonmemberAction::accept: break;
              case NonmemberAction::hold: return list_hold(e, "nonmember_hold");
              case NonmemberAction::reject:
                ++out_.list_posts_rejected;
                fail(e, "nonmember_reject");
                return;
              case NonmemberAction::discard: return list_drop(e, "nonmember_discard");
            }
          }
          break;
      }
      if (m.kind == MessageKind::remove_me &&
          administrivia_holds(p_.list.administrivia, static_cast<RemoveWording>(m.wording)))
        return list_hold(e, "administrivia");
      if (p_.list.max_num_recipients > 0 && m.recipients >= p_.list.max_num_recipients)
        return list_hold(e, "max_num_recipients");
      if (p_.list.verbosity_threshold > 0 && is_person(poster)) {
        auto& recent = verbosity_[poster];
        const Time now = engine_.now();
        while (!recent.empty() && now - recent.front() >= p_.list.verbosity_interval) recent.pop_front();
        if (static_cast<std::int64_t>(recent.size()) >= p_.list.verbosity_threshold)
          return list_hold(e, "member_verbosity");
        recent.push_back(now);
      }
      const bool reply = m.kind == MessageKind::list_reply || m.kind == MessageKind::remove_me ||
                         m.kind == MessageKind::stop_replying || m.kind == MessageKind::auto_reply;
      if (reply && p_.storm_protection.enabled && protection_.on_reply(engine_.now(), list_size())) {
        ++out_.storm_protection_blocks;
        ++out_.list_posts_rejected;
        fail(e, "storm_protection_block");
        return;
      }
    }
    // Accepted: delivered to the list, which re-sends it to every member.
    deliver_ok(e);
    ++out_.list_posts_accepted;
    series(col_list_posts_accepted);
    m.list_headers = p_.list.headers;
    m.reply_to_list = p_.list.reply_to_list;
    // A message accepted again (sent back by a looping address) keeps its first poster, so copies
    // still going out of the first acceptance keep their envelope sender.
    if (m.via_list_poster == kNoActor) m.via_list_poster = poster;
    outbound_.push_back({env.msg, 0, kNoBroadcast});
    if (!dripping_) {
      dripping_ = true;
      engine_.schedule_after(Duration{0}, Event{EventType::list_drip, 0, 0}, kDripPriority);
    }
    if (poster != kListOwner) {
      const sim::LocalDateTime local = p_.calendar.local(engine_.now());
      const std::int64_t day = local.year * 10000 + local.month * 100 + local.day;
      if (day != post_day_) {
        post_day_ = day;
        posts_today_ = 0;
      }
      ++posts_today_;
      if (p_.list.daily_threshold > 0 && posts_today_ >= p_.list.daily_threshold && !daily_hold_) {
        daily_hold_ = true;
        tell_operator();
      }
      if (out_.list_posts_accepted >= static_cast<std::uint64_t>(p_.operator_notice_after_posts))
        tell_operator();
    }
  }

  std::int64_t list_size() const { return p_.members + (p_.sender_is_member ? 1 : 0); }

  // One copy of the head post to the next recipient, then the next drip after 1/rate.
  // Fast mode carries on in the same event with the next copies while no other event is due
  // before them (Engine::advance_within_handler): the world is then exactly as a chain of drip
  // events would leave it.
  void on_list_drip() {
    for (;;) {
      if (!send_next_copy()) {
        dripping_ = false;
        return;
      }
      const Time next = engine_.now() + Duration{drip_step_us_};
      if (!fast_ || !engine_.advance_within_handler(next, kDripPriority)) {
        engine_.schedule(next, Event{EventType::list_drip, 0, 0}, kDripPriority);
        return;
      }
    }
  }

  // Sends the next copy of the head post (moving to the next post when one is done). False
  // when nothing is left to send.
  bool send_next_copy() {
    while (!outbound_.empty()) {
      Outbound& o = outbound_.front();
      const auto total = static_cast<std::uint32_t>(list_size());
      while (o.next < total) {
        const std::uint32_t k = o.next++;
        if (fast_ && k == 0) o.broadcast = open_broadcast(o.post);
        if (k < p_.members && !bounces_.delivery_enabled(k)) {
          if (o.broadcast != kNoBroadcast) broadcasts_[o.broadcast].skipped.push_back(k);
          continue;
        }
        const ActorId to = k < p_.members ? actor_of(k) : kSender;
        const ActorId env_sender = list_envelope_sender(o.post);
        if (o.broadcast != kNoBroadcast && k < p_.members) {
          broadcast_copy(o, k, env_sender);
          return true;
        }
        send(o.post, to, env_sender, kListHost);
        return true;
      }
      outbound_.pop_front();
    }
    return false;
  }

  // The envelope sender of the list's copies of post.
  ActorId list_envelope_sender(MessageId post) const {
    return p_.list.envelope_sender == EnvelopeSenderPolicy::poster ? messages_[post].via_list_poster : kListOwner;
  }

  void owner_bounce(std::uint32_t member) {
    if (!p_.bounce.enabled) return;
    if (bounces_.on_bounce(member, engine_.now()) == BounceProcessor::Effect::disabled) {
      ++out_.members_disabled_by_bounces;
      for (int k = 0; k < p_.bounce.warnings; ++k)
        engine_.schedule_after(p_.bounce.warning_interval * k, Event{EventType::bounce_warning, member, 0});
    }
  }

  void on_bounce_warning(std::uint32_t member) {
    const MessageId n = author(MessageKind::list_notice, kListOwner, kNoMessage, 0.0f, 2000, 1);
    messages_[n].auto_submitted = true;
    send(n, actor_of(member), kListOwner, kListHost);
  }

  // ------------------------------------------------------------------------ the operator ----
  void tell_operator() {
    if (operator_told_) return;
    operator_told_ = true;
    // ActivityProfile normalises its weights to a mean of 1 over the week; the operator's profile
    // is 1 in working hours and 0 otherwise, so one real working hour is 168 / working_hours of
    // its "active" hours.
    const double scale = 168.0 / static_cast<double>(operator_working_hours_);
    const Time at = operator_profile_.advance(p_.calendar, engine_.now(), p_.operator_response_delay.hours() * scale);
    if (at < horizon_) engine_.schedule(at, Event{EventType::operator_acts, 0, 0});
  }

  void on_operator_acts() {
    if (p_.operator_action != OperatorAction::none || p_.operator_apology) out_.operator_acted_at = engine_.now();
    daily_hold_ = false;  // the owner frees the list...
    switch (p_.operator_action) {
      case OperatorAction::none: break;
      case OperatorAction::emergency_moderation: emergency_ = true; break;  // ...and holds every post
      case OperatorAction::close_list: list_closed_ = true; break;
    }
    if (p_.operator_apology) {
      const MessageId a = author(MessageKind::clarification, kListOwner, first_mail_, 0.0f, 2500, 1);
      send(a, kListAddress, kListOwner, kListHost);
    }
  }

  // ------------------------------------------------------------------------ the sender -----
  void on_first_mail() {
    const MessageId m = author(MessageKind::first_mail, kSender, kNoMessage,
                               static_cast<float>(p_.alarm), static_cast<std::uint32_t>(p_.first_mail_size), 1);
    messages_[m].names_addressee = p_.names_addressee;
    first_mail_ = m;
    send(m, p_.first_mail_to_list ? kListAddress : kListOwner, kSender, kSenderHost);
  }

  void sender_receives(MessageId m) {
    const Time now = engine_.now();
    ++out_.sender_inbox_total;
    bump(sender_inbox_per_hour_, hour_index(now));
    series(col_sender_inbox);
    if (p_.sender_shutdown && !shut_down_once_) {
      sender_recent_.push_back(now);
      while (now - sender_recent_.front() >= sim::hours(1)) sender_recent_.pop_front();
      if (static_cast<std::int64_t>(sender_recent_.size()) >= p_.shutdown_per_hour) {
        shut_down_once_ = true;
        Host& h = hosts_[kSenderHost];
        h.up = false;
        h.down_since = now;
        sender_up_changes_.emplace_back(now, false);
        out_.sender_host_down_at = now;
        engine_.schedule_after(p_.restore_after, Event{EventType::host_restore, 0, 0});
      }
    }
    if (messages_[m].kind == MessageKind::private_reply && p_.sender_answers_share > 0 &&
        list_rng_.bernoulli(p_.sender_answers_share))
      engine_.schedule_after(p_.sender_answer_delay, Event{EventType::sender_answer, 0, m});
  }

  void on_host_restore() {
    Host& h = hosts_[kSenderHost];
    if (h.up) return;  // already brought back (by an intervention in the live view)
    h.up = true;
    h.down_s += (engine_.now() - h.down_since).seconds();
    h.down_since = Time::never();
    sender_up_changes_.emplace_back(engine_.now(), true);
    unpark_all(kSenderHost);
    serve_waiting(kSenderHost);  // what was queued before the shutdown
  }

  bool sender_reachable() const { return hosts_[kSenderHost].up; }

  void on_sender_answer(MessageId reply) {
    if (!sender_reachable()) return;  // his host is down: he cannot send
    const MessageId a = author(MessageKind::clarification, kSender, reply, 0.0f, 2000, 1);
    send(a, messages_[reply].author, kSender, kSenderHost);
  }

  void on_explanation() {
    if (explanation_at_ != Time::never()) return;  // already published (live view)
    explanation_at_ = engine_.now();
    if (p_.explanation == Explanation::list_post || p_.explanation == Explanation::both) {
      const MessageId a = author(MessageKind::clarification, kSender, first_mail_, 0.0f, 2500, 1);
      // With his own host down he posts from elsewhere (a colleague's or the faculty's server).
      send(a, kListAddress, kSender, sender_reachable() ? kSenderHost : kOutsideHost);
    }
  }

  // ------------------------------------------------------------------------ people ---------
  void person_receives(ActorId to, MessageId mid, ActorId env_sender) {
    const std::uint32_t v = vertex_of(to);
    Person& who = people_[v];
    const bool via_list = messages_[mid].via_list_poster != kNoActor;
    sim::RandomStream& r = rngs_[v];
    if (who.responder != AutoresponderKind::none) autorespond(to, mid, env_sender);
    if (who.forwards_to_list && via_list) {
      // An address that forwards everything it gets back to the list: the same message, list
      // headers and all, from this member's host.
      send(mid, kListAddress, to, who.host);
    }
    if (fast_) {  // read as mail served without events is: thinned (see virtual_receive)
      virtual_receive(v, mid, engine_.now());
      return;
    }
    if (r.bernoulli(p_.behaviour.never_read)) return;
    const double active_h = reading_.sample_hours(r);
    const ActivityProfile& profile = who.home_reader ? home_profile_ : office_profile_;
    const Time at = profile.advance(p_.calendar, engine_.now(), active_h);
    if (at < horizon_) engine_.schedule(at, Event{EventType::read, v, mid});
  }

  void autorespond(ActorId member, MessageId mid, ActorId env_sender) {
    const Person& who = people_[vertex_of(member)];
    const Message& m = messages_[mid];
    IncomingHeaders h;
    h.list_headers = m.via_list_poster != kNoActor && m.list_headers;
    h.precedence_bulk = h.list_headers;
    h.auto_submitted = m.auto_submitted;
    h.null_envelope_sender = env_sender == kNoActor;
    const ActorId author_target =
        (m.via_list_poster != kNoActor && m.reply_to_list) ? kListAddress : m.author;
    const ActorId correspondent = who.responder == AutoresponderKind::compliant ? env_sender : author_target;
    const Duration period = who.responder == AutoresponderKind::compliant ? p_.autoresponder_period
                                                                            : p_.autoresponder_naive_period;
    const AutoreplyDecision d = autoresponder_.decide(who.responder, period, h, member,
                                                      correspondent == kNoActor ? UINT32_MAX : correspondent,
                                                      engine_.now());
    ActorId to = kNoActor;
    if (d == AutoreplyDecision::reply_to_envelope_sender) to = env_sender;
    if (d == AutoreplyDecision::reply_to_author) to = author_target;
    if (d == AutoreplyDecision::suppressed_by_headers) ++out_.autoreplies_suppressed;
    if (to == kNoActor || to == member) return;
    const MessageId a = author(MessageKind::auto_reply, member, mid, 0.0f, 1500, 1);
    const bool compliant = who.responder == AutoresponderKind::compliant;
    messages_[a].auto_submitted = compliant;
    ++out_.autoreplies;
    send(a, to, compliant ? kNoActor : member, who.host);
  }

  static bool storm_content(MessageKind k) {
    return k == MessageKind::first_mail || k == MessageKind::chain_forward || k == MessageKind::list_reply ||
           k == MessageKind::remove_me || k == MessageKind::stop_replying || k == MessageKind::auto_reply;
  }

  double class_multiplier(const Person& p) const {
    switch (p.cls) {
      case PeopleClass::calm: return p_.calm_multiplier;
      case PeopleClass::reactive: return p_.reactive_multiplier;
      case PeopleClass::typical: break;
    }
    return 1.0;
  }

  // What reading message mid at time `at` does to reader v's state whatever they do next: a
  // clarification read, suspicion from a bounce of their own reply, one more storm mail read,
  // the explanation on the web board seen, suspicion when the sender cannot be reached. Returns
  // true when the read may also draw reactions (storm content).
  bool absorb(std::uint32_t v, MessageId mid, Time at) {
    Person& who = people_[v];
    const ActorId me = actor_of(v);
    const Message& m = messages_[mid];
    sim::RandomStream& r = rngs_[v];
    const BehaviourParams& b = p_.behaviour;
    if (m.kind == MessageKind::clarification) {
      if (!who.clarified) ++out_.clarifications_read;
      who.clarified = true;
      return false;
    }
    if (m.kind == MessageKind::bounce) {
      // My own reply came back: the sender does not exist?
      if (m.parent != kNoMessage && messages_[m.parent].author == me &&
          messages_[m.parent].kind == MessageKind::private_reply)
        who.suspicious = true;
      return false;
    }
    if (!storm_content(m.kind)) return false;
    if (m.kind == MessageKind::auto_reply && m.via_list_poster == kNoActor) return false;
    if (who.storm_received < UINT16_MAX) ++who.storm_received;
    if (!who.clarified && (p_.explanation == Explanation::web_board || p_.explanation == Explanation::both) &&
        at >= explanation_at_ &&
        r.bernoulli(1.0 - std::exp(-p_.explanation_reach_per_hour * (at - explanation_at_).hours()))) {
      who.clarified = true;
      ++out_.clarifications_read;
    }
    const bool original = m.kind == MessageKind::first_mail || m.kind == MessageKind::chain_forward;
    if (original && !who.suspicious && !sender_reachable_at(at) && r.bernoulli(b.suspicion_when_unreachable))
      who.suspicious = true;
    return true;
  }

  // Reader v reads message mid now. The four reactions a reading can draw (the concerned
  // reaction to an original, and the follow-up reply-all, "remove me" and "stop replying") are
  // decided by uniforms: fresh ones in reference mode, or, for a reading fast mode kept by
  // thinning, `thinned` (drawn conditional on at least one being below its bound).
  void on_read(std::uint32_t v, MessageId mid, const std::array<double, 4>* thinned = nullptr) {
    flush_pending(v, engine_.now());
    if (!absorb(v, mid, engine_.now())) return;
    Person& who = people_[v];
    const ActorId me = actor_of(v);
    const Message& m = messages_[mid];
    sim::RandomStream& r = rngs_[v];
    const BehaviourParams& b = p_.behaviour;
    const Time now = engine_.now();
    const bool original = m.kind == MessageKind::first_mail || m.kind == MessageKind::chain_forward;
    auto draw = [&](std::size_t i) { return thinned ? (*thinned)[i] : r.uniform01(); };
    double mult = class_multiplier(who);
    if (who.clarified) mult *= b.clarification_damping;
    if (who.reacted) mult *= b.repeat_factor;

    bool forward_now = false;
    if (original) {
      if (draw(0) < std::min(1.0, concern_of(mid) * mult)) {
        who.reacted = true;
        const bool via_list = m.via_list_poster != kNoActor;
        // Reply: to all (author and list) or to the author; a plain reply on a munged list
        // goes to the list.
        const double u = r.uniform01();
        if (u < b.reply_all_share && via_list) {
          reply_all(me, mid);
        } else if (u < b.reply_all_share + b.private_reply_share) {
          if (via_list && messages_[mid].reply_to_list)
            post_to_list(me, MessageKind::list_reply, mid);
          else
            private_reply(me, mid);
        }
        const double complain =
            std::min(1.0, b.complain_share * (who.suspicious ? b.suspicion_complaint_factor : 1.0));
        if (r.bernoulli(complain)) {
          ++out_.complaints;
          if (r.bernoulli(b.police_share)) ++out_.police_reports;
          bump(uproar_per_hour_, hour_index(now));
          bump(reactions_per_hour_, hour_index(now));
          series(col_complaints);
        }
        forward_now =
            r.bernoulli(std::min(1.0, b.forward_share * (who.suspicious ? b.suspicion_forward_factor : 1.0)));
      }
    }
    // Every list message, the first mail included, also draws the list's own reactions:
    // "me too" reply-alls, "remove me", "stop replying", more likely the more storm mail a
    // member has had.
    // (Not on one's own post.)
    if (messages_[mid].via_list_poster != kNoActor && v < p_.members && messages_[mid].author != me) {
      const double annoy = 1.0 + b.annoyance_growth *
                                     static_cast<double>(std::min<std::int64_t>(who.storm_received, b.annoyance_cap));
      const double f = annoy * mult;
      if (draw(1) < std::min(1.0, b.followup_reply_all * f)) {
        who.reacted = true;
        reply_all(me, mid);
      }
      if (draw(2) < std::min(1.0, b.remove_me * f)) {
        who.reacted = true;
        post_to_list(me, MessageKind::remove_me, mid);
      }
      if (draw(3) < std::min(1.0, b.stop_replying * f)) {
        who.reacted = true;
        post_to_list(me, MessageKind::stop_replying, mid);
      }
    }
    // Last: forwarding may create outsiders, which moves people_ and rngs_ (who, r).
    if (forward_now) forward(v, mid);
  }

  // How likely an original (the first mail, a chain forward) is to draw a concerned reaction,
  // before the reader's class and state.
  double concern_of(MessageId mid) const {
    const Message& m = messages_[mid];
    const BehaviourParams& b = p_.behaviour;
    double concern = b.concern_harmless + (b.concern_alarming - b.concern_harmless) * m.alarm;
    if (m.names_addressee || (m.kind == MessageKind::chain_forward && root_names_addressee(mid)))
      concern *= b.addressee_named_factor;
    return concern;
  }

  bool root_names_addressee(MessageId mid) const {
    while (messages_[mid].parent != kNoMessage && messages_[mid].kind == MessageKind::chain_forward)
      mid = messages_[mid].parent;
    return messages_[mid].names_addressee;
  }

  // People's replies quote what they answer: their size is a scenario setting.
  std::uint32_t reply_size() const { return static_cast<std::uint32_t>(p_.reply_size); }

  void private_reply(ActorId me, MessageId mid) {
    const Message& m = messages_[mid];
    const ActorId to = m.author;
    if (to == kNoActor || to == me) return;
    const MessageId r = author(MessageKind::private_reply, me, mid, m.alarm * 0.5f, reply_size(), 1);
    if (to == kSender) ++out_.replies_to_sender;
    send(r, to, me, host_of(me));
  }

  void reply_all(ActorId me, MessageId mid) {
    const Message& m = messages_[mid];
    const ActorId author_addr = m.author;
    const MessageId r = author(MessageKind::list_reply, me, mid, m.alarm * 0.5f, reply_size(), 2);
    ++out_.replies_to_list;
    if (author_addr != kNoActor && author_addr != me && author_addr != kListOwner) {
      if (author_addr == kSender) ++out_.replies_to_sender;
      send(r, author_addr, me, host_of(me));
    }
    send(r, kListAddress, me, host_of(me));
  }

  void post_to_list(ActorId me, MessageKind kind, MessageId parent) {
    const MessageId r = author(kind, me, parent, 0.0f, reply_size(), 1);
    if (kind == MessageKind::remove_me) {
      sim::RandomStream& rng = rng_of(me);
      const double u = rng.uniform01();
      const BehaviourParams& b = p_.behaviour;
      messages_[r].wording = static_cast<std::uint8_t>(
          u < b.wording_command ? RemoveWording::command_first_word
          : u < b.wording_command + b.wording_polite ? RemoveWording::polite_sentence
                                                     : RemoveWording::angry_sentence);
    }
    ++out_.replies_to_list;
    send(r, kListAddress, me, host_of(me));
  }

  void forward(std::uint32_t v, MessageId mid) {
    sim::RandomStream& r = rngs_[v];
    // Nobody forwards a warning back to whoever sent it to them.
    const ActorId sent_by = messages_[mid].author;
    std::vector<std::uint32_t> chosen;
    for (std::uint32_t u : graph_->contacts(v, r))
      if (actor_of(u) != sent_by) chosen.push_back(u);
    if (chosen.empty()) return;
    const std::uint64_t k = std::min<std::uint64_t>(
        chosen.size(), 1 + r.poisson(std::max(0.0, p_.behaviour.forward_contacts_mean - 1.0)));
    // k distinct contacts: a partial Fisher-Yates shuffle.
    for (std::uint64_t i = 0; i < k; ++i) {
      const auto j = i + r.uniform_int(chosen.size() - i);
      std::swap(chosen[i], chosen[j]);
    }
    const ActorId me = actor_of(v);
    const MessageId f = author(MessageKind::chain_forward, me, mid, messages_[mid].alarm, 5000,
                               static_cast<std::int32_t>(k));
    for (std::uint64_t i = 0; i < k; ++i) {
      const std::uint32_t u = chosen[i];
      ensure_person(u);
      if (u >= p_.members && !people_[u].reached_by_forward) {
        people_[u].reached_by_forward = true;
        ++out_.outsiders_reached;
      }
      ++out_.forwards;
      bump(uproar_per_hour_, hour_index(engine_.now()));
      send(f, actor_of(u), me, people_[v].host);
    }
  }


  // ------------------------------------------------------------- fast mode (MODEL.md 6) ----
  // Fast mode changes how the world is computed, never what happens in distribution:
  //  * A list copy to an ordinary member (valid address, no auto-responder, no forwarding loop)
  //    that its domain host can take straight into a free session is served without events of
  //    its own: its service time is drawn as in reference mode and its departure kept in the
  //    host's virtual_departures, which count as busy sessions for every other envelope (a
  //    wake-up event starts waiting mail when such a session frees). The drip sends such copies
  //    in one event up to the next pending event. Any other copy takes the reference path.
  //  * Reading is thinned (Lewis-Shedler): a reading draws a reaction only if one of four
  //    uniforms falls below its probability, and each probability is bounded by its value at
  //    the reader's worst state (thinning()). Only readings with some uniform below its bound
  //    (probability q) get an event, and there the uniforms are drawn conditional on that;
  //    the reaction is then decided against the reader's actual state, exactly. The other
  //    readings still change the reader's state (one more storm mail read, the web board seen,
  //    suspicion): they are kept per reader and applied, in reading-time order, before anything
  //    else the reader does and at the horizon (flush_pending).
  //  * An envelope refused because its destination is down is parked instead of being retried
  //    on every step of the Postfix schedule: those retries are certain refusals. Their counts
  //    are replayed when the host comes back, when the queue lifetime expires (an event), or at
  //    the horizon. Not when a delay warning is still due (that is a message of its own).
  //  * Retries to a host that is full by its own envelopes are refused in batches: until one of
  //    them is served it refuses every attempt (see on_retry_due).

  // A person (member or outsider) whose mail has no effect on delivery but their own reading.
  bool ordinary(std::uint32_t k) const {
    const Person& p = people_[k];
    return p.address == Address::valid && p.responder == AutoresponderKind::none && !p.forwards_to_list;
  }

  // Copies served without events: those finished by t leave; how many are still in service.
  // A pass over them only when one has finished (a heap cost a fifth of a large run).
  static std::int64_t settle_virtual(const Host& h, Time t) {
    auto& d = h.virtual_departures;
    if (t.us >= h.virtual_min) {
      std::int64_t earliest = INT64_MAX;
      std::size_t kept = 0;
      for (const std::int64_t done : d) {  // without branches: which ones left is a coin toss
        const bool stays = done > t.us;
        d[kept] = done;
        kept += stays;
        earliest = std::min(earliest, stays ? done : INT64_MAX);
      }
      d.resize(kept);
      h.virtual_min = earliest;
    }
    return static_cast<std::int64_t>(d.size());
  }

  void arrange_wake(std::uint32_t host) {
    Host& h = hosts_[host];
    if (h.wake_pending || h.waiting.empty() || settle_virtual(h, engine_.now()) == 0) return;
    h.wake_pending = true;
    engine_.schedule(Time{h.virtual_min}, Event{EventType::host_wake, host, 0});
  }

  void on_host_wake(std::uint32_t host) {
    hosts_[host].wake_pending = false;
    serve_waiting(host);
    arrange_wake(host);
  }

  // Whether host h takes a copy into a free session at t without events: up, nothing waiting, a
  // session free and the rate limit allowing (which this refills and spends).
  bool free_session(Host& h, Time t) {
    if (!h.up || !h.waiting.empty()) return false;
    const std::int64_t limit = std::min(h.concurrency, h.spool_limit);
    // The copies listed bound those still in service from above: count exactly only when it matters.
    if (h.busy + static_cast<std::int64_t>(h.virtual_departures.size()) >= limit &&
        h.busy + settle_virtual(h, t) >= limit)
      return false;
    return rate_allows(h, t);
  }

  // The books of a copy of `post` from `from_host` served without events at host `dest` from t
  // to done. False when it is still in service at the horizon.
  bool account_virtual(MessageId post, std::uint32_t dest, std::uint32_t from_host, Time t, Time done) {
    if (!account_service(post, dest, t, done)) return false;
    account_delivery(post, from_host, done);
    return true;
  }
  // Its arrival and service (false when still in service at the horizon) ...
  bool account_service(MessageId post, std::uint32_t dest, Time t, Time done) {
    Host& h = hosts_[dest];
    const Message& m = messages_[post];
    ++ledger_.created;
    ++out_.messages_total;
    ++out_.messages_by_kind[static_cast<std::size_t>(m.kind)];
    out_.bytes_total += m.size_bytes;
    series_at(t, static_cast<std::size_t>(m.kind));
    ++h.figures.accepted;
    bump(h.accepted_per_hour, hour_index(t));
    // The peak: exact whenever the copies listed (an upper bound) could pass it.
    if (static_cast<std::uint64_t>(h.busy) + h.virtual_departures.size() + 1 > h.figures.peak_queue) settle_virtual(h, t);
    h.virtual_departures.push_back(done.us);
    h.virtual_min = std::min(h.virtual_min, done.us);
    if (dest >= kFirstDomainHost) count_virtual_in_domains(t, done);
    h.figures.peak_queue = std::max<std::uint64_t>(h.figures.peak_queue,
                                                   static_cast<std::uint64_t>(h.busy) + h.virtual_departures.size());
    h.virtual_sojourn_s += (std::min(done, horizon_) - t).seconds();
    if (done >= horizon_) {
      ++h.virtual_queued;  // still in service at the horizon
      return false;
    }
    return true;
  }
  // ... and its delivery at done (before the horizon).
  void account_delivery(MessageId post, std::uint32_t from_host, Time done) {
    const Message& m = messages_[post];
    ++ledger_.delivered;
    series_at(done, col_delivered);
    if (from_host == kListHost && m.via_list_poster != kNoActor) ++list_copies_delivered_;
    if (done < m.first_delivered) messages_[post].first_delivered = done;
  }

  // Message `post` sent now from `from_host` to ordinary person k, if k's host takes it into a
  // free session (otherwise false, and nothing has changed but the host's rate-limit refill).
  bool virtual_copy(MessageId post, std::uint32_t k, std::uint32_t from_host = kListHost) {
    const Time t = engine_.now();
    const std::uint32_t dest = people_[k].host;
    Host& h = hosts_[dest];
    if (!free_session(h, t)) return false;
    const Time done = service_end(dest);
    if (account_virtual(post, dest, from_host, t, done)) virtual_receive(k, post, done);
    return true;
  }

  // ---- broadcasts: a list post's copies to members, recomputed rather than stored ----------
  // The list sends member k's copy of a post exactly s drip steps after its first copy, s being
  // k less the members skipped before k (disabled by bounce processing). Each copy's random
  // draws come from a stream of its own, keyed by (broadcast, member): the uniform that decides
  // its reading, its service time, its reading time. A copy served without events then needs
  // no memory at all: whether and when member k read it is recomputed, identically, when k's
  // state is next needed (gather_broadcast). Only candidates (see virtual_receive) get an
  // event, as before; copies that took the reference path are listed per broadcast
  // (exceptions).
  static constexpr std::uint32_t kNoBroadcast = UINT32_MAX;
  struct Outbound {
    MessageId post;
    std::uint32_t next;
    std::uint32_t broadcast = kNoBroadcast;  // fast mode: its record in broadcasts_
  };

  // A reading kept by thinning (not a candidate), in a shared pool of singly linked lists.
  struct PendingRead {
    Time at;  // delivery time until the reading time is drawn, then the reading time
    MessageId post;
    bool read_time_drawn;
  };
  static constexpr std::uint32_t kNoNode = UINT32_MAX;
  struct PendingNode {
    PendingRead reading;
    std::uint32_t next;
  };

  struct Broadcast {
    MessageId post;
    Time first_copy;                        // when its first copy left the list
    std::vector<std::uint32_t> skipped;     // members the list skipped (disabled by bounces), ascending
    bool readings;                          // whether reading it can change anything
    std::array<double, 3> q{};              // candidate probability given read, per class (non-authors)
    std::vector<std::uint32_t> exceptions;  // ordinary members whose copy took the reference path, ascending
  };

  // The draws of member k's copy of broadcast b, sent at `sent` to k's host h: a uniform
  // (whether k reads it, and whether the reading is a candidate) and when its service ends. The
  // same whether drawn when the copy leaves (broadcast_copy) or later (gather_broadcast). The
  // stream is kept for a candidate's reading time (rest()).
  struct CopyDraws {
    sim::ShortStream s;
    double u;
    Time done;
  };
  CopyDraws copy_draws(std::uint32_t b, std::uint32_t k, Time sent, const Host& h) const {
    sim::ShortStream s = streams_.short_stream(((std::uint64_t{b} + 1) << 32) | k);
    const double u = s.uniform01();
    const Time done = sent + sim::seconds_f(sim::fast_exponential(s) * h.mean_service_s);
    return {s, u, done};
  }

  std::uint32_t open_broadcast(MessageId post) {
    const Message& m = messages_[post];
    if (m.kind == MessageKind::bounce || p_.members < 2) return kNoBroadcast;  // a bounce's reading depends on the reader
    Broadcast b;
    b.post = post;
    b.first_copy = engine_.now();
    b.readings = reading_matters(0, post);
    const std::uint32_t someone = m.author == actor_of(0) ? 1 : 0;  // a member who did not write it
    for (std::size_t c = 0; c < 3; ++c) {
      Person p = people_[someone];
      p.cls = static_cast<PeopleClass>(c);
      b.q[c] = thinning_uncached(p, actor_of(someone), post).q;
    }
    broadcasts_.push_back(std::move(b));
    const auto index = static_cast<std::uint32_t>(broadcasts_.size() - 1);
    if (m.kind == MessageKind::clarification) clarification_broadcasts_.push_back(index);
    return index;
  }

  double broadcast_q(const Broadcast& b, std::uint32_t k) const {
    if (messages_[b.post].author == actor_of(k)) return thinning_uncached(people_[k], actor_of(k), b.post).q;
    return b.q[static_cast<std::size_t>(people_[k].cls)];
  }

  // When member k's copy of broadcast b leaves the list (k not skipped).
  Time drip_time(const Broadcast& b, std::uint32_t k) const {
    const auto skipped_before = std::lower_bound(b.skipped.begin(), b.skipped.end(), k) - b.skipped.begin();
    return slot_time(b, static_cast<std::int64_t>(k) - skipped_before);
  }
  // The time of a broadcast's copy number `slot` (0 for its first copy).
  Time slot_time(const Broadcast& b, std::int64_t slot) const {
    return Time{b.first_copy.us + drip_step_us_ * slot};
  }

  // Member k's copy of the outbound head post, now.
  void broadcast_copy(Outbound& o, std::uint32_t k, ActorId env_sender) {
    Broadcast& b = broadcasts_[o.broadcast];
    const Time t = engine_.now();
    // Every member skipped so far comes before k (drip_time without the search).
    if (t != slot_time(b, static_cast<std::int64_t>(k) - static_cast<std::int64_t>(b.skipped.size())))
      throw std::logic_error("storm: a list copy left off its drip step (a bug in fast mode's broadcasts)");
    if (ordinary(k)) {
      const std::uint32_t dest = people_[k].host;
      Host& h = hosts_[dest];
      if (free_session(h, t)) {
        const CopyDraws d = copy_draws(o.broadcast, k, t, h);
        if (!account_virtual(o.post, dest, kListHost, t, d.done) || !b.readings) return;
        // A candidate reading (read, and some uniform below its bound) gets its event now; the
        // others are recomputed when needed.
        if (d.u < (1.0 - p_.behaviour.never_read) * broadcast_q(b, k)) {
          sim::RandomStream rest = d.s.rest();
          const Time when = read_time(people_[k], rest, d.done);
          if (when < horizon_) engine_.schedule(when, Event{EventType::read_candidate, k, o.post});
        }
        return;
      }
      b.exceptions.push_back(k);
    } else if (copy_at_once(o.post, k)) {
      return;
    }
    send_envelope(o.post, actor_of(k), env_sender, kListHost);
  }

  // Member k's list copy of `post` now, k not ordinary (an auto-responder, a forwarding loop, a
  // dead address, a full mailbox): if k's host takes it straight into a free session, it is
  // served without an envelope. Its service time is the draw start_service would make, and one
  // event when it ends (copy_served) does what dispose would. A full mailbox that defers takes
  // the reference path (its retries need the envelope). False when the host cannot take it now.
  bool copy_at_once(MessageId post, std::uint32_t k) {
    const Person& who = people_[k];
    if (who.address == Address::full && !p_.mailbox_full_hard) return false;
    const std::uint32_t dest = who.host;
    Host& h = hosts_[dest];
    const Time t = engine_.now();
    if (!free_session(h, t)) return false;
    const Time done = service_end(dest);  // the draw start_service would make
    if (!account_service(post, dest, t, done)) return true;  // still in service at the horizon
    if (who.address == Address::valid) account_delivery(post, kListHost, done);
    engine_.schedule(done, Event{EventType::copy_served, k, post});
    return true;
  }

  void on_copy_served(std::uint32_t k, MessageId post) {
    const Address address = people_[k].address;
    const ActorId env_sender = list_envelope_sender(post);
    if (address == Address::valid)
      person_receives(actor_of(k), post, env_sender);
    else
      return_to_sender(post, actor_of(k), env_sender, kListHost,
                       address == Address::dead ? "dead_address" : "mailbox_full");
  }

  // Member v's non-candidate readings of the broadcasts that left for v before `now` and were
  // not looked at yet, appended to `list` with their reading times (only clarifications: at the
  // horizon, when nothing else can change an outcome). Readings still ahead go back to the kept
  // readings with the rest; a broadcast is looked at once per member.
  void gather_broadcast(std::uint32_t v, Time now, bool only_clarifications, std::vector<PendingRead>& list) {
    if (v >= bcast_cursor_.size() || !ordinary(v)) return;  // (empty in reference mode)
    std::uint32_t i = bcast_cursor_[v];
    const Person& who = people_[v];
    const double read = 1.0 - p_.behaviour.never_read;
    // Only clarifications (at the horizon): straight to the clarification broadcasts, instead of
    // looking at every broadcast for every member (a second or more of a large run).
    auto clarification = std::lower_bound(clarification_broadcasts_.begin(), clarification_broadcasts_.end(), i);
    for (;; ++i) {
      if (only_clarifications) {
        if (clarification == clarification_broadcasts_.end()) {
          i = static_cast<std::uint32_t>(broadcasts_.size());
          break;
        }
        i = *clarification++;
      }
      if (i >= broadcasts_.size()) break;
      const Broadcast& b = broadcasts_[i];
      // (For a copy not sent yet the skipped list may be short, which only puts it later still.)
      const Time drip = drip_time(b, v);
      if (drip >= now) break;  // later broadcasts reached v later still
      if (!b.readings || std::binary_search(b.skipped.begin(), b.skipped.end(), v) ||
          (only_clarifications && messages_[b.post].kind != MessageKind::clarification) ||
          std::binary_search(b.exceptions.begin(), b.exceptions.end(), v))
        continue;
      const CopyDraws d = copy_draws(i, v, drip, hosts_[who.host]);
      if (d.done >= horizon_ || d.u >= read || d.u < read * broadcast_q(b, v)) continue;  // not read, or a candidate
      sim::RandomStream rest = d.s.rest();
      const Time at = read_time(who, rest, d.done);
      if (at < horizon_) list.push_back(PendingRead{at, b.post, true});
    }
    bcast_cursor_[v] = i;
  }

  // Bounds of the four reaction probabilities of a reading of mid by `who` over every state
  // the reader can be in (see on_read), and q, the probability that one of four uniforms falls
  // below its bound.
  struct Thinning {
    std::array<double, 4> bound{};
    double q = 0;
  };
  // The bounds depend on the message, the reader's class and whether the reader wrote it; the
  // copies of a post go out one after the other, so the last post's bounds are kept per class.
  Thinning thinning(const Person& who, ActorId me, MessageId mid) {
    // (A message's bounds change when the list accepts it: via_list is part of the key. Only
    // members' copies are cached.)
    const auto cls = static_cast<std::size_t>(who.cls);
    const bool via_list = messages_[mid].via_list_poster != kNoActor;
    const bool cacheable = messages_[mid].author != me && vertex_of(me) < p_.members;
    const bool hit = thinning_cache_post_ == mid && thinning_cache_via_list_ == via_list;
    if (cacheable && hit && thinning_cache_valid_[cls]) return thinning_cache_[cls];
    const Thinning th = thinning_uncached(who, me, mid);
    if (cacheable) {
      if (!hit) {
        thinning_cache_post_ = mid;
        thinning_cache_via_list_ = via_list;
        thinning_cache_valid_ = {};
      }
      if (!thinning_cache_valid_[cls]) {
        thinning_cache_[cls] = th;
        thinning_cache_valid_[cls] = true;
      }
    }
    return th;
  }
  Thinning thinning_uncached(const Person& who, ActorId me, MessageId mid) const {
    Thinning th;
    const Message& m = messages_[mid];
    if (!storm_content(m.kind) || (m.kind == MessageKind::auto_reply && m.via_list_poster == kNoActor)) return th;
    const BehaviourParams& b = p_.behaviour;
    const double mult =
        class_multiplier(who) * std::max(1.0, b.clarification_damping) * std::max(1.0, b.repeat_factor);
    if (m.kind == MessageKind::first_mail || m.kind == MessageKind::chain_forward)
      th.bound[0] = std::min(1.0, std::max(0.0, concern_of(mid)) * mult);
    if (m.via_list_poster != kNoActor && vertex_of(me) < p_.members && m.author != me) {
      const double most_read = static_cast<double>(std::min<std::int64_t>(UINT16_MAX, std::max<std::int64_t>(0, b.annoyance_cap)));
      const double f = std::max(1.0, 1.0 + b.annoyance_growth * most_read) * mult;
      th.bound[1] = std::min(1.0, b.followup_reply_all * f);
      th.bound[2] = std::min(1.0, b.remove_me * f);
      th.bound[3] = std::min(1.0, b.stop_replying * f);
    }
    double none = 1.0;
    for (double u : th.bound) none *= 1.0 - u;
    th.q = 1.0 - none;
    return th;
  }

  // Four independent uniforms conditional on at least one falling below its bound: the first
  // below-bound index is chosen with its conditional probability, the ones before it are drawn
  // above their bounds, the ones after it freely.
  static std::array<double, 4> conditional_uniforms(const Thinning& th, sim::RandomStream& r) {
    std::array<double, 4> suffix_none{};  // P(no uniform from i on is below its bound)
    double none = 1.0;
    for (std::size_t i = 4; i-- > 0;) {
      none *= 1.0 - th.bound[i];
      suffix_none[i] = none;
    }
    std::array<double, 4> u{};
    bool found = false;
    for (std::size_t i = 0; i < 4; ++i) {
      const double p = th.bound[i];
      if (found) {
        u[i] = r.uniform01();
      } else if (p > 0 && r.uniform01() * (1.0 - suffix_none[i]) < p) {
        u[i] = r.uniform01() * p;
        found = true;
      } else {
        u[i] = p + (1.0 - p) * r.uniform01();
      }
    }
    return u;
  }

  Time read_time(const Person& who, sim::RandomStream& r, Time from) const {
    const double active_h = reading_.sample_hours(r);
    const ActivityProfile& profile = who.home_reader ? home_profile_ : office_profile_;
    return profile.advance(p_.calendar, from, active_h);
  }

  // A list copy served without events reaches ordinary member v at time `at`.
  void virtual_receive(std::uint32_t v, MessageId post, Time at) {
    const Message& m = messages_[post];
    if (!reading_matters(v, post)) return;
    const Person& who = people_[v];
    sim::RandomStream& r = rngs_[v];
    if (m.kind == MessageKind::bounce) {  // one's own reply bounced: read as in reference mode
      if (r.bernoulli(p_.behaviour.never_read)) return;
      const Time when = read_time(who, r, at);
      if (when < horizon_) engine_.schedule(when, Event{EventType::read, v, post});
      return;
    }
    const Thinning th = thinning(who, actor_of(v), post);
    const double read = 1.0 - p_.behaviour.never_read;
    const double candidate = read * th.q;  // read, and some uniform below its bound
    if (candidate > 0 && r.bernoulli(candidate)) {
      const Time when = read_time(who, r, at);
      if (when < horizon_) engine_.schedule(when, Event{EventType::read_candidate, v, post});
      return;
    }
    // Not a candidate: kept with its delivery time; whether and when it is read is drawn when
    // the reader's state is next needed (flush_pending), with the probability of being read
    // given that it is not a candidate.
    keep_reading(v, PendingRead{at, post, false});
  }

  // Kept readings: one singly linked list per reader in a shared pool (no allocation per reader).
  void keep_reading(std::uint32_t v, const PendingRead& r) {
    if (pending_head_.size() <= v) {
      pending_head_.resize(v + 1, kNoNode);
      pending_due_.resize(v + 1, Time::never());
    }
    pending_due_[v] = std::min(pending_due_[v], r.at);
    std::uint32_t node;
    if (pending_free_ != kNoNode) {
      node = pending_free_;
      pending_free_ = pending_nodes_[node].next;
    } else {
      node = static_cast<std::uint32_t>(pending_nodes_.size());
      pending_nodes_.emplace_back();
    }
    pending_nodes_[node] = PendingNode{r, pending_head_[v]};
    pending_head_[v] = node;
  }

  // Whether reading message mid can change anything for reader v (see absorb and on_read): a
  // clarification, a bounce of v's own private reply, or storm content (an auto-reply only when
  // it came through the list).
  bool reading_matters(std::uint32_t v, MessageId mid) const {
    const Message& m = messages_[mid];
    if (m.kind == MessageKind::clarification) return true;
    if (m.kind == MessageKind::bounce)
      return m.parent != kNoMessage && messages_[m.parent].author == actor_of(v) &&
             messages_[m.parent].kind == MessageKind::private_reply;
    if (m.kind == MessageKind::auto_reply) return m.via_list_poster != kNoActor;
    return storm_content(m.kind);
  }

  void on_read_candidate(std::uint32_t v, MessageId post) {
    flush_pending(v, engine_.now());
    const Thinning th = thinning(people_[v], actor_of(v), post);
    const std::array<double, 4> u = conditional_uniforms(th, rngs_[v]);
    on_read(v, post, &u);
  }

  // Applies v's kept readings before `now`, in reading-time order (only clarifications: at the
  // horizon, when nothing else they change is seen).
  void flush_pending(std::uint32_t v, Time now, bool only_clarifications = false) {
    if (!fast_) return;
    auto& list = flush_scratch_;
    list.clear();
    sim::RandomStream& r = rngs_[v];
    const double read = 1.0 - p_.behaviour.never_read;
    // The kept readings are walked only when one may be due: before its reading time is drawn,
    // a reading's delivery time bounds it from below.
    if (v < pending_head_.size() && pending_head_[v] != kNoNode && pending_due_[v] < now) {
      pending_due_[v] = Time::never();
      for (std::uint32_t node = pending_head_[v]; node != kNoNode;) {
        const std::uint32_t next = pending_nodes_[node].next;
        list.push_back(pending_nodes_[node].reading);
        pending_nodes_[node].next = pending_free_;
        pending_free_ = node;
        node = next;
      }
      pending_head_[v] = kNoNode;
      std::size_t kept = 0;
      for (PendingRead& p : list) {
        if (only_clarifications && messages_[p.post].kind != MessageKind::clarification) continue;
        if (!p.read_time_drawn) {  // p.at is the delivery time
          const double q = thinning(people_[v], actor_of(v), p.post).q;
          if (!r.bernoulli(read * (1.0 - q) / (1.0 - read * q))) continue;  // never read
          p.at = read_time(people_[v], r, p.at);
          p.read_time_drawn = true;
          if (p.at >= horizon_) continue;
        }
        list[kept++] = p;
      }
      list.resize(kept);
    }
    gather_broadcast(v, now, only_clarifications, list);
    if (list.empty()) return;
    std::sort(list.begin(), list.end(), [](const PendingRead& a, const PendingRead& b) { return a.at < b.at; });
    std::size_t n = 0;
    for (; n < list.size() && list[n].at < now; ++n) absorb(v, list[n].post, list[n].at);
    for (std::size_t i = list.size(); i-- > n;) keep_reading(v, list[i]);  // still ahead: kept
  }

  bool sender_reachable_at(Time t) const {
    bool up = true;
    for (const auto& [when, state] : sender_up_changes_)
      if (when <= t) up = state;
    return up;
  }

  bool can_park(const Envelope& env) const {
    const bool warning_due = p_.retry.delay_warning_after.us > 0 && !env.warned && env.env_sender != kNoActor;
    return !warning_due && !hosts_[host_of(env.to)].up;
  }

  void park(std::uint32_t e) {
    Envelope& env = envelopes_[e];
    env.park_ticket = ++park_tickets_;
    env.parked_at = engine_.now();
    hosts_[host_of(env.to)].parked.emplace_back(e, env.park_ticket);
    engine_.schedule(env.first_attempt + p_.retry.queue_lifetime, Event{EventType::park_expiry, e, env.park_ticket});
  }

  // Counts the retries a parked envelope makes from `from` until `until` (each refused: its
  // destination is down) as reference mode counts them; returns the first retry at or after
  // `until`.
  Time replay_refused_retries(const Envelope& env, Time from, Time until) {
    Time t = from;
    for (;;) {
      const Time next = next_retry(env, t);
      if (next >= until) return next;
      ++hosts_[env.from_host].figures.retries;
      ++hosts_[host_of(env.to)].figures.refused;
      ++hosts_[env.from_host].figures.deferred;
      t = next;
    }
  }

  void on_park_expiry(std::uint32_t e, std::uint32_t ticket) {
    Envelope& env = envelopes_[e];
    if (!env.live || env.park_ticket != ticket) return;  // brought back before it expired
    env.park_ticket = 0;
    replay_refused_retries(env, env.parked_at, engine_.now());
    on_retry(e);  // the last retry, at the end of the queue lifetime: it fails
  }

  void unpark_all(std::uint32_t host) {
    const Time now = engine_.now();
    for (const auto& [e, ticket] : hosts_[host].parked) {
      Envelope& env = envelopes_[e];
      if (!env.live || env.park_ticket != ticket) continue;
      env.park_ticket = 0;
      engine_.schedule(replay_refused_retries(env, env.parked_at, now), Event{EventType::retry, e, 0});
    }
    hosts_[host].parked.clear();
  }

  // ------------------------------------------------------------------------ dispatch -------
  void handle(const Event& e) {
    switch (e.type) {
      case EventType::first_mail: on_first_mail(); break;
      case EventType::service_done: on_service_done(e.a, e.b); break;
      case EventType::retry: on_retry(e.a); break;
      case EventType::list_drip: on_list_drip(); break;
      case EventType::read: on_read(e.a, e.b); break;  // flushes kept readings first (fast mode)
      case EventType::host_restore: on_host_restore(); break;
      case EventType::explanation: on_explanation(); break;
      case EventType::operator_acts: on_operator_acts(); break;
      case EventType::sender_answer: on_sender_answer(e.b); break;
      case EventType::bounce_warning: on_bounce_warning(e.a); break;
      case EventType::bin_tick: on_bin_tick(); break;
      case EventType::read_candidate: on_read_candidate(e.a, e.b); break;
      case EventType::host_wake: on_host_wake(e.a); break;
      case EventType::park_expiry: on_park_expiry(e.a, e.b); break;
      case EventType::retry_due: on_retry_due(e.a); break;
      case EventType::copy_served: on_copy_served(e.a, e.b); break;
    }
  }

  double level_of(std::uint32_t h) const {
    return static_cast<double>(hosts_[h].busy) + static_cast<double>(hosts_[h].waiting.size()) +
           static_cast<double>(settle_virtual(hosts_[h], engine_.now()));
  }
  double outbound_pending() const {
    double outbound = 0;
    for (const Outbound& o : outbound_) outbound += static_cast<double>(list_size() - o.next);
    return outbound;
  }
  // All domain hosts together, now (the live view): envelopes with events (a running sum: a loop
  // over hundreds of hosts every bin was a fifth of a run) and copies served without events.
  double domains_level() const {
    std::int64_t in_virtual = 0;
    for (std::size_t h = kFirstDomainHost; h < hosts_.size(); ++h) in_virtual += settle_virtual(hosts_[h], engine_.now());
    return static_cast<double>(domains_level_ + in_virtual);
  }
  // The time series samples the domain queues at the end of every bin, T_j = (j + 1) * bin, after
  // everything else due then. A copy served without events at a domain host from `arrive` to
  // `done` is in them at T_j when arrive <= T_j < done: a difference array over j, one addition
  // and one subtraction per copy instead of a heap of every departure.
  void count_virtual_in_domains(Time arrive, Time done) {
    // The first j with T_j >= t: t's bin, or the one before when t falls on a bin's end.
    auto first_sample = [this](Time t) -> std::size_t {
      const std::size_t b = bin_of(t);
      return t.us == bin_cache_.lo && b > 0 ? b - 1 : b;
    };
    const std::size_t first = first_sample(arrive);
    const std::size_t past = first_sample(done);
    if (past <= first) return;
    if (domain_virtual_diff_.size() <= past) domain_virtual_diff_.resize(past + 1, 0);
    ++domain_virtual_diff_[first];
    --domain_virtual_diff_[past];
  }
  static std::vector<std::string> series_columns() {
    std::vector<std::string> columns;
    for (std::size_t k = 0; k < kMessageKinds; ++k)
      columns.push_back("created_" + std::string(kind_name(static_cast<MessageKind>(k))));
    for (const char* c : {"delivered", "bounced", "sender_inbox", "complaints", "list_posts_accepted",
                          "queue_sender_host", "queue_list_host", "queue_list_outbound", "queue_domains",
                          "queue_outside"})
      columns.emplace_back(c);
    return columns;
  }

  void on_bin_tick() {
    // Queue levels at the end of the bin just finished.
    const Time now = engine_.now();
    const auto bin = static_cast<std::size_t>(now.us / p_.bin.us) - 1;
    if (rows_.size() <= bin) rows_.resize(bin + 1, std::vector<double>(col_count, 0.0));
    auto& row = rows_[bin];
    row[col_queue_sender_host] = level_of(kSenderHost);
    row[col_queue_list_host] = level_of(kListHost);
    row[col_queue_list_outbound] = outbound_pending();
    if (bin < domain_virtual_diff_.size()) domain_virtual_sampled_ += domain_virtual_diff_[bin];
    row[col_queue_domains] = static_cast<double>(domains_level_ + domain_virtual_sampled_);
    row[col_queue_outside] = level_of(kOutsideHost);
    if (now + p_.bin <= horizon_) engine_.schedule(now + p_.bin, Event{EventType::bin_tick, 0, 0}, 255);
  }

  // ------------------------------------------------------------------------ the books ------
  void finish() {
    const Time end = horizon_;
    if (fast_) {
      // Kept readings change an outcome at the end only through clarifications read.
      const bool clarifications_possible =
          p_.explanation != Explanation::none || p_.operator_apology || p_.sender_answers_share > 0;
      // Without the web board, a kept reading changes nothing seen at the end but a
      // clarification read.
      const bool web_board = p_.explanation == Explanation::web_board || p_.explanation == Explanation::both;
      if (clarifications_possible)
        for (std::uint32_t v = 0; v < pending_head_.size(); ++v)  // every member, and outsiders with kept readings
          flush_pending(v, end, !web_board);
      for (Host& h : hosts_)
        for (const auto& [e, ticket] : h.parked)
          if (envelopes_[e].live && envelopes_[e].park_ticket == ticket)
            replay_refused_retries(envelopes_[e], envelopes_[e].parked_at, end);
    }
    // Conservation: count every live envelope where it sits.
    std::uint64_t queued = 0;
    for (const Envelope& env : envelopes_) {
      if (!env.live) continue;
      ++queued;
      ++ledger_.queued_by_host[hosts_[env.at_host].name];
    }
    std::int64_t domains = 0;
    for (std::size_t h = kFirstDomainHost; h < hosts_.size(); ++h)
      domains += hosts_[h].busy + static_cast<std::int64_t>(hosts_[h].waiting.size());
    if (domains != domains_level_)
      throw std::logic_error("storm: the running sum of domain queue levels drifted (a bug)");
    std::uint64_t custody = 0;
    for (const Host& h : hosts_) {
      custody += h.in_custody + h.virtual_queued;
      queued += h.virtual_queued;
      if (h.virtual_queued > 0) ledger_.queued_by_host[h.name] += h.virtual_queued;
    }
    ledger_.queued = queued;
    if (!ledger_.balanced() || custody != queued)
      throw ConservationError("the books do not balance: " + ledger_.describe() +
                              " (envelopes in hosts' custody: " + std::to_string(custody) + ")");

    // Peaks by clock hour.
    auto peak = [&](const std::vector<std::uint32_t>& per_hour, std::uint64_t& value, Time& at) {
      value = 0;
      at = Time::never();
      for (std::size_t k = 0; k < per_hour.size(); ++k)
        if (per_hour[k] > value) {
          value = per_hour[k];
          at = std::max(Time{0}, hour_index_start(k));
        }
    };
    peak(sender_inbox_per_hour_, out_.sender_inbox_peak_per_hour, out_.sender_inbox_peak_at);
    std::uint64_t uproar_peak = 0;
    peak(uproar_per_hour_, uproar_peak, out_.uproar_peak_at);
    out_.time_to_peak_s = out_.sender_inbox_peak_at == Time::never() ? 0 : out_.sender_inbox_peak_at.seconds();
    out_.time_to_quiet_s = 0;
    for (std::size_t k = reactions_per_hour_.size(); k-- > 0;)
      if (reactions_per_hour_[k] > static_cast<std::uint64_t>(p_.quiet_threshold_per_hour)) {
        out_.time_to_quiet_s = std::min(end, hour_index_start(k + 1)).seconds();
        break;
      }
    out_.cascade_depth_max = depth_max_;
    out_.cascade_messages = messages_.size();
    out_.list_copies_delivered = list_copies_delivered_;

    for (Host& h : hosts_) {
      HostFigures f = h.figures;
      f.name = h.name;
      f.mean_queue = h.level.mean(end) + (end.us > 0 ? h.virtual_sojourn_s / end.seconds() : 0.0);
      for (std::uint32_t n : h.accepted_per_hour) f.peak_inbound_per_hour = std::max<double>(f.peak_inbound_per_hour, n);
      f.down_hours = (h.down_s + (h.down_since != Time::never() ? (end - h.down_since).seconds() : 0.0)) / 3600.0;
      // Keep the named hosts and the busiest domains; 400 domain rows would drown the summary.
      result_.hosts.push_back(f);
    }
    std::sort(result_.hosts.begin() + kFirstDomainHost, result_.hosts.end(),
              [](const HostFigures& a, const HostFigures& b) {
                return a.accepted != b.accepted ? a.accepted > b.accepted : a.name < b.name;
              });
    if (result_.hosts.size() > kFirstDomainHost + 10) result_.hosts.resize(kFirstDomainHost + 10);

    TimeSeries& ts = result_.timeseries;
    ts.bin = p_.bin;
    ts.columns = series_columns();
    const auto bins = static_cast<std::size_t>((p_.horizon.us + p_.bin.us - 1) / p_.bin.us);
    rows_.resize(std::max(rows_.size(), bins), std::vector<double>(col_count, 0.0));
    rows_.resize(bins);
    ts.rows = std::move(rows_);

    if (options_.record_cascade) {
      result_.cascade.reserve(messages_.size());
      for (std::size_t i = 0; i < messages_.size(); ++i) {
        const Message& m = messages_[i];
        result_.cascade.push_back(CascadeRow{static_cast<MessageId>(i), m.parent, m.kind, m.author,
                                             m.generation, m.created, m.first_delivered});
      }
    }
    result_.outcomes = out_;
    result_.ledger = ledger_;
    result_.events_handled = engine_.events_handled();
    result_.members = static_cast<std::uint64_t>(p_.members);
    result_.outsiders_created = people_.size() - static_cast<std::size_t>(p_.members);
    result_.horizon = end;
    result_.contact_degree_counts = graph_->degree_counts();
    result_.calendar = p_.calendar;
  }

  StormParams p_;
  RunOptions options_;
  sim::Engine<Event> engine_;
  sim::StreamFamily streams_;  // every stream of this run: (seed, replication, stream id)
  sim::RandomStream list_rng_;
  StormProtection protection_;
  BounceProcessor bounces_;
  ActivityProfile home_profile_, office_profile_, operator_profile_;
  int operator_working_hours_;  // hours a week the operator works (see operator_hours)
  ReadingDelayModel reading_;
  Autoresponder autoresponder_;
  std::unique_ptr<ContactGraph> graph_;
  sim::AliasTable domain_choice_;

  std::vector<Host> hosts_;
  sim::LargeVector<sim::RandomStream> host_rngs_;
  sim::LargeVector<Person> people_;
  sim::LargeVector<sim::RandomStream> rngs_;
  sim::LargeVector<Message> messages_;
  sim::LargeVector<Envelope> envelopes_;
  std::vector<std::uint32_t> free_envelopes_;

  std::deque<Outbound> outbound_;
  bool dripping_ = false;
  bool emergency_ = false, list_closed_ = false, daily_hold_ = false, operator_told_ = false;
  std::int64_t post_day_ = -1, posts_today_ = 0;
  std::unordered_map<ActorId, std::deque<Time>> verbosity_;
  std::deque<Time> sender_recent_;
  bool shut_down_once_ = false;
  Time explanation_at_ = Time::never();
  MessageId first_mail_ = kNoMessage;

  // Fast mode.
  bool fast_ = false;
  sim::LargeVector<PendingNode> pending_nodes_;  // readings kept by thinning, all readers
  std::uint32_t pending_free_ = kNoNode;
  sim::LargeVector<std::uint32_t> pending_head_;  // per reader: first kept reading
  sim::LargeVector<Time> pending_due_;            // per reader: no kept reading is read before it
  std::vector<PendingRead> flush_scratch_;
  std::int64_t drip_step_us_ = 0;            // the list's time between two copies
  std::vector<Broadcast> broadcasts_;
  sim::LargeVector<std::uint32_t> bcast_cursor_;  // per member: the first broadcast not looked at yet
  std::vector<std::uint32_t> clarification_broadcasts_;  // the broadcasts of clarifications, ascending
  std::vector<std::pair<Time, bool>> sender_up_changes_;  // when the sender's host went down/up
  std::uint32_t park_tickets_ = 0;
  std::uint64_t retry_sequence_ = 0;  // fast mode: FIFO order of retries due at one instant
  MessageId thinning_cache_post_ = kNoMessage;
  bool thinning_cache_via_list_ = false;
  std::array<Thinning, 3> thinning_cache_{};
  std::array<bool, 3> thinning_cache_valid_{};

  std::int64_t domains_level_ = 0;  // sum of the domain hosts' level_recorded
  std::vector<std::int64_t> domain_virtual_diff_;  // see count_virtual_in_domains
  std::int64_t domain_virtual_sampled_ = 0;          // its prefix sum up to the last bin sampled

  Time horizon_{};
  std::int64_t hour_offset_s_ = 0;
  struct IndexCache {
    std::size_t index = 0;
    std::int64_t lo = 1, hi = 0;  // [lo, hi) in microseconds; empty at first
  };
  mutable IndexCache hour_cache_, bin_cache_;
  std::vector<std::uint32_t> sender_inbox_per_hour_, uproar_per_hour_, reactions_per_hour_;
  std::vector<std::vector<double>> rows_;
  std::uint64_t depth_max_ = 0;
  std::uint64_t list_copies_delivered_ = 0;
  Outcomes out_;
  Ledger ledger_;
  RunResult result_;
};

}  // namespace

bool Ledger::balanced() const { return created == delivered + bounced + dropped + held + queued; }

std::string Ledger::describe() const {
  std::string s = "created " + std::to_string(created) + " = delivered " + std::to_string(delivered) +
                  " + bounced " + std::to_string(bounced) + " + dropped " + std::to_string(dropped) +
                  " + held " + std::to_string(held) + " + queued " + std::to_string(queued);
  const auto sum = delivered + bounced + dropped + held + queued;
  s += sum == created ? " (balanced)" : " (off by " + std::to_string(static_cast<long long>(created - sum)) + ")";
  return s;
}

const char* to_string(Mode mode) { return mode == Mode::fast ? "fast" : "reference"; }

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "reference") return Mode::reference;
  if (text == "fast") return Mode::fast;
  return std::nullopt;
}

RunResult run_storm(const scenario::Scenario& scenario, const RunOptions& options) {
  Storm storm(scenario, options);
  return storm.run();
}

struct StormRun::Impl {
  Storm storm;
  bool finished = false;
  Impl(const scenario::Scenario& s, const RunOptions& o) : storm(s, o) { storm.start(); }
};

StormRun::StormRun(const scenario::Scenario& scenario, const RunOptions& options)
    : impl_(std::make_unique<Impl>(scenario, options)) {}
StormRun::~StormRun() = default;
StormRun::StormRun(StormRun&&) noexcept = default;
StormRun& StormRun::operator=(StormRun&&) noexcept = default;

bool StormRun::advance_to(sim::Time t) { return impl_->storm.advance(t); }
sim::Time StormRun::now() const { return impl_->storm.now(); }
sim::Time StormRun::horizon() const { return impl_->storm.horizon(); }
LiveSnapshot StormRun::snapshot() const { return impl_->storm.snapshot(); }
bool StormRun::intervene(Intervention what) { return impl_->storm.intervene(what); }
RunResult StormRun::finish() {
  if (impl_->finished) throw std::logic_error("StormRun::finish called twice");
  impl_->finished = true;
  return impl_->storm.finish_run();
}

std::uint64_t estimate_memory_bytes(const scenario::Scenario& s, Mode mode) {
  const auto members = static_cast<std::uint64_t>(s.integer("population.members"));
  const auto domains = static_cast<std::uint64_t>(s.integer("population.domains"));
  const std::uint64_t horizon_bins =
      static_cast<std::uint64_t>(s.duration("run.horizon").us / std::max<std::int64_t>(1, s.duration("run.bin").us));
  // Per member: person record, random stream and bounce state (~200 bytes, with room), and a
  // storm's working set of messages and envelopes that scales with the list: in reference mode
  // ~150 bytes per member per accepted post, for a few dozen posts in flight; in fast mode list
  // copies to members keep no memory (broadcasts), and ~300 bytes per member cover the rest
  // (measured: 515 MB for mega-list-1m and 2.76 GB for mega-list-10m when members also had a
  // graph vertex each; 344 MB and 2.17 GB at bb3aaa3). An upper bound, not a prediction.
  const std::uint64_t working_set = mode == Mode::fast ? members * 300 : members * 150 * 8;
  return members * 200 + working_set + domains * 4096 + horizon_bins * 20 * 8 + (64u << 20);
}

std::optional<std::string> refuse_if_too_large(const scenario::Scenario& s, std::uint64_t available, Mode mode) {
  const std::uint64_t need = estimate_memory_bytes(s, mode);
  if (need <= available) return std::nullopt;
  return "this scenario needs about " + std::to_string(need >> 20) + " MiB in " + to_string(mode) +
         " mode (population.members = " +
         std::to_string(s.integer("population.members")) + ", run.horizon / run.bin = " +
         std::to_string(s.duration("run.horizon").us / std::max<std::int64_t>(1, s.duration("run.bin").us)) +
         " bins) but only " + std::to_string(available >> 20) + " MiB are available";
}

}  // namespace mailstorm::models
