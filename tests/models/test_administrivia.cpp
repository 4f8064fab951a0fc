// Administrivia filters as Mailman 3 and Majordomo 1.94 apply them to a Subject or body line.
#include <catch2/catch.hpp>

#include "models/list/administrivia.hpp"

using mailstorm::models::administrivia_holds;
using mailstorm::models::administrivia_matches;
using mailstorm::models::AdministriviaFilter;
using mailstorm::models::RemoveWording;

namespace {
constexpr auto mailman = AdministriviaFilter::mailman_narrow;
constexpr auto majordomo = AdministriviaFilter::majordomo_broad;
constexpr auto off = AdministriviaFilter::off;
}  // namespace

TEST_CASE("\"unsubscribe\" is held by both filters, in the body and in the Subject", "[administrivia]") {
  for (const char* line : {"unsubscribe", "UNSUBSCRIBE", "  Unsubscribe me", "Subject: unsubscribe",
                           "subject: Unsubscribe me"}) {
    INFO(line);
    CHECK(administrivia_matches(mailman, line));
    CHECK(administrivia_matches(majordomo, line));
    CHECK_FALSE(administrivia_matches(off, line));
  }
}

TEST_CASE("\"please remove me\" is held only by Majordomo", "[administrivia]") {
  for (const char* line : {"please remove me", "Please remove me from this list", "remove me",
                           "please unsubscribe me", "STOP sending me this, delete me", "add me too"}) {
    INFO(line);
    CHECK_FALSE(administrivia_matches(mailman, line));
    CHECK(administrivia_matches(majordomo, line));
  }
}

TEST_CASE("ordinary posts are held by neither", "[administrivia]") {
  for (const char* line : {"Subject: Re: illegal access", "Re: illegal access",
                           "I got this mail too, what is going on", "Subject: Re: unsubscribe", ""}) {
    INFO(line);
    CHECK_FALSE(administrivia_matches(mailman, line));
    CHECK_FALSE(administrivia_matches(majordomo, line));
  }
}

TEST_CASE("Mailman 3 counts the command's arguments", "[administrivia]") {
  // EMAIL_COMMANDS: unsubscribe takes 0-1 words after it, subscribe 0-3, help and remove none.
  CHECK(administrivia_matches(mailman, "unsubscribe me"));
  CHECK_FALSE(administrivia_matches(mailman, "unsubscribe me from this list"));
  CHECK(administrivia_matches(mailman, "subscribe"));
  CHECK(administrivia_matches(mailman, "help"));
  CHECK_FALSE(administrivia_matches(mailman, "help me please"));
  CHECK(administrivia_matches(mailman, "remove"));
  CHECK_FALSE(administrivia_matches(mailman, "remove me"));
  CHECK(administrivia_matches(mailman, "who"));
  // The real rule's false positive: "who" with two words after it looks like a command.
  CHECK(administrivia_matches(mailman, "Who sent this?"));
  CHECK_FALSE(administrivia_matches(majordomo, "Who sent this?"));
  CHECK(administrivia_matches(mailman, "confirm abc123"));
  CHECK_FALSE(administrivia_matches(mailman, "confirm"));
}

TEST_CASE("Majordomo: Subject lines use $admin_headers, body lines $admin_body", "[administrivia]") {
  CHECK(administrivia_matches(majordomo, "Subject: help"));
  CHECK(administrivia_matches(majordomo, "Subject: please change my address"));
  CHECK(administrivia_matches(majordomo, "Subject: cancel"));
  // "remove me" is a body pattern only.
  CHECK_FALSE(administrivia_matches(majordomo, "Subject: please remove me"));
  CHECK(administrivia_matches(majordomo, "help"));
  CHECK_FALSE(administrivia_matches(majordomo, "can you help me understand this"));
  CHECK(administrivia_matches(majordomo, "who"));
  CHECK(administrivia_matches(majordomo, "I want to unsub now"));  // \buns\w*b
  CHECK(administrivia_matches(majordomo, "please cancel my subscription"));
  // /\bchange\b.*\baddress\b/ has no /i in sample.cf.
  CHECK(administrivia_matches(majordomo, "I will change my address"));
  CHECK_FALSE(administrivia_matches(majordomo, "CHANGE ADDRESS"));
}

TEST_CASE("administrivia_holds agrees with the line checks on typical wordings", "[administrivia]") {
  struct Example {
    RemoveWording wording;
    const char* line;
  };
  const Example examples[] = {
      {RemoveWording::command_first_word, "unsubscribe"},
      {RemoveWording::command_first_word, "unsubscribe me"},
      {RemoveWording::polite_sentence, "please remove me from this list"},
      {RemoveWording::polite_sentence, "Could you please take me off, remove me from this list"},
      {RemoveWording::angry_sentence, "STOP sending me this, delete me"},
      {RemoveWording::angry_sentence, "Why am I getting this?? REMOVE ME NOW"},
  };
  for (const Example& e : examples) {
    INFO(e.line);
    for (AdministriviaFilter f : {off, mailman, majordomo})
      CHECK(administrivia_holds(f, e.wording) == administrivia_matches(f, e.line));
  }
}
