// Vacation / out-of-office responders: RFC 3834 rules for compliant ones, none for naive ones.
#include "models/behaviour/autoresponder.hpp"

#include "sim/random.hpp"

namespace mailstorm::models {

std::size_t Autoresponder::PairHash::operator()(const Pair& p) const noexcept {
  return static_cast<std::size_t>(sim::mix64(p.responder * 0x9E3779B97F4A7C15ULL ^ sim::mix64(p.correspondent)));
}

// RFC 3834 section 2 (and sendmail vacation(1), Dovecot Sieve vacation, Gmail): a compliant
// responder never answers mail with a null reverse path or Auto-Submitted other than "no", skips
// list and bulk mail, answers only mail addressed to its user in To/Cc, answers the envelope
// sender, and at most once per correspondent per period. A naive responder looks at no header and
// answers the From/Reply-To author, once per period or (period 0) every time. The time of an
// answer is remembered only when an answer is sent, so a suppressed message never restarts the
// period.
AutoreplyDecision Autoresponder::decide(AutoresponderKind kind, sim::Duration repeat_period,
                                        const IncomingHeaders& h, std::uint64_t responder_id,
                                        std::uint64_t correspondent_id, sim::Time now) {
  if (kind == AutoresponderKind::none) return AutoreplyDecision::none;
  if (kind == AutoresponderKind::compliant &&
      (h.null_envelope_sender || h.auto_submitted || h.list_headers || h.precedence_bulk || !h.addressed_explicitly))
    return AutoreplyDecision::suppressed_by_headers;
  const Pair key{responder_id, correspondent_id};
  if (repeat_period > sim::Duration{0}) {
    auto it = last_reply_.find(key);
    if (it != last_reply_.end() && now - it->second < repeat_period) return AutoreplyDecision::suppressed_by_repeat;
    last_reply_[key] = now;
  }
  return kind == AutoresponderKind::compliant ? AutoreplyDecision::reply_to_envelope_sender
                                              : AutoreplyDecision::reply_to_author;
}

}  // namespace mailstorm::models
