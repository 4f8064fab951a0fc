// The live view (mailstorm live): frames drawn from real snapshots fit the screen and show the
// clock and the charts; sparklines scale; the plain lines and the --at measures of the command.
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/live/live_command.hpp"
#include "cli/live/live_view.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

using namespace mailstorm;
using namespace mailstorm::cli::live;

namespace {

const std::string kFixture = std::string(MAILSTORM_SOURCE_DIR) + "/tests/models/fixtures/small-storm.toml";

models::scenario::Scenario fixture(const std::vector<std::string>& overrides = {}) {
  return models::scenario::load_scenario(kFixture, models::settings_registry(), overrides);
}

// The snapshot of the fixture's storm `hours` after its start, the sender shutting his server
// down once more than 100 messages an hour arrive.
models::LiveSnapshot snapshot_after(std::int64_t hours) {
  models::RunOptions o;
  o.seed = 5;
  models::StormRun run(fixture({"sender.shutdown_host=true", "sender.shutdown_after_messages_per_hour=100"}), o);
  run.advance_to(sim::Time{0} + sim::hours(hours));
  return run.snapshot();
}

bool has_escape_or_non_ascii(const std::string& text) {
  for (unsigned char c : text)
    if (c == 0x1b || c >= 0x80) return true;
  return false;
}

const std::string* line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const std::string& l : lines)
    if (l.starts_with(prefix)) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("sparklines: eight levels up to the scale, blank for nothing", "[live]") {
  const std::vector<double> v = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(sparkline(v, false) == " .:-=+*#@");
  CHECK(sparkline(v, true) == " \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
  CHECK(display_width(sparkline(v, true)) == v.size());
  // Against a larger scale the same values sit lower; a tiny value still shows.
  CHECK(sparkline({8, 16, 0.01}, false, 16.0) == "=@.");
  // Half of the largest value is the fourth level; values above the scale are clipped.
  CHECK(sparkline({50, 100, 300}, false, 100.0) == "=@@");
  CHECK(sparkline({0, 0, -3}, false) == "   ");
  CHECK(sparkline({}, true).empty());
}

TEST_CASE("numbers, clock and speeds as the view writes them", "[live]") {
  CHECK(count_text(0) == "0");
  CHECK(count_text(999) == "999");
  CHECK(count_text(12345) == "12,345");
  CHECK(count_text(1234567) == "1,234,567");
  CHECK(count_text(12345, true) == "12.3k");
  CHECK(count_text(123456, true) == "123k");
  CHECK(count_text(1234567, true) == "1.23M");
  CHECK(display_width(count_text(98'765'432, true)) <= 5);

  models::LiveSnapshot s;
  s.calendar = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  s.now = sim::Time{0} + sim::hours(2);
  CHECK(clock_text(s) == "Sat 2000-06-24 15:17 +09:00");
  CHECK(short_clock_text(s.calendar, sim::Time{0} + sim::hours(11)) == "Sun 00:17");

  CHECK(faster(1) == 2);
  CHECK(faster(8) == 24);
  CHECK(slower(1) == 0.5);
  CHECK(slower(0.25) == 0.25);  // the slowest stays
  CHECK(faster(3) == 4);        // a --speed between the steps goes to the next step
  CHECK(slower(3) == 2);

  CHECK(truncate_columns("\u2581\u2582\u2583abc", 4) == "\u2581\u2582\u2583a");
  CHECK(truncate_columns("abc", 10) == "abc");
}

TEST_CASE("a frame fits 80 x 24 and shows the clock, the charts and the state", "[live]") {
  const models::LiveSnapshot s = snapshot_after(30);
  ViewState view;
  view.scenario_name = "small-storm";
  view.speed_hours_per_s = 24;
  view.events = {"at Sat 14:05: emergency moderation"};
  for (const bool utf8 : {true, false}) {
    view.utf8 = utf8;
    const std::vector<std::string> lines = render_frame(s, view);
    CHECK(lines.size() <= 24);
    for (const std::string& l : lines) {
      INFO(l);
      CHECK(display_width(l) <= 80);
      if (!utf8) CHECK_FALSE(has_escape_or_non_ascii(l));
    }
    REQUIRE(lines.size() >= 2);
    CHECK(lines[0].find("small-storm") != std::string::npos);
    CHECK(lines[1].find(clock_text(s)) != std::string::npos);
    CHECK(lines[1].find("24 h/s") != std::string::npos);
    // The sender's inbox chart: one cell per hour so far, the busiest hour at full height.
    const std::string* inbox = line_starting(lines, "sender inbox");
    REQUIRE(inbox != nullptr);
    const std::string full = utf8 ? "\u2588" : "@";
    CHECK(inbox->find(full) != std::string::npos);
    CHECK(line_starting(lines, "list posts") != nullptr);
    CHECK(line_starting(lines, "bounces") != nullptr);
    CHECK(line_starting(lines, "sender host") != nullptr);
    CHECK(line_starting(lines, "domain hosts") != nullptr);
    CHECK(line_starting(lines, "sender's server DOWN") != nullptr);  // he shut it down
    CHECK(line_starting(lines, "events: at Sat 14:05: emergency moderation") != nullptr);
    CHECK(line_starting(lines, "keys: space pause") != nullptr);
  }
  // Sunday begins within the 30 hours shown: the axis marks it.
  view.utf8 = false;
  const std::vector<std::string> lines = render_frame(s, view);
  const std::string* axis = line_starting(lines, "per hour");
  REQUIRE(axis != nullptr);
  CHECK(axis->find("Sun") != std::string::npos);
}

TEST_CASE("a frame on a small terminal is cut to its size, and a long run scrolls", "[live]") {
  const models::LiveSnapshot s = snapshot_after(100);  // more hours than the chart is wide
  ViewState view;
  view.scenario_name = "a scenario with a name far longer than any terminal line could ever hold, really";
  view.width = 50;
  view.height = 12;
  view.paused = true;
  const std::vector<std::string> lines = render_frame(s, view);
  CHECK(lines.size() == 12);
  for (const std::string& l : lines) CHECK(display_width(l) <= 50);
  CHECK(lines[1].find("PAUSED") == std::string::npos);  // cut off at 50 columns...
  view.width = 80;
  view.height = 24;
  const std::vector<std::string> wide = render_frame(s, view);
  CHECK(wide[1].find("PAUSED") != std::string::npos);  // ...but there at 80
  // The chart shows the last hours only: the inbox line is exactly 80 columns.
  const std::string* inbox = line_starting(wide, "sender inbox");
  REQUIRE(inbox != nullptr);
  CHECK(display_width(*inbox) == 80);
}

TEST_CASE("the run's own turns become event lines", "[live]") {
  models::LiveSnapshot before, after;
  before.calendar = after.calendar = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  after.now = sim::Time{0} + sim::minutes(48);
  CHECK(changes(before, after).empty());
  after.sender_host_up = false;
  after.emergency_moderation = true;
  const auto lines = changes(before, after);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "at Sat 14:05: the sender shut his server down");
  CHECK(lines[1] == "at Sat 14:05: the list operator moderated the list");
  CHECK(changes(after, before).front() == "at Sat 13:17: the sender's server came back");
}

TEST_CASE("live arguments: speeds, scheduled measures and mistakes", "[live][cli]") {
  const LiveArguments a = parse_live_arguments({"live", "s.toml", "--seed", "7", "--speed=1/4", "--at",
                                                "5h=publish_explanation", "--at", "90min=emergency_moderation",
                                                "--set", "population.members=500", "--ascii", "--plain"});
  CHECK(a.scenario == "s.toml");
  CHECK(a.seed == 7);
  CHECK(a.speed_hours_per_s == 0.25);
  REQUIRE(a.at.size() == 2);  // in time order
  CHECK(a.at[0].after == sim::minutes(90));
  CHECK(a.at[0].what == models::Intervention::emergency_moderation);
  CHECK(a.at[1].what == models::Intervention::publish_explanation);
  CHECK(a.overrides == std::vector<std::string>{"population.members=500"});
  CHECK(a.ascii);
  CHECK(a.plain);
  CHECK_FALSE(parse_live_arguments({"live", "s.toml"}).speed_hours_per_s);

  using cli::UsageError;
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--at", "2h=moderate"}),
                    Catch::Contains("unknown measure 'moderate'") && Catch::Contains("close_list"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--at", "2=close_list"}), Catch::Contains("--at 2=close_list"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--at", "close_list"}), Catch::Contains("TIME=MEASURE"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--speed", "0"}), Catch::Contains("above 0"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--speed", "fast"}), Catch::Contains("'fast'"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--queue", "x"}), Catch::Contains("unknown option '--queue'"));
  CHECK_THROWS_WITH(parse_live_arguments({"live"}), Catch::Contains("which scenario"));
  CHECK_THROWS_WITH(parse_live_arguments({"live", "a.toml", "b.toml"}), Catch::Contains("one scenario"));
  CHECK_THROWS_AS(parse_live_arguments({"live", "s.toml", "--ascii=1"}), UsageError);

  std::ostringstream out, err;
  CHECK(cli::run_command_line({"live", kFixture, "--at", "2h=shout"}, out, err) == cli::kExitUsage);
  CHECK_THAT(err.str(), Catch::Contains("unknown measure") && Catch::Contains("usage:"));
  // A measure after the end would never be switched on: refused, not ignored.
  std::ostringstream out2, err2;
  CHECK(cli::run_command_line({"live", kFixture, "--plain", "--at", "6d=close_list"}, out2, err2) == cli::kExitUsage);
  CHECK_THAT(err2.str(), Catch::Contains("--at 6d=close_list: the run ends 144h after its start"));
  CHECK(out2.str().empty());
}

TEST_CASE("plain lines: one per simulated hour, no escape codes, the --at measures on time", "[live][cli]") {
  std::ostringstream out, err;
  const int status = cli::run_command_line({"live", kFixture, "--plain", "--seed", "3", "--set", "run.horizon=12h",
                                            "--set", "operator.action=none", "--at", "2h=emergency_moderation",
                                            "--at", "3h=emergency_moderation"},
                                           out, err);
  INFO(err.str());
  REQUIRE(status == cli::kExitOk);
  const std::string text = out.str();
  CHECK_FALSE(has_escape_or_non_ascii(text));
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::size_t hourly = 0;
  for (const std::string& l : lines)
    if (l.find("inbox/h ") != std::string::npos) ++hourly;
  CHECK(hourly == 12);
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].starts_with("mailstorm live: small-storm, seed 3, replication 0, from Sat 2000-06-24 13:17 +09:00 for 12h;"));
  CHECK(lines[1].starts_with("Sat 2000-06-24 14:17 +09:00  inbox/h "));
  CHECK_THAT(text, Catch::Contains("event at Sat 15:17: emergency moderation\n"));
  CHECK_THAT(text, Catch::Contains("event at Sat 16:17: emergency moderation already in force\n"));
  CHECK_THAT(text, Catch::Contains("list moderated"));
  CHECK(lines.back().starts_with("mailstorm live: small-storm stopped at Sun 2000-06-25 01:17 +09:00 (12h of 12h)"));
  CHECK_THAT(lines.back(), Catch::EndsWith("; measures: at Sat 15:17: emergency moderation"));
}

TEST_CASE("a measure switched on live changes what follows, not what went before", "[live][cli]") {
  // The same seed twice, once with the list moderated one hour in: the hours before are the same,
  // and after it the list accepts no post, where the unmoderated list still does.
  auto posts_per_hour = [](const std::vector<std::string>& extra) {
    std::vector<std::string> words = {"live", kFixture, "--plain", "--seed", "4", "--set", "run.horizon=1d",
                                      "--set", "operator.action=none"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::ostringstream out, err;
    REQUIRE(cli::run_command_line(words, out, err) == cli::kExitOk);
    std::vector<int> posts;
    std::istringstream in(out.str());
    for (std::string l; std::getline(in, l);)
      if (const auto at = l.find("  posts/h "); at != std::string::npos) posts.push_back(std::stoi(l.substr(at + 10)));
    return posts;
  };
  const std::vector<int> plain = posts_per_hour({}), moderated = posts_per_hour({"--at", "1h=emergency_moderation"});
  REQUIRE(plain.size() == 24);
  REQUIRE(moderated.size() == 24);
  CHECK(plain[0] == moderated[0]);
  CHECK(plain[0] > 0);
  int plain_after = 0, moderated_after = 0;
  for (std::size_t h = 1; h < 24; ++h) {
    plain_after += plain[h];
    moderated_after += moderated[h];
  }
  CHECK(plain_after > 0);  // with this seed the open list takes posts after the first hour
  CHECK(moderated_after == 0);
}

TEST_CASE("live --mode fast plays the fast run: the same books as run --mode fast", "[live][cli]") {
  CHECK(parse_live_arguments({"live", "s.toml"}).mode == models::Mode::reference);
  CHECK(parse_live_arguments({"live", "s.toml", "--mode", "fast"}).mode == models::Mode::fast);
  CHECK(parse_live_arguments({"live", "s.toml", "--mode=reference"}).mode == models::Mode::reference);
  CHECK_THROWS_WITH(parse_live_arguments({"live", "s.toml", "--mode", "quick"}),
                    Catch::Contains("--mode must be reference or fast, not 'quick'"));

  // Stepped hour by hour in fast mode, the storm ends with the messages of a whole fast run of
  // the same seed, and not with those of the reference run (a different realisation).
  const auto s = models::scenario::load_scenario(kFixture, models::settings_registry(), {});
  models::RunOptions o;
  o.seed = 3;
  o.mode = models::Mode::fast;
  const std::uint64_t fast_total = models::run_storm(s, o).outcomes.messages_total;
  o.mode = models::Mode::reference;
  const std::uint64_t reference_total = models::run_storm(s, o).outcomes.messages_total;
  const auto with_commas = [](std::uint64_t n) {
    std::string digits = std::to_string(n), text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
      text += digits[i];
    }
    return text;
  };
  REQUIRE(fast_total != reference_total);
  std::ostringstream out, err;
  REQUIRE(cli::run_command_line({"live", kFixture, "--plain", "--seed", "3", "--mode", "fast"}, out, err) ==
          cli::kExitOk);
  CHECK_THAT(out.str(), Catch::StartsWith("mailstorm live: small-storm, seed 3, replication 0, fast mode, from"));
  CHECK_THAT(out.str(), Catch::Contains("): " + with_commas(fast_total) + " messages,"));
  CHECK_THAT(out.str(), !Catch::Contains("): " + with_commas(reference_total) + " messages,"));
}
