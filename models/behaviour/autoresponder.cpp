// Vacation / out-of-office responders: RFC 3834 rules for compliant ones, none for naive ones.
#include "models/behaviour/autoresponder.hpp"

#include <algorithm>

#include "sim/random.hpp"

namespace mailstorm::models {

// The pair's slot: its own if remembered, else the free slot where it belongs (the table grows
// first if that would make it more than half full).
Autoresponder::Slot& Autoresponder::slot_of(std::uint64_t responder, std::uint64_t correspondent) {
  if (2 * (used_ + 1) > slots_.size()) {
    sim::LargeVector<Slot> old(std::max<std::size_t>(64, 2 * slots_.size()));
    old.swap(slots_);
    used_ = 0;
    for (const Slot& s : old)
      if (s.used) {
        Slot& to = slot_of(s.responder, s.correspondent);
        to = s;
        ++used_;
      }
  }
  const std::size_t mask = slots_.size() - 1;  // a power of two
  std::size_t i = static_cast<std::size_t>(sim::mix64(responder * 0x9E3779B97F4A7C15ULL ^ sim::mix64(correspondent))) & mask;
  while (slots_[i].used && (slots_[i].responder != responder || slots_[i].correspondent != correspondent))
    i = (i + 1) & mask;
  return slots_[i];
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
  if (repeat_period > sim::Duration{0}) {
    Slot& s = slot_of(responder_id, correspondent_id);
    if (s.used && now - s.last < repeat_period) return AutoreplyDecision::suppressed_by_repeat;
    if (!s.used) {
      s = Slot{responder_id, correspondent_id, now, true};
      ++used_;
    } else {
      s.last = now;
    }
  }
  return kind == AutoresponderKind::compliant ? AutoreplyDecision::reply_to_envelope_sender
                                              : AutoreplyDecision::reply_to_author;
}

}  // namespace mailstorm::models
