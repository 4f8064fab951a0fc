// Reading a resolved scenario into StormParams (names match models/scenario/settings.cpp).
#include "models/world/params.hpp"

#include <stdexcept>

namespace mailstorm::models {
namespace {

template <class E, std::size_t N>
E pick(const scenario::Scenario& s, const char* key, const char* const (&names)[N]) {
  const std::string& v = s.text(key);
  for (std::size_t i = 0; i < N; ++i)
    if (v == names[i]) return static_cast<E>(i);
  throw std::logic_error(std::string("unhandled choice '") + v + "' for " + key);
}

double hours_of(sim::Duration d) { return d.hours(); }

}  // namespace

StormParams StormParams::from(const scenario::Scenario& s) {
  StormParams p;
  p.calendar = sim::Calendar::parse(s.text("run.start"));
  p.horizon = s.duration("run.horizon");
  p.bin = s.duration("run.bin");
  p.quiet_threshold_per_hour = s.integer("run.quiet_threshold_per_hour");

  p.members = s.integer("population.members");
  p.domains = s.integer("population.domains");
  p.domain_zipf = s.real("population.domain_zipf_exponent");
  p.dead_share = s.real("population.dead_share");
  p.full_share = s.real("population.full_mailbox_share");
  p.home_share = s.real("population.home_reader_share");
  p.home_profile = s.text("population.home_profile");
  p.office_profile = s.text("population.office_profile");
  p.reactive_share = s.real("population.reactive_share");
  p.calm_share = s.real("population.calm_share");
  p.reactive_multiplier = s.real("population.reactive_multiplier");
  p.calm_multiplier = s.real("population.calm_multiplier");
  p.forwarding_loops = s.integer("population.forwarding_loops");
  p.contact_graph_from_file = s.text("population.contact_graph") == "file";
  p.contact_graph_file = s.text("population.contact_graph_file");
  p.contacts_mean = s.real("population.contacts_mean");
  p.contacts_exponent = s.real("population.contacts_degree_exponent");
  p.contact_overlap = s.real("population.contact_overlap");

  p.first_mail_to_list = s.text("first_mail.to") == "list";
  p.alarm = s.real("first_mail.alarm");
  p.names_addressee = s.boolean("first_mail.names_addressee");
  p.first_mail_size = s.integer("first_mail.size");
  p.reply_size = s.integer("behaviour.reply_size");
  p.first_mail_after = s.duration("first_mail.sent_after");
  p.sender_is_member = s.boolean("sender.is_member");
  p.sender_shutdown = s.boolean("sender.shutdown_host");
  p.shutdown_per_hour = s.integer("sender.shutdown_after_messages_per_hour");
  p.restore_after = s.duration("sender.restore_after");
  static const char* const explanation_names[] = {"none", "web_board", "list_post", "both"};
  p.explanation = pick<Explanation>(s, "sender.explanation", explanation_names);
  p.explanation_after = s.duration("sender.explanation_after");
  p.explanation_reach_per_hour = s.real("sender.explanation_reach_per_hour");
  p.sender_answers_share = s.real("sender.answers_share");
  p.sender_answer_delay = s.duration("sender.answer_delay");

  static const char* const posting_names[] = {"open", "members_only", "moderated", "announce_only",
                                              "announce_only_misconfigured"};
  p.list.posting = pick<PostingPolicy>(s, "list.posting_policy", posting_names);
  static const char* const nonmember_names[] = {"accept", "hold", "reject", "discard"};
  p.list.nonmember = pick<NonmemberAction>(s, "list.nonmember_action", nonmember_names);
  p.list.reply_to_list = s.text("list.reply_goes_to_list") == "point_to_list";
  static const char* const envelope_names[] = {"poster", "owner", "verp"};
  p.list.envelope_sender = pick<EnvelopeSenderPolicy>(s, "list.envelope_sender", envelope_names);
  p.list.headers = s.boolean("list.headers");
  p.list.loop_detection = s.boolean("list.loop_detection");
  static const char* const admin_names[] = {"off", "mailman_narrow", "majordomo_broad"};
  p.list.administrivia = pick<AdministriviaFilter>(s, "list.administrivia", admin_names);
  p.list.max_num_recipients = s.integer("list.max_num_recipients");
  p.list.verbosity_threshold = s.integer("list.verbosity_threshold");
  p.list.verbosity_interval = s.duration("list.verbosity_interval");
  p.list.daily_threshold = s.integer("list.daily_threshold");
  p.list.outbound_per_s = s.rate_per_s("list.outbound_rate");
  p.list.emergency_moderation = s.boolean("list.emergency_moderation");

  p.storm_protection.enabled = s.boolean("storm_protection.enabled");
  p.storm_protection.minimum_recipients = s.integer("storm_protection.minimum_recipients");
  p.storm_protection.minimum_replies = s.integer("storm_protection.minimum_replies");
  p.storm_protection.block_duration = s.duration("storm_protection.block_duration");
  p.storm_protection.propagation_lag = s.duration("storm_protection.propagation_lag");

  p.bounce.enabled = s.boolean("bounce.processing");
  p.bounce.threshold = s.real("bounce.score_threshold");
  p.bounce.stale_after = s.duration("bounce.stale_after");
  p.bounce.warnings = static_cast<int>(s.integer("bounce.warnings"));
  p.bounce.warning_interval = s.duration("bounce.warning_interval");

  p.domain_host = {s.rate_per_s("hosts.domain_capacity"), s.integer("hosts.domain_concurrency"),
                   s.integer("hosts.domain_spool_limit"), s.rate_per_s("hosts.domain_rate_limit")};
  p.sender_host = {s.rate_per_s("hosts.sender_capacity"), s.integer("hosts.sender_concurrency"),
                   s.integer("hosts.sender_spool_limit"), 0.0};
  p.list_host = {s.rate_per_s("hosts.list_capacity"), s.integer("hosts.list_concurrency"),
                 s.integer("hosts.list_spool_limit"), 0.0};
  p.mailbox_full_hard = s.text("hosts.mailbox_full_rule") == "hard_5_2_2";
  p.retry.minimal_backoff = s.duration("hosts.minimal_backoff");
  p.retry.maximal_backoff = s.duration("hosts.maximal_backoff");
  p.retry.queue_lifetime = s.duration("hosts.queue_lifetime");
  p.retry.delay_warning_after = s.duration("hosts.delay_warning_after");

  BehaviourParams& b = p.behaviour;
  b.never_read = s.real("reading.never_share");
  b.fast_share = s.real("reading.fast_share");
  b.fast_median_h = hours_of(s.duration("reading.fast_median"));
  b.slow_median_h = hours_of(s.duration("reading.slow_median"));
  b.sigma = s.real("reading.sigma");
  b.concern_alarming = s.real("behaviour.concern_alarming");
  b.concern_harmless = s.real("behaviour.concern_harmless");
  b.addressee_named_factor = s.real("behaviour.addressee_named_factor");
  b.private_reply_share = s.real("behaviour.private_reply_share");
  b.reply_all_share = s.real("behaviour.reply_all_share");
  b.forward_share = s.real("behaviour.forward_share");
  b.forward_contacts_mean = s.real("behaviour.forward_contacts_mean");
  b.complain_share = s.real("behaviour.complain_share");
  b.police_share = s.real("behaviour.police_share");
  b.followup_reply_all = s.real("behaviour.followup_reply_all");
  b.remove_me = s.real("behaviour.remove_me");
  b.stop_replying = s.real("behaviour.stop_replying");
  b.annoyance_growth = s.real("behaviour.annoyance_growth");
  b.annoyance_cap = s.integer("behaviour.annoyance_cap");
  b.repeat_factor = s.real("behaviour.repeat_factor");
  b.clarification_damping = s.real("behaviour.clarification_damping");
  b.suspicion_when_unreachable = s.real("behaviour.suspicion_when_unreachable");
  b.suspicion_forward_factor = s.real("behaviour.suspicion_forward_factor");
  b.suspicion_complaint_factor = s.real("behaviour.suspicion_complaint_factor");
  b.wording_command = s.real("behaviour.remove_wording_command");
  b.wording_polite = s.real("behaviour.remove_wording_polite");

  p.autoresponder_share = s.real("autoresponder.share");
  p.autoresponder_compliant_share = s.real("autoresponder.compliant_share");
  p.autoresponder_period = s.duration("autoresponder.repeat_period");
  p.autoresponder_naive_period = s.duration("autoresponder.naive_repeat_period");

  p.operator_notice_after_posts = s.integer("operator.notice_after_posts");
  p.operator_response_delay = s.duration("operator.response_delay");
  p.operator_on_call = s.boolean("operator.on_call");
  static const char* const action_names[] = {"none", "emergency_moderation", "close_list"};
  p.operator_action = pick<OperatorAction>(s, "operator.action", action_names);
  p.operator_apology = s.boolean("operator.apology");

  // Cross-setting checks a single range cannot express.
  if (p.reactive_share + p.calm_share > 1.0)
    throw scenario::ScenarioError("", 0, 0, "population.reactive_share",
                                  "population.reactive_share + population.calm_share must be at most 1");
  if (b.wording_command + b.wording_polite > 1.0)
    throw scenario::ScenarioError("", 0, 0, "behaviour.remove_wording_command",
                                  "behaviour.remove_wording_command + remove_wording_polite must be at most 1");
  if (p.retry.minimal_backoff > p.retry.maximal_backoff)
    throw scenario::ScenarioError("", 0, 0, "hosts.minimal_backoff",
                                  "hosts.minimal_backoff must not exceed hosts.maximal_backoff");
  if (p.contact_graph_from_file && p.contact_graph_file.empty())
    throw scenario::ScenarioError("", 0, 0, "population.contact_graph_file",
                                  "population.contact_graph = \"file\" needs population.contact_graph_file");
  return p;
}

}  // namespace mailstorm::models
