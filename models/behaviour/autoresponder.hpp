// Auto-responders (vacation, out-of-office): RFC 3834-compliant ones answer the envelope sender
// at most once per sender per repeat period and never answer list mail, bulk mail, auto-submitted
// mail or mail with a null reverse path; naive ones answer the From/Reply-To address, every time
// or once per period. A naive responder whose reply goes to the list can loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/large_pages.hpp"
#include "sim/time.hpp"

namespace mailstorm::models {

enum class AutoresponderKind : std::uint8_t { none, compliant, naive };

// What an auto-responder sees of an incoming message.
struct IncomingHeaders {
  bool list_headers = false;       // List-Id / List-Post present
  bool precedence_bulk = false;    // Precedence: list / bulk / junk
  bool auto_submitted = false;     // Auto-Submitted other than "no"
  bool null_envelope_sender = false;  // MAIL FROM:<>
  bool addressed_explicitly = true;   // recipient's address in To/Cc (RFC 3834 vacation rule)
};

enum class AutoreplyDecision : std::uint8_t {
  reply_to_envelope_sender,  // compliant
  reply_to_author,           // naive: From / Reply-To
  suppressed_by_headers,     // RFC 3834 suppression (counted as "loops broken")
  suppressed_by_repeat,      // already answered this sender within the period
  none,                      // no auto-responder
};

// One member's responder state: when it last answered each correspondent.
class Autoresponder {
 public:
  // `repeat_period` 0 = answer every time.
  AutoreplyDecision decide(AutoresponderKind kind, sim::Duration repeat_period,
                           const IncomingHeaders& h, std::uint64_t responder_id,
                           std::uint64_t correspondent_id, sim::Time now);
  std::size_t remembered() const { return used_; }

 private:
  // The last answer per (responder, correspondent), in an open-addressing table (linear probing,
  // at most half full; pairs are never removed). A storm of a million members asks it millions
  // of times, and std::unordered_map's node per pair cost a cache miss or two each time: 6 % of
  // mega-list-1m in fast mode.
  struct Slot {
    std::uint64_t responder = 0, correspondent = 0;
    sim::Time last{};
    bool used = false;
  };
  Slot& slot_of(std::uint64_t responder, std::uint64_t correspondent);
  sim::LargeVector<Slot> slots_;  // huge pages: one look-up is one random access
  std::size_t used_ = 0;
};

}  // namespace mailstorm::models
