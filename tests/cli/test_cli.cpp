// The command line: argument parsing, the human summary and the exit statuses.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/experiment_commands.hpp"
#include "cli/summary_text.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

using namespace mailstorm;
using namespace mailstorm::cli;

TEST_CASE("run takes every option, in both spellings", "[cli]") {
  const Arguments a = parse_arguments({"run", "s.toml", "--seed", "7", "--replication=3", "--set",
                                       "population.members=500", "--set=run.horizon=2d", "--out",
                                       "out/x", "--queue", "dary_heap", "--cascade", "--quiet"});
  CHECK(a.command == Command::run);
  CHECK(a.scenario == "s.toml");
  CHECK(a.seed == 7);
  CHECK(a.replication == 3);
  CHECK(a.overrides == std::vector<std::string>{"population.members=500", "run.horizon=2d"});
  CHECK(a.out_dir == "out/x");
  CHECK(a.queue == sim::QueueKind::dary_heap);
  CHECK(a.cascade);
  CHECK(a.quiet);
}

TEST_CASE("defaults and the other commands", "[cli]") {
  const Arguments a = parse_arguments({"run", "s.toml"});
  CHECK(a.seed == 1);
  CHECK(a.replication == 0);
  CHECK_FALSE(a.out_dir);
  CHECK(a.queue == sim::QueueKind::radix_heap);
  CHECK(parse_arguments({"validate", "s.toml", "--set", "a.b=1"}).command == Command::validate);
  CHECK(parse_arguments({"params", "--markdown"}).markdown);
  CHECK(parse_arguments({"--help"}).command == Command::help);
  CHECK(parse_arguments({"run", "--help"}).command == Command::help);
  CHECK(parse_arguments({"--version"}).command == Command::version);
}

TEST_CASE("command-line mistakes are usage errors that say what is wrong", "[cli]") {
  auto message = [](std::vector<std::string> words) -> std::string {
    try {
      parse_arguments(words);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(message({}) == "no command given");
  CHECK(message({"simulate"}) == "unknown command 'simulate'");
  CHECK(message({"run", "s.toml", "--sed", "1"}) == "unknown option '--sed'");
  CHECK(message({"run", "s.toml", "--seed", "-1"}).find("whole number") != std::string::npos);
  CHECK(message({"run", "s.toml", "--seed", "12x"}).find("'12x'") != std::string::npos);
  CHECK(message({"run", "s.toml", "--seed", "99999999999999999999"}).find("whole number") !=
        std::string::npos);
  CHECK(message({"run", "s.toml", "--seed"}) == "--seed needs a value");
  CHECK(message({"run", "s.toml", "--queue", "heap"}).find("dary_heap or radix_heap") !=
        std::string::npos);
  CHECK(message({"run"}).find("which scenario?") != std::string::npos);
  CHECK(message({"run", "a.toml", "b.toml"}) == "unexpected argument 'b.toml'");
  CHECK(message({"run", "s.toml", "--set", "novalue"}).find("key=value") != std::string::npos);
  CHECK(message({"run", "s.toml", "--cascade"}).find("--out") != std::string::npos);
  CHECK(message({"run", "s.toml", "--quiet=yes"}) == "--quiet takes no value");
  CHECK(message({"validate", "s.toml", "--seed", "1"}) == "--seed applies to run only");
  CHECK(message({"params", "x"}) == "unexpected argument 'x'");
}

TEST_CASE("numbers and times are formatted without the locale", "[cli]") {
  CHECK(with_thousands(0) == "0");
  CHECK(with_thousands(999) == "999");
  CHECK(with_thousands(1000) == "1,000");
  CHECK(with_thousands(18000) == "18,000");
  CHECK(with_thousands(1234567) == "1,234,567");
  CHECK(bytes_text(812) == "812 B");
  CHECK(bytes_text(3'400'000) == "3.40 MB");
  CHECK(bytes_text(123'400'000'000) == "123.4 GB");
  const sim::Calendar cal = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  CHECK(local_time_text(cal, sim::Time::zero()) == "Saturday 2000-06-24 13:17 (+09:00)");
  CHECK(local_time_text(cal, sim::Time{0} + sim::hours(11)) == "Sunday 2000-06-25 00:17 (+09:00)");
  CHECK(local_time_text(cal, sim::Time::never()) == "never");
}

TEST_CASE("the run summary fits a screen and names what an operator asks", "[cli]") {
  const models::scenario::Scenario s =
      models::scenario::default_scenario(models::settings_registry());
  models::RunResult r;
  r.calendar = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  r.horizon = sim::Time{0} + sim::days(10);
  r.members = 18000;
  r.outcomes.messages_total = 123456;
  r.outcomes.list_posts_attempted = 40;
  r.outcomes.list_posts_accepted = 12;
  r.outcomes.bounces_total = 3210;
  r.outcomes.bounces_to_poster = 3000;
  r.outcomes.police_reports = 1;
  r.outcomes.sender_inbox_peak_per_hour = 2345;
  r.outcomes.sender_inbox_peak_at = sim::Time{0} + sim::hours(10);
  r.outcomes.time_to_quiet_s = 52 * 3600.0;
  r.outcomes.bytes_total = 1'230'000'000;
  r.ledger.created = 10;
  r.ledger.delivered = 10;
  r.events_handled = 1000;
  r.wall_s = 0.5;
  const std::string text = summary_text(s, models::RunOptions{}, r);
  CHECK(std::count(text.begin(), text.end(), '\n') <= 25);
  CHECK(text.find("18,000 members") != std::string::npos);
  CHECK(text.find("Saturday 2000-06-24 13:17") != std::string::npos);
  CHECK(text.find("123,456 created") != std::string::npos);
  CHECK(text.find("12 accepted of 40 attempted") != std::string::npos);
  CHECK(text.find("3,000 of them to the poster") != std::string::npos);
  CHECK(text.find("1 police report") != std::string::npos);
  CHECK(text.find("2,345 per hour, Saturday 2000-06-24 23:17 (+09:00), 10.0 h") !=
        std::string::npos);
  CHECK(text.find("1.23 GB") != std::string::npos);
  CHECK(text.find("52.0 h") != std::string::npos);
  CHECK(text.find("balanced: 10 created") != std::string::npos);
  CHECK(text.find("2,000 events/s") != std::string::npos);
}

TEST_CASE("the run summary counts hours from the first mail, and says when none was sent",
          "[cli]") {
  const models::scenario::Registry& registry = models::settings_registry();
  models::RunResult r;
  r.calendar = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  r.horizon = sim::Time{0} + sim::days(10);
  r.outcomes.sender_inbox_peak_per_hour = 2345;
  r.outcomes.sender_inbox_peak_at = sim::Time{0} + sim::hours(10);
  r.outcomes.time_to_quiet_s = 52 * 3600.0;
  const auto summary = [&](const std::string& sent_after) {
    const models::scenario::Scenario s = models::scenario::load_scenario_text(
        "", "t.toml", ".", registry, {"first_mail.sent_after=" + sent_after});
    return summary_text(s, models::RunOptions{}, r);
  };
  // The outcomes count from the start; with the first mail 2 h later, 2 h less.
  const std::string later = summary("2h");
  CHECK(later.find("the first mail leaves Saturday 2000-06-24 15:17 (+09:00)") != std::string::npos);
  CHECK(later.find("23:17 (+09:00), 8.0 h after the first mail") != std::string::npos);
  CHECK(later.find("time to quiet     50.0 h after the first mail") != std::string::npos);
  // Sent at the start: as the outcomes say, and no line for it.
  const std::string at_start = summary("0s");
  CHECK(at_start.find("the first mail leaves") == std::string::npos);
  CHECK(at_start.find("the first mail is due") == std::string::npos);
  CHECK(at_start.find("10.0 h after the first mail") != std::string::npos);
  CHECK(at_start.find("52.0 h after the first mail") != std::string::npos);
  // After the horizon nothing is sent, and no time is counted from it.
  r.outcomes = models::Outcomes{};
  const std::string never = summary("11d");
  CHECK(never.find("the first mail is due 11.0 days after the start, not before the horizon: no mail is sent") !=
        std::string::npos);
  CHECK(never.find("time to quiet     no mail was sent") != std::string::npos);
  CHECK(never.find("after the first mail") == std::string::npos);
  // Due at the horizon itself: not sent either.
  CHECK(summary("10d").find("10.0 days after the start, not before the horizon: no mail is sent") !=
        std::string::npos);
}

TEST_CASE("validate warns, with the file and line, when the first mail is due after the horizon",
          "[cli]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mailstorm-test-no-mail-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << "name = \"late\"\n[run]\nhorizon = \"2d\"\n[first_mail]\nsent_after = \"3d\"\n";
  std::ostringstream out, err;
  CHECK(run_command_line({"validate", path.string()}, out, err) == kExitOk);
  CHECK(err.str() == "warning: " + path.string() +
                         ":5: first_mail.sent_after = 3d is not before run.horizon = 2d: the first mail "
                         "is never sent, so a run simulates no mail\n");
  std::ostringstream out2, err2;
  CHECK(run_command_line({"validate", path.string(), "--set", "first_mail.sent_after=47h"}, out2, err2) ==
        kExitOk);
  CHECK(err2.str().find("first_mail.sent_after") == std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("exit statuses: 0 for help and version, 2 for usage and scenario errors", "[cli]") {
  std::ostringstream out, err;
  CHECK(run_command_line({"--version"}, out, err) == kExitOk);
  CHECK(out.str().rfind("mailstorm ", 0) == 0);
  CHECK(run_command_line({"--help"}, out, err) == kExitOk);
  CHECK(run_command_line({"run", "x.toml", "--seed", "x"}, out, err) == kExitUsage);
  CHECK(err.str().find("usage:") != std::string::npos);
  std::ostringstream err2;
  CHECK(run_command_line({"validate", "no-such-file.toml"}, out, err2) == kExitUsage);
  CHECK(err2.str().rfind("error: ", 0) == 0);
  CHECK(err2.str().find("no-such-file.toml") != std::string::npos);
}

TEST_CASE("params lists every setting with its type, default and range", "[cli]") {
  models::scenario::Registry registry;
  models::scenario::SettingSpec spec;
  spec.name = "list.posting_policy";
  spec.type = models::scenario::SettingType::choice;
  spec.default_value = std::string("members_only");
  spec.choices = {"open", "members_only"};
  spec.help = "Who may post.";
  registry.add(spec);
  spec = {};
  spec.name = "run.horizon";
  spec.type = models::scenario::SettingType::duration;
  spec.default_value = sim::days(10);
  spec.min = 3600;
  spec.max = 86400 * 365.0;
  spec.help = "How long to simulate.";
  registry.add(spec);
  const std::string table = params_table(registry);
  CHECK(table.find("name ") == 0);
  CHECK(
      table.find("list.posting_policy  choice    members_only  open|members_only  Who may post.") !=
      std::string::npos);
  CHECK(table.find("run.horizon") != std::string::npos);
  CHECK(table.find("[1h, 365d]") != std::string::npos);
  CHECK(table.find("2 settings.") != std::string::npos);
}

TEST_CASE("every command maps a failure to the same exit status and message", "[cli]") {
  // What the exception being handled says, and the status it stands for.
  const auto handled = [](auto&& thrower) {
    std::ostringstream err;
    int status = -1;
    try {
      thrower();
    } catch (...) {
      status = exit_status_of_current_exception(err);
    }
    return std::make_pair(status, err.str());
  };
  CHECK(handled([] { throw UsageError("--seed wants a number"); }) ==
        std::make_pair(kExitUsage, std::string("error: --seed wants a number\n")));
  const auto scenario = handled([] { throw models::scenario::ScenarioError("s.toml", 3, 1, "list.x", "unknown key"); });
  CHECK(scenario.first == kExitUsage);
  CHECK_THAT(scenario.second, Catch::Contains("s.toml") && Catch::Contains("list.x"));
  CHECK(handled([] { throw models::OutputError("disk full"); }) ==
        std::make_pair(kExitFailure, std::string("error: results not written: disk full\n")));
  const auto books = handled([] { throw models::ConservationError("created 3, accounted 2"); });
  CHECK(books.first == kExitFailure);
  CHECK_THAT(books.second, Catch::StartsWith("internal error (a bug") && Catch::Contains("created 3, accounted 2"));
  CHECK(handled([] { throw QuietExit{7}; }) == std::make_pair(7, std::string()));
  CHECK(handled([] { throw std::runtime_error("boom"); }) ==
        std::make_pair(kExitFailure, std::string("error: boom\n")));
  CHECK(handled([] { throw 42; }).first == kExitFailure);
}
