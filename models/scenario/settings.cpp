// Every setting of the mail world: defaults are the real systems' defaults where one exists
// (real-world-knobs.md) and calibration.md's figures for behaviour; scenario files switch the
// mistakes on (scenarios/bestboy-2000.toml sets each one, with a comment on what it stands for).
#include "models/scenario/settings.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mailstorm::models {
namespace {

using scenario::Registry;
using scenario::SettingSpec;
using scenario::SettingType;
using scenario::Value;

struct Adder {
  Registry& r;

  void add(std::string name, SettingType type, Value def, std::string unit, std::optional<double> lo,
           std::optional<double> hi, std::string help, std::string real_world,
           std::vector<std::string> choices = {}) {
    SettingSpec s;
    s.name = std::move(name);
    s.type = type;
    s.default_value = std::move(def);
    s.unit = std::move(unit);
    s.min = lo;
    s.max = hi;
    s.help = std::move(help);
    s.real_world = std::move(real_world);
    s.choices = std::move(choices);
    r.add(std::move(s));
  }
  void flag(std::string name, bool def, std::string help, std::string real_world) {
    add(std::move(name), SettingType::boolean, def, "", std::nullopt, std::nullopt, std::move(help),
        std::move(real_world));
  }
  void prob(std::string name, double def, std::string help, std::string real_world = "") {
    add(std::move(name), SettingType::probability, def, "share", 0.0, 1.0, std::move(help),
        std::move(real_world));
  }
  void real(std::string name, double def, std::string unit, double lo, double hi, std::string help,
            std::string real_world = "") {
    add(std::move(name), SettingType::real, def, std::move(unit), lo, hi, std::move(help),
        std::move(real_world));
  }
  void integer(std::string name, std::int64_t def, std::string unit, double lo, double hi,
               std::string help, std::string real_world = "") {
    add(std::move(name), SettingType::integer, def, std::move(unit), lo, hi, std::move(help),
        std::move(real_world));
  }
  void duration(std::string name, sim::Duration def, double lo_s, double hi_s, std::string help,
                std::string real_world = "") {
    add(std::move(name), SettingType::duration, def, "duration", lo_s, hi_s, std::move(help),
        std::move(real_world));
  }
  void rate(std::string name, double def_per_s, double lo, double hi, std::string help,
            std::string real_world = "") {
    add(std::move(name), SettingType::rate, def_per_s, "per second", lo, hi, std::move(help),
        std::move(real_world));
  }
  void choice(std::string name, std::string def, std::vector<std::string> choices, std::string help,
              std::string real_world = "") {
    add(std::move(name), SettingType::choice, std::move(def), "", std::nullopt, std::nullopt,
        std::move(help), std::move(real_world), std::move(choices));
  }
};

constexpr double kYear = 366.0 * 86400;

Registry build() {
  Registry reg;
  Adder a{reg};
  using sim::days;
  using sim::hours;
  using sim::minutes;
  using sim::seconds;

  // --- the run -------------------------------------------------------------------------------
  a.add("run.start", SettingType::datetime, std::string("2000-06-24T13:17:00+09:00"), "", std::nullopt,
        std::nullopt, "Local date-time and UTC offset at which the simulation starts (day of week and "
        "hour of day drive reading and the operator's hours).", "");
  a.duration("run.horizon", days(10), 3600, kYear, "How long to simulate.");
  a.duration("run.bin", minutes(1), 1, 86400, "Width of a time-series bin in timeseries.csv.");
  a.integer("run.quiet_threshold_per_hour", 10, "messages/hour", 0, 1e9,
            "The storm is quiet after the last clock hour in which people's reactions (messages "
            "they wrote plus complaints) exceeded this.");

  // --- the population ------------------------------------------------------------------------
  a.integer("population.members", 18000, "members", 1, 20'000'000, "List subscribers.");
  a.integer("population.domains", 400, "domains", 1, 1'000'000,
            "Recipient mail domains, one mail host each; sizes are Zipf-distributed (a few big "
            "providers, a long tail).");
  a.real("population.domain_zipf_exponent", 1.1, "", 0.0, 5.0, "Zipf exponent of domain sizes.");
  a.prob("population.dead_share", 0.05,
         "Share of member addresses that no longer exist (hard bounce 5.1.1). An old list decays "
         "about 22.5 % a year; one unused for ten months bounced about 17 %.");
  a.prob("population.full_mailbox_share", 0.02, "Share of member mailboxes that are full.");
  a.prob("population.home_reader_share", 0.5,
         "Share of people who read mail on the home profile (the rest on the office profile).");
  a.choice("population.home_profile", "home_evening", {"flat", "office", "home_evening", "dialup_jp2000"},
           "Weekly reading-activity profile of home readers.");
  a.choice("population.office_profile", "office", {"flat", "office", "home_evening", "dialup_jp2000"},
           "Weekly reading-activity profile of office readers.");
  a.prob("population.reactive_share", 0.1, "Share of people in the 'reactive' class (react more).");
  a.prob("population.calm_share", 0.5, "Share of people in the 'calm' class (react less).");
  a.real("population.reactive_multiplier", 4.0, "x", 0, 100, "Reaction multiplier of the reactive class.");
  a.real("population.calm_multiplier", 0.3, "x", 0, 100, "Reaction multiplier of the calm class.");
  a.integer("population.forwarding_loops", 0, "addresses", 0, 1000,
            "Member addresses that forward everything they get back to the list (the classic list "
            "loop, caught by loop detection).");
  a.choice("population.contact_graph", "generated", {"generated", "file"},
           "Contacts outside the list: a graph generated on demand with heavy-tailed degrees, or "
           "loaded from an edge-list file (first population.members vertices are the members).");
  a.add("population.contact_graph_file", SettingType::path, std::string(""), "", std::nullopt,
        std::nullopt, "Edge list (two vertex numbers per line, # comments) when contact_graph = file.", "");
  a.real("population.contacts_mean", 20.0, "contacts", 1, 10000,
         "Mean number of contacts a person has outside the list (degree of the contact graph).");
  a.real("population.contacts_degree_exponent", 2.5, "", 2.01, 5.0,
         "Power-law exponent of the contact-graph degree distribution.");
  a.prob("population.contact_overlap", 0.1,
         "Chance that a contact of someone reached is someone already reached (several copies "
         "of the same chain mail, as the Sendai caller got).");

  // --- the first mail and the sender ---------------------------------------------------------
  a.choice("first_mail.to", "owner", {"list", "owner"},
           "Where the sender's mail goes: the list owner (as meant) or the list's posting "
           "address (the bestboy mistake: 'owner-' removed from the address).",
           "Majordomo owner-LIST vs LIST");
  a.real("first_mail.alarm", 0.0, "0..1", 0.0, 1.0,
         "Tone of the first mail: 0 harmless, 1 alarming ('illegal access').");
  a.flag("first_mail.names_addressee", true,
         "The body names whom it is for; if not, every recipient believes it is meant for them.", "");
  a.integer("first_mail.size", 3000, "bytes", 100, 100'000'000, "Size of the first mail.");
  a.duration("first_mail.sent_after", seconds(0), 0, kYear, "When the first mail leaves, after the start.");
  a.flag("sender.is_member", true, "The sender is subscribed to the list himself.", "");
  a.flag("sender.shutdown_host", false,
         "The sender shuts his own mail host down when inbound mail floods it (then mail to him "
         "is refused, deferred, retried and finally bounced; his web page, on the same host, is gone).", "");
  a.integer("sender.shutdown_after_messages_per_hour", 1500, "messages/hour", 1, 1e9,
            "Inbound messages in the last hour that make him shut the host down.");
  a.duration("sender.restore_after", days(3), 60, kYear, "How long the host stays down.");
  a.choice("sender.explanation", "none", {"none", "web_board", "list_post", "both"},
           "Where the sender publishes an explanation: a web bulletin board (seen by a share of "
           "readers per hour), a post to the list, or both.");
  a.duration("sender.explanation_after", hours(4), 0, kYear, "When the explanation is published, after the first mail.");
  a.real("sender.explanation_reach_per_hour", 0.15, "per hour", 0, 100,
         "Web board: rate at which a reader of the storm has seen the explanation (P = 1 - exp(-rate*hours)).");
  a.prob("sender.answers_share", 0.0,
         "Share of private replies the sender answers individually (an explanation to that person).");
  a.duration("sender.answer_delay", hours(1), 0, kYear, "How long he takes to answer a reply.");

  // --- the list ------------------------------------------------------------------------------
  a.choice("list.posting_policy", "members_only",
           {"open", "members_only", "moderated", "announce_only", "announce_only_misconfigured"},
           "Who may post: anyone; members (non-members get list.nonmember_action); every post held "
           "for a moderator; only the owner; or an announce list whose check is broken and accepts anyone "
           "(the bestboy relay).",
           "Mailman default_member_action/default_nonmember_action; Majordomo restrict_post; "
           "LISTSERV Send=; Google Groups whoCanPostMessage");
  a.choice("list.nonmember_action", "hold", {"accept", "hold", "reject", "discard"},
           "What happens to a post from a non-member.", "Mailman default_nonmember_action (hold)");
  a.choice("list.reply_goes_to_list", "no_munging", {"no_munging", "point_to_list"},
           "Reply-To munging: with point_to_list a plain Reply goes to every member.",
           "Mailman reply_goes_to_list; Sympa reply_to_header; Google Groups replyTo");
  a.choice("list.envelope_sender", "owner", {"poster", "owner", "verp"},
           "Envelope sender of list copies, where bounces and compliant auto-replies go: the "
           "poster (backscatter mistake), the owner/bounce address, or VERP per member.",
           "Mailman LIST-bounces, verp_delivery_interval; Majordomo sender owner-LIST; LISTSERV Safe=Yes; "
           "RFC 5321 section 3.10");
  a.flag("list.headers", true,
         "Add List-Id, List-Post and Precedence: list to copies (compliant auto-responders then stay "
         "quiet; Mailman 3's loop detection needs List-Post).", "RFC 2369 / RFC 2919; Mailman; Majordomo precedence");
  a.flag("list.loop_detection", true, "Discard posts that carry this list's own List-Post / X-BeenThere.",
         "Mailman 3 loop rule, Mailman 2.1 X-BeenThere, Sympa X-Loop");
  a.choice("list.administrivia", "mailman_narrow", {"off", "mailman_narrow", "majordomo_broad"},
           "Hold posts that look like commands ('unsubscribe', 'remove me'): Mailman only catches a "
           "command word first, Majordomo's patterns catch far more.", "Mailman/Majordomo administrivia");
  a.integer("list.max_num_recipients", 10, "addresses", 0, 1e6,
            "Hold a post with this many To+Cc addresses or more (0 = off).", "Mailman max_num_recipients (10)");
  a.integer("list.verbosity_threshold", 0, "posts", 0, 1e6,
            "Hold a member's posts beyond this many per list.verbosity_interval (0 = off).",
            "Mailman 2.1 member_verbosity_threshold");
  a.duration("list.verbosity_interval", seconds(300), 1, kYear, "Window of the verbosity limit.",
             "Mailman 2.1 member_verbosity_interval (300 s)");
  a.integer("list.daily_threshold", 0, "posts/day", 0, 1e9,
            "Put the whole list on hold after this many posts in a day, until the owner frees it (0 = off).",
            "LISTSERV Daily-Threshold= (50)");
  a.rate("list.outbound_rate", 60.0, 0.001, 1e6, "Copies per second the list server sends out.",
         "Postfix/sendmail throughput of the list host");
  a.flag("list.emergency_moderation", false, "Hold every post from the start.", "Mailman emergency");

  a.flag("storm_protection.enabled", false, "Reply-all storm protection.",
         "Exchange Online ReplyAllStormProtectionEnabled");
  a.integer("storm_protection.minimum_recipients", 2500, "recipients", 1, 1e9,
            "Only conversations sent to at least this many.", "ReplyAllStormDetectionMinimumRecipients (2500)");
  a.integer("storm_protection.minimum_replies", 10, "replies", 1, 1e9,
            "Reply-alls within 60 minutes that trigger the block.", "ReplyAllStormDetectionMinimumReplies (10)");
  a.duration("storm_protection.block_duration", hours(6), 60, kYear, "How long the block lasts.",
             "ReplyAllStormBlockDurationHours (6)");
  a.duration("storm_protection.propagation_lag", minutes(5), 0, 86400,
             "Time for the block to take effect after detection.", "vendor documentation: minutes");

  a.flag("bounce.processing", true, "Score bounces and disable members whose addresses keep bouncing.",
         "Mailman process_bounces");
  a.real("bounce.score_threshold", 5.0, "points", 0.1, 1e6, "Score that disables delivery.",
         "Mailman bounce_score_threshold (5.0)");
  a.duration("bounce.stale_after", days(7), 60, kYear, "A score older than this starts afresh.",
             "Mailman bounce_info_stale_after (7 d)");
  a.integer("bounce.warnings", 3, "notices", 0, 100, "Notices sent to a disabled member before removal.",
            "Mailman bounce_you_are_disabled_warnings (3)");
  a.duration("bounce.warning_interval", days(7), 60, kYear, "Time between those notices.",
             "Mailman bounce_you_are_disabled_warnings_interval (7 d)");

  // --- mail hosts ----------------------------------------------------------------------------
  a.rate("hosts.domain_capacity", 10.0, 0.001, 1e6,
         "Inbound messages per second a recipient domain's host handles per 1,000 members it serves "
         "(at least this much for small domains).", "MTA throughput");
  a.integer("hosts.domain_concurrency", 20, "sessions", 1, 100000, "Parallel inbound deliveries per domain host.",
            "Postfix default_destination_concurrency_limit (20)");
  a.integer("hosts.domain_spool_limit", 20000, "messages", 1, 1e9,
            "Messages a domain host queues before refusing with 4xx.", "Postfix qmgr_message_active_limit (20000)");
  a.rate("hosts.domain_rate_limit", 0.0, 0.0, 1e6,
         "Per-host limit on accepted messages per second; excess answered 4xx (0 = off).",
         "Postfix smtpd_client_message_rate_limit (off)");
  a.rate("hosts.sender_capacity", 2.0, 0.001, 1e6, "Inbound messages per second the sender's own host handles.");
  a.integer("hosts.sender_concurrency", 10, "sessions", 1, 100000, "Parallel inbound deliveries at the sender's host.");
  a.integer("hosts.sender_spool_limit", 5000, "messages", 1, 1e9, "Queue limit of the sender's host.");
  a.rate("hosts.list_capacity", 50.0, 0.001, 1e6, "Inbound messages per second the list host handles.");
  a.integer("hosts.list_concurrency", 20, "sessions", 1, 100000, "Parallel inbound deliveries at the list host.");
  a.integer("hosts.list_spool_limit", 20000, "messages", 1, 1e9, "Inbound queue limit of the list host.");
  a.choice("hosts.mailbox_full_rule", "hard_5_2_2", {"hard_5_2_2", "deferred_4_2_2"},
           "A full mailbox: immediate bounce (Postfix local delivery) or deferral until the queue "
           "lifetime (sendmail mail.local 450 4.2.0, RFC 3464's intent).", "Postfix mailbox_size_limit; sendmail");
  a.duration("hosts.minimal_backoff", seconds(300), 1, kYear, "Shortest retry delay.", "Postfix minimal_backoff_time (300 s)");
  a.duration("hosts.maximal_backoff", seconds(4000), 1, kYear, "Longest retry delay.", "Postfix maximal_backoff_time (4000 s)");
  a.duration("hosts.queue_lifetime", days(5), 60, kYear, "Then a deferred message is returned to its envelope sender.",
             "Postfix maximal_queue_lifetime (5 d), sendmail Timeout.queuereturn");
  a.duration("hosts.delay_warning_after", seconds(0), 0, kYear,
             "Send a 'still queued' warning to the envelope sender after this long (0 = never).",
             "Postfix delay_warning_time (off), sendmail Timeout.queuewarn (4 h)");

  // --- people --------------------------------------------------------------------------------
  a.prob("reading.never_share", 0.15, "Share of delivered messages never read.");
  a.prob("reading.fast_share", 0.5, "Share of reads from the fast lognormal component.",
         "Kooti et al. 2015: mode 2 min, median 47 min");
  a.duration("reading.fast_median", minutes(10), 1, kYear, "Median of the fast component, in active time.");
  a.duration("reading.slow_median", hours(5), 1, kYear, "Median of the slow component, in active time.");
  a.real("reading.sigma", 1.2, "", 0.01, 10, "Log-standard deviation of both components.");
  a.integer("behaviour.reply_size", 3000, "bytes", 100, 100'000'000,
            "Size of a person's reply or list post (quoting included).");
  a.prob("behaviour.concern_alarming", 0.30,
         "Chance that a reader of an alarming mail not naming its addressee feels concerned.");
  a.prob("behaviour.concern_harmless", 0.01, "The same for a harmless mail.");
  a.real("behaviour.addressee_named_factor", 0.1, "x", 0, 1,
         "Concern multiplier when the body names its addressee (few feel it is for them).");
  a.prob("behaviour.private_reply_share", 0.3, "Of the concerned: reply to the author.");
  a.prob("behaviour.reply_all_share", 0.03, "Of the concerned: reply to all (reaches the list).");
  a.prob("behaviour.forward_share", 0.08,
         "Of the concerned: forward as a warning to contacts (Iribarren & Moro 2009 measured 0.0879 of "
         "all recipients of a viral campaign forwarding; here the share applies to concerned readers only).");
  a.real("behaviour.forward_contacts_mean", 2.96, "contacts", 1, 1000, "Contacts a forwarder sends to.",
         "Iribarren & Moro 2009: 2.96");
  a.prob("behaviour.complain_share", 0.02, "Of the concerned: call the sender's organisation or the police.");
  a.prob("behaviour.police_share", 0.05, "Share of complaints that go to the police.");
  a.prob("behaviour.followup_reply_all", 2.0e-5,
         "Per read of another member's list post: reply to all ('me too', 'what is this?').");
  a.prob("behaviour.remove_me", 1.0e-5, "Per read of a list post: send 'remove me' to the list.");
  a.prob("behaviour.stop_replying", 0.5e-5, "Per read of a list post: send 'stop replying to all'.");
  a.real("behaviour.annoyance_growth", 0.1, "per message", 0, 100,
         "Follow-up, remove-me and stop chances grow by this factor per storm message received.");
  a.integer("behaviour.annoyance_cap", 50, "messages", 0, 1e9, "Annoyance stops growing after this many.");
  a.real("behaviour.repeat_factor", 0.2, "x", 0, 1, "Reaction multiplier once a person has reacted to the thread.");
  a.real("behaviour.clarification_damping", 0.1, "x", 0, 1, "Reaction multiplier after reading an explanation.");
  a.prob("behaviour.suspicion_when_unreachable", 0.5,
         "Chance that a reader who finds the sender unreachable (host down, web page gone) grows suspicious.");
  a.real("behaviour.suspicion_forward_factor", 3.0, "x", 0, 100, "Forward multiplier when suspicious.");
  a.real("behaviour.suspicion_complaint_factor", 5.0, "x", 0, 100, "Complaint multiplier when suspicious.");
  a.prob("behaviour.remove_wording_command", 0.3, "Share of 'remove me' requests worded as a command first ('unsubscribe').");
  a.prob("behaviour.remove_wording_polite", 0.5, "Share worded as a sentence ('please remove me'); the rest are angry.");

  a.prob("autoresponder.share", 0.04, "Share of members with an auto-responder on.");
  a.prob("autoresponder.compliant_share", 0.7, "Of those: RFC 3834-compliant (the rest naive).", "RFC 3834");
  a.duration("autoresponder.repeat_period", days(7), 0, kYear, "Compliant: once per sender per period.",
             "sendmail vacation 7 d; Gmail 4 d");
  a.duration("autoresponder.naive_repeat_period", days(1), 0, kYear,
             "Naive: once per sender per period (0 = every time: two naive responders then answer each "
             "other for ever, the classic vacation war).");

  // --- the list operator ---------------------------------------------------------------------
  a.integer("operator.notice_after_posts", 20, "posts", 1, 1e9,
            "Posts accepted in the storm after which someone tells the operator.");
  a.duration("operator.response_delay", hours(1), 0, kYear,
             "Working time the operator needs to act once told (counted in the operator's hours).");
  a.flag("operator.on_call", false, "The operator works around the clock (else office hours: nobody in on a Saturday).", "");
  a.choice("operator.action", "emergency_moderation", {"none", "emergency_moderation", "close_list"},
           "What the operator does: hold every post, or close the list (refuse posts).", "Mailman emergency");
  a.flag("operator.apology", true, "The operator sends an explanation to every member when acting.", "");
  return reg;
}

}  // namespace

const scenario::Registry& settings_registry() {
  static const Registry registry = build();
  return registry;
}

}  // namespace mailstorm::models
