// The administrivia filter: holds posts that look like list commands ("unsubscribe", "remove me")
// instead of sending them to every member. Mailman 3 only catches a command as the first word of
// the Subject or of one of the first body lines ("unsubscribe" yes, "please remove me" no);
// Majordomo's regexes catch far more (real-world-knobs.md).
#pragma once

#include <string_view>

namespace mailstorm::models {

enum class AdministriviaFilter { off, mailman_narrow, majordomo_broad };

// How a "remove me" request is worded; the share of each wording is a scenario setting.
enum class RemoveWording {
  command_first_word,  // "unsubscribe" / "unsubscribe me" as the first word
  polite_sentence,     // "please remove me from this list"
  angry_sentence,      // "STOP sending me this, delete me"
};

// True if the filter holds a request worded this way.
constexpr bool administrivia_holds(AdministriviaFilter f, RemoveWording w) {
  switch (f) {
    case AdministriviaFilter::off: return false;
    case AdministriviaFilter::mailman_narrow: return w == RemoveWording::command_first_word;
    case AdministriviaFilter::majordomo_broad: return true;
  }
  return false;
}

// Checks a subject or body line the way each filter does (for tests and documentation):
// mailman_narrow looks at the first word only; majordomo_broad matches its command regexes
// anywhere ("remove me", "delete me", "unsubscribe", "signoff", "help").
bool administrivia_matches(AdministriviaFilter f, std::string_view line);

}  // namespace mailstorm::models
