// Auto-responders: RFC 3834 suppression and repeat period for compliant ones; naive ones.
#include <catch2/catch.hpp>

#include <map>

#include "models/behaviour/autoresponder.hpp"
#include "sim/random.hpp"

using namespace mailstorm;
using models::AutoreplyDecision;
using models::Autoresponder;
using models::AutoresponderKind;
using models::IncomingHeaders;

namespace {
constexpr auto compliant = AutoresponderKind::compliant;
constexpr auto naive = AutoresponderKind::naive;
const sim::Duration week = sim::days(7);
IncomingHeaders list_mail() {
  IncomingHeaders h;
  h.list_headers = true;
  h.precedence_bulk = true;
  return h;
}
sim::Time at(sim::Duration d) { return sim::Time::zero() + d; }
}  // namespace

TEST_CASE("list mail: suppressed for a compliant responder, answered by a naive one", "[autoresponder]") {
  Autoresponder ar;
  CHECK(ar.decide(compliant, week, list_mail(), 1, 2, at(sim::hours(1))) == AutoreplyDecision::suppressed_by_headers);
  CHECK(ar.remembered() == 0);  // a suppressed message leaves no trace
  CHECK(ar.decide(naive, week, list_mail(), 3, 2, at(sim::hours(1))) == AutoreplyDecision::reply_to_author);
}

TEST_CASE("every RFC 3834 suppression reason on its own", "[autoresponder]") {
  Autoresponder ar;
  IncomingHeaders h;
  CHECK(ar.decide(compliant, week, h, 1, 100, at(sim::hours(0))) == AutoreplyDecision::reply_to_envelope_sender);
  auto one = [](auto set) {
    IncomingHeaders x;
    set(x);
    return x;
  };
  const IncomingHeaders cases[] = {
      one([](IncomingHeaders& x) { x.null_envelope_sender = true; }),
      one([](IncomingHeaders& x) { x.auto_submitted = true; }),
      one([](IncomingHeaders& x) { x.list_headers = true; }),
      one([](IncomingHeaders& x) { x.precedence_bulk = true; }),
      one([](IncomingHeaders& x) { x.addressed_explicitly = false; }),
  };
  std::uint64_t correspondent = 200;
  for (const IncomingHeaders& c : cases) {
    CHECK(ar.decide(compliant, week, c, 1, correspondent, at(sim::hours(1))) == AutoreplyDecision::suppressed_by_headers);
    // The same correspondent, plain mail: still answered (the suppression recorded nothing).
    CHECK(ar.decide(compliant, week, IncomingHeaders{}, 1, correspondent, at(sim::hours(2))) ==
          AutoreplyDecision::reply_to_envelope_sender);
    ++correspondent;
  }
}

TEST_CASE("a null sender (a bounce) is never answered by a compliant responder", "[autoresponder]") {
  Autoresponder ar;
  IncomingHeaders bounce;
  bounce.null_envelope_sender = true;
  bounce.auto_submitted = true;  // DSNs carry Auto-Submitted: auto-replied / auto-generated
  for (int i = 0; i < 30; ++i)
    CHECK(ar.decide(compliant, sim::Duration{0}, bounce, 1, 9, at(sim::days(i))) ==
          AutoreplyDecision::suppressed_by_headers);
}

TEST_CASE("once per correspondent per 7 days", "[autoresponder]") {
  Autoresponder ar;
  const IncomingHeaders h;
  CHECK(ar.decide(compliant, week, h, 1, 2, at(sim::hours(0))) == AutoreplyDecision::reply_to_envelope_sender);
  CHECK(ar.decide(compliant, week, h, 1, 2, at(sim::hours(1))) == AutoreplyDecision::suppressed_by_repeat);
  CHECK(ar.decide(compliant, week, h, 1, 2, at(week - sim::microseconds(1))) == AutoreplyDecision::suppressed_by_repeat);
  // Another correspondent, or another responder, has its own period.
  CHECK(ar.decide(compliant, week, h, 1, 3, at(sim::hours(1))) == AutoreplyDecision::reply_to_envelope_sender);
  CHECK(ar.decide(compliant, week, h, 4, 2, at(sim::hours(1))) == AutoreplyDecision::reply_to_envelope_sender);
  // The period counts from the last answer, not from the last suppressed message.
  CHECK(ar.decide(compliant, week, h, 1, 2, at(week)) == AutoreplyDecision::reply_to_envelope_sender);
  CHECK(ar.decide(compliant, week, h, 1, 2, at(week + sim::days(6))) == AutoreplyDecision::suppressed_by_repeat);
  CHECK(ar.remembered() == 3);
  // Ids above 32 bits do not collide.
  const std::uint64_t big = (1ULL << 32) + 2;
  CHECK(ar.decide(compliant, week, h, 1, big, at(sim::hours(2))) == AutoreplyDecision::reply_to_envelope_sender);
}

TEST_CASE("naive responders: every time with period 0, else per period; none answers nothing", "[autoresponder]") {
  Autoresponder ar;
  for (int i = 0; i < 5; ++i)
    CHECK(ar.decide(naive, sim::Duration{0}, list_mail(), 1, 2, at(sim::minutes(i))) == AutoreplyDecision::reply_to_author);
  CHECK(ar.decide(naive, sim::days(1), list_mail(), 5, 2, at(sim::minutes(0))) == AutoreplyDecision::reply_to_author);
  CHECK(ar.decide(naive, sim::days(1), list_mail(), 5, 2, at(sim::minutes(1))) == AutoreplyDecision::suppressed_by_repeat);
  CHECK(ar.decide(naive, sim::days(1), list_mail(), 5, 2, at(sim::days(1))) == AutoreplyDecision::reply_to_author);
  CHECK(ar.decide(AutoresponderKind::none, week, IncomingHeaders{}, 6, 2, at(sim::hours(0))) == AutoreplyDecision::none);
}

TEST_CASE("many responders and correspondents: the same decisions as a plain map of last answers", "[autoresponder]") {
  // The table grows many times and its probe sequences collide; a std::map of the last answer
  // per pair, with the rule written out, must agree on every decision.
  Autoresponder ar;
  std::map<std::pair<std::uint64_t, std::uint64_t>, sim::Time> last;
  sim::RandomStream r(7, 0, 1);
  const sim::Duration period = sim::hours(5);
  std::size_t replies = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t responder = r.uniform_int(3000), correspondent = (r.uniform_int(40) << 33) + r.uniform_int(40);
    const sim::Time now = at(sim::minutes(i / 20));
    const auto key = std::make_pair(responder, correspondent);
    const auto it = last.find(key);
    const bool expect_reply = it == last.end() || now - it->second >= period;
    if (expect_reply) last[key] = now;
    const AutoreplyDecision d = ar.decide(compliant, period, IncomingHeaders{}, responder, correspondent, now);
    REQUIRE(d == (expect_reply ? AutoreplyDecision::reply_to_envelope_sender : AutoreplyDecision::suppressed_by_repeat));
    replies += expect_reply;
  }
  CHECK(ar.remembered() == last.size());
  CHECK(last.size() > 100000);              // the table grew far past its first size
  CHECK(replies > last.size());             // and periods ran out and restarted
}
