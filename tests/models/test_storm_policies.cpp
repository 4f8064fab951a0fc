// The storm model end to end on a small fixture: conservation, determinism, and each policy
// doing in the whole world what its real counterpart does.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "models/output/results_writer.hpp"
#include "storm_test_support.hpp"

using namespace mailstorm;
using models::MessageKind;
using test::comparable_summary;
using test::load;
using test::run_seeds;

namespace {

const char* kFixture = "tests/models/fixtures/small-storm.toml";

std::uint64_t total(const std::vector<models::RunResult>& rs,
                    const std::function<std::uint64_t(const models::RunResult&)>& f) {
  std::uint64_t s = 0;
  for (const auto& r : rs) s += f(r);
  return s;
}

// A variant's settings: the base's and one more.
std::vector<std::string> plus(std::vector<std::string> base, const std::string& extra) {
  base.push_back(extra);
  return base;
}

std::uint64_t rule(const std::map<std::string, std::uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("every run balances its books, whatever the policies", "[storm]") {
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"list.envelope_sender=owner", "bounce.score_threshold=1"},
      {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=50", "hosts.queue_lifetime=1d"},
      {"list.posting_policy=moderated"},
      {"hosts.mailbox_full_rule=deferred_4_2_2", "population.full_mailbox_share=0.2"},
      {"hosts.domain_rate_limit=0.5/s", "hosts.domain_spool_limit=20", "hosts.delay_warning_after=4h"},
      {"list.reply_goes_to_list=point_to_list", "autoresponder.share=0.2", "autoresponder.compliant_share=0",
       "list.daily_threshold=30"},
  };
  for (const auto& sets : variants) {
    const auto s = load(kFixture, sets);
    for (const auto& r : run_seeds(s, 2)) {
      INFO(r.ledger.describe());
      CHECK(r.ledger.balanced());
      CHECK(r.ledger.created == r.outcomes.messages_total);
      CHECK(r.outcomes.messages_total > 0);
    }
  }
}

TEST_CASE("same seed, same scenario: identical summary.json, on either queue", "[storm][determinism]") {
  const auto s = load(kFixture, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100"});
  models::RunOptions a;
  a.seed = 7;
  models::RunOptions b = a;
  b.queue = sim::QueueKind::dary_heap;
  const auto r1 = models::run_storm(s, a);
  const auto r2 = models::run_storm(s, a);
  const auto r3 = models::run_storm(s, b);
  CHECK(comparable_summary(s, a, r1) == comparable_summary(s, a, r2));
  CHECK(comparable_summary(s, a, r1) == comparable_summary(s, b, r3));
  CHECK(models::timeseries_csv(r1) == models::timeseries_csv(r3));
  CHECK(r1.events_handled == r3.events_handled);
  models::RunOptions c = a;
  c.seed = 8;
  CHECK(comparable_summary(s, a, r1) != comparable_summary(s, c, models::run_storm(s, c)));
}

TEST_CASE("announce-only enforced: the first mail is held and reaches no member", "[storm][policy]") {
  const auto rs = run_seeds(load(kFixture, {"list.posting_policy=announce_only"}), 3);
  for (const auto& r : rs) {
    CHECK(r.outcomes.list_copies_delivered == 0);
    CHECK(rule(r.ledger.held_by_rule, "announce_only") >= 1);
  }
}

TEST_CASE("envelope sender = owner: no bounce reaches the poster, the owner gets them", "[storm][policy]") {
  const auto poster = run_seeds(load(kFixture), 3);
  const auto owner = run_seeds(load(kFixture, {"list.envelope_sender=owner"}), 3);
  CHECK(total(poster, [](auto& r) { return r.outcomes.bounces_to_poster; }) > 0);
  CHECK(total(owner, [](auto& r) { return r.outcomes.bounces_to_poster; }) == 0);
  CHECK(total(owner, [](auto& r) { return r.outcomes.bounces_to_owner; }) > 0);
}

TEST_CASE("bounce processing disables members whose addresses bounce", "[storm][policy]") {
  const auto off = run_seeds(load(kFixture, {"list.envelope_sender=owner", "bounce.processing=false"}), 3);
  const auto on = run_seeds(load(kFixture, {"list.envelope_sender=owner", "bounce.score_threshold=1"}), 3);
  CHECK(total(off, [](auto& r) { return r.outcomes.members_disabled_by_bounces; }) == 0);
  CHECK(total(on, [](auto& r) { return r.outcomes.members_disabled_by_bounces; }) > 0);
  // Disabled members get no further copies: fewer dead-address bounces per accepted post.
  auto per_post = [](const std::vector<models::RunResult>& rs) {
    double b = 0, p = 0;
    for (const auto& r : rs) {
      b += static_cast<double>(rule(r.ledger.bounced_by_cause, "dead_address"));
      p += static_cast<double>(r.outcomes.list_posts_accepted);
    }
    return b / p;
  };
  CHECK(per_post(on) < 0.8 * per_post(off));
}

TEST_CASE("loop detection discards a list's own mail sent back to it", "[storm][policy]") {
  const std::vector<std::string> loop = {"population.forwarding_loops=2", "list.headers=true",
                                         "list.daily_threshold=200"};
  const auto with = plus(loop, "list.loop_detection=true");
  const auto without = plus(loop, "list.loop_detection=false");
  const auto on = run_seeds(load(kFixture, with), 2);
  const auto off = run_seeds(load(kFixture, without), 2);
  for (const auto& r : on) CHECK(r.outcomes.list_loops_discarded > 0);
  for (const auto& r : off) {
    CHECK(r.outcomes.list_loops_discarded == 0);
    // Without it every copy to a looping address comes back as a new post: only the daily
    // threshold stops the list.
    CHECK(rule(r.ledger.held_by_rule, "daily_threshold") > 0);
  }
}

TEST_CASE("RFC 3834: list headers silence compliant auto-responders", "[storm][policy]") {
  const std::vector<std::string> base = {"autoresponder.share=0.2", "autoresponder.compliant_share=1"};
  const auto h_on = plus(base, "list.headers=true");
  const auto h_off = plus(base, "list.headers=false");
  const auto on = run_seeds(load(kFixture, h_on), 3);
  const auto off = run_seeds(load(kFixture, h_off), 3);
  const auto replies_on = total(on, [](auto& r) { return r.outcomes.autoreplies; });
  const auto replies_off = total(off, [](auto& r) { return r.outcomes.autoreplies; });
  CHECK(total(on, [](auto& r) { return r.outcomes.autoreplies_suppressed; }) > 0);
  CHECK(replies_off > 0);
  CHECK(replies_on < replies_off / 4);
}

TEST_CASE("a full mailbox bounces at once (5.2.2) or is deferred until the queue lifetime", "[storm][policy]") {
  const std::vector<std::string> full = {"population.full_mailbox_share=0.3", "run.horizon=8d"};
  const auto hard = plus(full, "hosts.mailbox_full_rule=hard_5_2_2");
  const auto soft = plus(full, "hosts.mailbox_full_rule=deferred_4_2_2");
  const auto h = run_seeds(load(kFixture, hard), 2);
  const auto s = run_seeds(load(kFixture, soft), 2);
  CHECK(total(h, [](auto& r) { return rule(r.ledger.bounced_by_cause, "mailbox_full"); }) > 0);
  CHECK(total(h, [](auto& r) { return rule(r.ledger.bounced_by_cause, "queue_lifetime_expired"); }) == 0);
  CHECK(total(s, [](auto& r) { return rule(r.ledger.bounced_by_cause, "mailbox_full"); }) == 0);
  CHECK(total(s, [](auto& r) { return rule(r.ledger.bounced_by_cause, "queue_lifetime_expired"); }) > 0);
  for (const auto& r : s) CHECK(r.hosts.front().name == "sender_host");
}

TEST_CASE("a host shut down: mail to it is deferred, retried, returned; never a bounce of a bounce",
          "[storm][policy]") {
  models::RunOptions o;
  o.record_cascade = true;
  const auto s = load(kFixture, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=50",
                                 "sender.restore_after=20d", "run.horizon=7d"});
  const auto r = models::run_storm(s, o);
  CHECK(r.outcomes.sender_host_down_at != sim::Time::never());
  const auto& sender_host = r.hosts[0];
  CHECK(sender_host.refused > 0);
  CHECK(rule(r.ledger.bounced_by_cause, "queue_lifetime_expired") > 0);  // replies returned to their authors
  CHECK(rule(r.ledger.dropped_by_rule, "no_bounce_of_a_bounce") > 0);    // bounces to him are dropped
  for (const auto& row : r.cascade)
    if (row.kind == MessageKind::bounce) {
      REQUIRE(row.parent != models::kNoMessage);
      CHECK(r.cascade[row.parent].kind != MessageKind::bounce);
    }
}

TEST_CASE("list safeguards: administrivia, storm protection, daily threshold, emergency moderation",
          "[storm][policy]") {
  const std::vector<std::string> noisy = {"behaviour.remove_me=1e-3", "behaviour.remove_wording_command=0.3",
                                          "behaviour.remove_wording_polite=0.5"};
  const auto narrow = plus(noisy, "list.administrivia=mailman_narrow");
  const auto broad = plus(noisy, "list.administrivia=majordomo_broad");
  const auto n = run_seeds(load(kFixture, narrow), 3);
  const auto b = run_seeds(load(kFixture, broad), 3);
  const auto held_n = total(n, [](auto& r) { return rule(r.ledger.held_by_rule, "administrivia"); });
  const auto held_b = total(b, [](auto& r) { return rule(r.ledger.held_by_rule, "administrivia"); });
  CHECK(held_n > 0);
  CHECK(held_b > held_n);  // Majordomo's patterns also catch "please remove me"

  const auto prot = run_seeds(load(kFixture, {"storm_protection.enabled=true", "storm_protection.minimum_recipients=1000",
                                              "storm_protection.minimum_replies=5"}), 3);
  const auto base = run_seeds(load(kFixture), 3);
  CHECK(total(prot, [](auto& r) { return r.outcomes.storm_protection_blocks; }) > 0);
  CHECK(total(prot, [](auto& r) { return r.outcomes.list_posts_accepted; }) <
        total(base, [](auto& r) { return r.outcomes.list_posts_accepted; }));

  for (const auto& r : run_seeds(load(kFixture, {"list.daily_threshold=5", "run.horizon=20h"}), 3)) {
    CHECK(r.outcomes.list_posts_accepted <= 5);
    CHECK(rule(r.ledger.held_by_rule, "daily_threshold") > 0);
  }
  for (const auto& r : run_seeds(load(kFixture, {"list.emergency_moderation=true"}), 2)) {
    CHECK(r.outcomes.list_posts_accepted == 0);
    CHECK(rule(r.ledger.held_by_rule, "emergency_moderation") >= 1);
  }
}

TEST_CASE("the operator acts after the notice delay, in office hours unless on call", "[storm][policy]") {
  // The storm starts on a Saturday afternoon: an office-hours operator acts on Monday.
  const std::vector<std::string> base = {"operator.action=emergency_moderation", "operator.notice_after_posts=3",
                                         "operator.response_delay=30min"};
  const auto office = plus(base, "operator.on_call=false");
  const auto on_call = plus(base, "operator.on_call=true");
  const auto o = models::run_storm(load(kFixture, office), {});
  const auto c = models::run_storm(load(kFixture, on_call), {});
  REQUIRE(o.outcomes.operator_acted_at != sim::Time::never());
  REQUIRE(c.outcomes.operator_acted_at != sim::Time::never());
  CHECK(o.calendar.local(o.outcomes.operator_acted_at).weekday <= 4);  // a weekday
  CHECK(c.outcomes.operator_acted_at.seconds() < 12 * 3600.0);
  CHECK(c.outcomes.operator_acted_at < o.outcomes.operator_acted_at);
  CHECK(rule(c.ledger.held_by_rule, "emergency_moderation") > 0);
}

TEST_CASE("chain mail travels over a contact graph loaded from an edge list", "[storm][graph]") {
  // Members 0..1999 each know two of 300 outsiders (2000..2299); outsiders know each other in a
  // ring. Written next to the test binary, so nothing in the source tree changes.
  const auto path = std::filesystem::temp_directory_path() / "mailstorm-test-contacts.edges";
  {
    std::ofstream out(path);
    out << "# member outsider\n";
    for (int m = 0; m < 2000; ++m) out << m << ' ' << 2000 + m % 300 << '\n' << m << ' ' << 2000 + (m * 7 + 1) % 300 << '\n';
    for (int o = 0; o < 300; ++o) out << 2000 + o << ' ' << 2000 + (o + 1) % 300 << "  # ring\n";
  }
  const auto rs = run_seeds(load(kFixture, {"population.contact_graph=file",
                                            "population.contact_graph_file=" + path.string(),
                                            "behaviour.forward_share=0.5"}),
                            2);
  for (const auto& r : rs) {
    CHECK(r.outcomes.outsiders_reached > 0);
    CHECK(r.outcomes.outsiders_reached <= 300);  // nobody beyond the file's vertices
    CHECK(r.outsiders_created <= 300);  // people are created when first reached
  }
  std::filesystem::remove(path);

  // A bad edge list is reported with its file and line.
  const auto bad = std::filesystem::temp_directory_path() / "mailstorm-test-bad.edges";
  {
    std::ofstream out(bad);
    out << "0 1\n2 x\n";
  }
  try {
    models::run_storm(load(kFixture, {"population.contact_graph=file", "population.contact_graph_file=" + bad.string()}), {});
    FAIL("no error for a bad edge list");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("mailstorm-test-bad.edges:2"));
  }
  std::filesystem::remove(bad);

  // A missing one names the setting, the path and why.
  try {
    models::run_storm(load(kFixture, {"population.contact_graph=file", "population.contact_graph_file=" + bad.string()}), {});
    FAIL("no error for a missing edge list");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("population.contact_graph_file: cannot open the contact-graph edge list '" +
                                         bad.string() + "': No such file or directory"));
  }
}

TEST_CASE("a run advanced in steps gives the same result as one run to the horizon", "[storm][live]") {
  const auto s = load(kFixture, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100"});
  models::RunOptions o;
  o.seed = 11;
  const auto whole = models::run_storm(s, o);
  models::StormRun stepped(s, o);
  std::uint64_t last_created = 0;
  int steps = 0;
  for (sim::Time t = sim::Time{0}; stepped.advance_to(t); t = t + sim::minutes(37)) {
    const models::LiveSnapshot snap = stepped.snapshot();
    CHECK(snap.now == std::min(t, snap.horizon));
    CHECK(snap.ledger_so_far.created >= last_created);  // counters only grow
    last_created = snap.ledger_so_far.created;
    ++steps;
  }
  CHECK(steps > 100);
  const auto r = stepped.finish();
  CHECK(comparable_summary(s, o, r) == comparable_summary(s, o, whole));
  CHECK(models::timeseries_csv(r) == models::timeseries_csv(whole));
  CHECK_THROWS_AS(stepped.finish(), std::logic_error);
}

TEST_CASE("the live snapshot sums the series by hour and shows the state of the world", "[storm][live]") {
  const auto s = load(kFixture, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100"});
  models::RunOptions o;
  o.seed = 3;
  models::StormRun run(s, o);
  run.advance_to(sim::Time{0} + sim::hours(5));
  const models::LiveSnapshot snap = run.snapshot();
  REQUIRE(snap.hourly.rows.size() == 6);  // hours 0..5, the current one included
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(snap.hourly.columns.begin(), snap.hourly.columns.end(), name) -
                                    snap.hourly.columns.begin());
  };
  double inbox = 0;
  for (const auto& row : snap.hourly.rows) inbox += row[col("sender_inbox")];
  CHECK(inbox == static_cast<double>(snap.so_far.sender_inbox_total));
  CHECK(snap.so_far.sender_inbox_total >= 100);
  CHECK_FALSE(snap.sender_host_up);  // more than 100 an hour: he shut his server down
  CHECK(snap.so_far.messages_total == snap.ledger_so_far.created);
}

TEST_CASE("interventions: switched on at a moment, they change what follows", "[storm][live]") {
  const auto s = load(kFixture, {"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100",
                                 "sender.restore_after=10d"});
  std::uint64_t posts_plain = 0, posts_moderated = 0, inbox_plain = 0, inbox_restored = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    models::RunOptions o;
    o.seed = seed;
    const auto at = sim::Time{0} + sim::minutes(30);
    models::StormRun plain(s, o), moderated(s, o), restored(s, o);
    plain.advance_to(at);
    moderated.advance_to(at);
    restored.advance_to(at);
    CHECK(moderated.intervene(models::Intervention::emergency_moderation));
    CHECK_FALSE(moderated.intervene(models::Intervention::emergency_moderation));  // already on
    const bool was_down = !restored.snapshot().sender_host_up;
    CHECK(restored.intervene(models::Intervention::restore_sender_host) == was_down);
    const auto rp = plain.finish(), rm = moderated.finish(), rr = restored.finish();
    CHECK(rm.ledger.balanced());
    CHECK(rr.ledger.balanced());
    CHECK(rm.outcomes.list_posts_held > 0);
    posts_plain += rp.outcomes.list_posts_accepted;
    posts_moderated += rm.outcomes.list_posts_accepted;
    inbox_plain += rp.outcomes.sender_inbox_total;
    inbox_restored += rr.outcomes.sender_inbox_total;
  }
  CHECK(posts_moderated < posts_plain);
  CHECK(inbox_restored >= inbox_plain);  // a server that is up receives what a down one defers
}
