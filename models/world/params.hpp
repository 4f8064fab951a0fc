// The scenario's settings as typed parameters of the storm model (read once, at load time).
#pragma once

#include <cstdint>
#include <string>

#include "models/behaviour/autoresponder.hpp"
#include "models/hosts/retry_schedule.hpp"
#include "models/list/administrivia.hpp"
#include "models/list/bounce_processing.hpp"
#include "models/list/storm_protection.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/calendar.hpp"
#include "sim/time.hpp"

namespace mailstorm::models {

enum class PostingPolicy { open, members_only, moderated, announce_only, announce_only_misconfigured };
enum class NonmemberAction { accept, hold, reject, discard };
enum class EnvelopeSenderPolicy { poster, owner, verp };
enum class Explanation { none, web_board, list_post, both };
enum class OperatorAction { none, emergency_moderation, close_list };

struct ListPolicy {
  PostingPolicy posting = PostingPolicy::members_only;
  NonmemberAction nonmember = NonmemberAction::hold;
  bool reply_to_list = false;
  EnvelopeSenderPolicy envelope_sender = EnvelopeSenderPolicy::owner;
  bool headers = true;
  bool loop_detection = true;
  AdministriviaFilter administrivia = AdministriviaFilter::mailman_narrow;
  std::int64_t max_num_recipients = 10;
  std::int64_t verbosity_threshold = 0;
  sim::Duration verbosity_interval = sim::seconds(300);
  std::int64_t daily_threshold = 0;
  double outbound_per_s = 60;
  bool emergency_moderation = false;
};

struct HostParams {
  double capacity_per_s;
  std::int64_t concurrency;
  std::int64_t spool_limit;
  double rate_limit_per_s;  // 0 = off
};

struct BehaviourParams {
  double never_read, fast_share, fast_median_h, slow_median_h, sigma;
  double concern_alarming, concern_harmless, addressee_named_factor;
  double private_reply_share, reply_all_share, forward_share, forward_contacts_mean, complain_share, police_share;
  double followup_reply_all, remove_me, stop_replying, annoyance_growth;
  std::int64_t annoyance_cap;
  double repeat_factor, clarification_damping;
  double suspicion_when_unreachable, suspicion_forward_factor, suspicion_complaint_factor;
  double wording_command, wording_polite;
};

struct StormParams {
  sim::Calendar calendar;
  sim::Duration horizon, bin;
  std::int64_t quiet_threshold_per_hour;

  std::int64_t members, domains;
  double domain_zipf, dead_share, full_share, home_share;
  std::string home_profile, office_profile;
  double reactive_share, calm_share, reactive_multiplier, calm_multiplier;
  std::int64_t forwarding_loops;
  bool contact_graph_from_file;
  std::string contact_graph_file;
  double contacts_mean, contacts_exponent, contact_overlap;

  bool first_mail_to_list;
  double alarm;
  bool names_addressee;
  std::int64_t first_mail_size;
  std::int64_t reply_size;
  sim::Duration first_mail_after;
  bool sender_is_member;
  bool sender_shutdown;
  std::int64_t shutdown_per_hour;
  sim::Duration restore_after;
  Explanation explanation;
  sim::Duration explanation_after;
  double explanation_reach_per_hour;
  double sender_answers_share;
  sim::Duration sender_answer_delay;

  ListPolicy list;
  StormProtectionPolicy storm_protection;
  BounceProcessingPolicy bounce;

  HostParams domain_host, sender_host, list_host;
  bool mailbox_full_hard;
  RetrySchedule retry;

  BehaviourParams behaviour;

  double autoresponder_share, autoresponder_compliant_share;
  sim::Duration autoresponder_period, autoresponder_naive_period;

  std::int64_t operator_notice_after_posts;
  sim::Duration operator_response_delay;
  bool operator_on_call;
  OperatorAction operator_action;
  bool operator_apology;

  static StormParams from(const scenario::Scenario& s);
};

}  // namespace mailstorm::models
