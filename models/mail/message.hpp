// What flows through the mail world: messages (content, one per authored mail) and envelopes
// (one per recipient address the message is sent to).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/time.hpp"

namespace mailstorm::models {

enum class MessageKind : std::uint8_t {
  first_mail,       // the original mistaken mail
  private_reply,    // reply to the author only (From / Reply-To)
  list_reply,       // reply to the list (reply-all, or plain reply with Reply-To munged)
  remove_me,        // "please remove me"
  stop_replying,    // "stop replying to all"
  chain_forward,    // forwarded warning, outside the list
  auto_reply,       // vacation / out-of-office answer
  bounce,           // non-delivery report (DSN), null reverse path
  delay_warning,    // "still queued" warning (DSN action=delayed)
  clarification,    // the sender's or operator's explanation / apology
  list_notice,      // the list's own notices (bounce warnings, "you are disabled", NDR of a block)
  count_
};

inline constexpr std::size_t kMessageKinds = static_cast<std::size_t>(MessageKind::count_);

constexpr std::string_view kind_name(MessageKind k) {
  constexpr std::array<std::string_view, kMessageKinds> names = {
      "first_mail", "private_reply", "list_reply", "remove_me", "stop_replying", "chain_forward",
      "auto_reply", "bounce",        "delay_warning", "clarification", "list_notice"};
  return names[static_cast<std::size_t>(k)];
}

// Actors are numbered: 0 the original sender, 1 the list owner (bounce address), 2 the list's
// posting address, then the members, then outsiders as they are reached.
using ActorId = std::uint32_t;
inline constexpr ActorId kSender = 0;
inline constexpr ActorId kListOwner = 1;
inline constexpr ActorId kListAddress = 2;
inline constexpr ActorId kFirstMember = 3;
inline constexpr ActorId kNoActor = UINT32_MAX;  // the null reverse path <>

using MessageId = std::uint32_t;
inline constexpr MessageId kNoMessage = UINT32_MAX;

// One authored message. List copies share their post's record.
struct Message {
  MessageKind kind;
  std::uint8_t generation;     // cascade depth (first mail 0), saturating at 255
  bool list_headers;           // carries List-Id / List-Post (set on list copies when enabled)
  bool auto_submitted;         // Auto-Submitted: auto-replied / auto-generated
  bool names_addressee;        // the body says whom it is for
  bool reply_to_list;          // Reply-To munged to the list (on list copies)
  float alarm;                 // content tone, 0 harmless .. 1 alarming
  ActorId author;
  ActorId envelope_sender;     // where bounces and compliant auto-replies go (kNoActor = <>)
  ActorId via_list_poster;     // for list copies: who posted (kNoActor otherwise)
  MessageId parent;
  std::uint32_t size_bytes;
  std::int32_t recipients;     // To + Cc addresses (what max_num_recipients and storm protection see)
  ActorId about;               // bounces: the address that failed; otherwise kNoActor
  std::uint8_t wording;        // remove-me requests: a RemoveWording (list/administrivia.hpp)
  sim::Time created;
  sim::Time first_delivered;   // Time::never() until one copy is delivered
};

}  // namespace mailstorm::models
