// Scenario files: units, extends chains, overrides, every kind of bad input, exports.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "models/scenario/reserved_table.hpp"
#include "models/scenario/scenario.hpp"
#include "scenario_test_registry.hpp"

namespace fs = std::filesystem;
using namespace mailstorm;
using namespace mailstorm::models::scenario;
using Catch::Matchers::Contains;

namespace {

const Registry& reg() {
  static const Registry r = testing::test_registry();
  return r;
}

// A fresh directory per test case, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("mailstorm-scenario-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

Scenario from_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(text, "t.toml", ".", reg(), overrides);
}

// The ScenarioError raised by loading `text` (fails the test if none is raised).
ScenarioError error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    (void)from_text(text, overrides);
  } catch (const ScenarioError& e) {
    return e;
  }
  FAIL("no ScenarioError for: " << text);
  throw std::logic_error("unreachable");
}

void require_same(const Scenario& a, const Scenario& b) {
  for (const SettingSpec& spec : reg().all()) {
    INFO(spec.name);
    CHECK(a.value(spec.name) == b.value(spec.name));
  }
  CHECK(a.name() == b.name());
  CHECK(a.description() == b.description());
  CHECK(a.sweep_toml() == b.sweep_toml());
  CHECK(a.expect_toml() == b.expect_toml());
}

}  // namespace

TEST_CASE("durations with every unit", "[scenario][units]") {
  CHECK(parse_duration("90min") == sim::minutes(90));
  CHECK(parse_duration("1.5h") == sim::minutes(90));
  CHECK(parse_duration("5d") == sim::days(5));
  CHECK(parse_duration("2w") == sim::days(14));
  CHECK(parse_duration("300s") == sim::seconds(300));
  CHECK(parse_duration("250ms") == sim::milliseconds(250));
  CHECK(parse_duration("7us") == sim::microseconds(7));
  CHECK(parse_duration(" 0.5s ") == sim::milliseconds(500));
  CHECK(parse_duration("90 min") == sim::minutes(90));
  CHECK(parse_duration("-5min") == sim::minutes(-5));
  CHECK(parse_duration("0s") == sim::Duration{0});
}

TEST_CASE("bad durations say what units are allowed", "[scenario][units]") {
  auto message = [](std::string_view text) -> std::string {
    try {
      (void)parse_duration(text);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    FAIL("accepted: " << text);
    return {};
  };
  CHECK_THAT(message("90"), Contains("has no units") && Contains("\"90min\""));
  CHECK_THAT(message("90 minutes"), Contains("unknown unit 'minutes'") &&
                                        Contains("us, ms, s, min, h, d, w"));
  CHECK_THAT(message("5m"), Contains("unknown unit 'm'"));
  CHECK_THAT(message("min"), Contains("expected a number with units"));
  CHECK_THAT(message(""), Contains("expected a number with units"));
  CHECK_THAT(message("1.5.5h"), Contains("unknown unit"));
  CHECK_THAT(message("99999999999999w"), Contains("too large"));
  CHECK_THAT(message("1e300h"), Contains("unknown unit"));
  CHECK_THAT(message("99999999999999999999999s"), Contains("too large"));
  CHECK_THAT(message("9999999999999999.5w"), Contains("too large"));
}

TEST_CASE("rates with every unit", "[scenario][units]") {
  CHECK(parse_rate("20/s") == 20.0);
  CHECK(parse_rate("3600/h") == Approx(1.0));
  CHECK(parse_rate("10/min") == Approx(10.0 / 60));
  CHECK(parse_rate("50/d") == Approx(50.0 / 86400));
  CHECK(parse_rate("7/w") == Approx(1.0 / 86400));
  CHECK(parse_rate("0.5 / s") == 0.5);
  for (const char* bad : {"20", "20/x", "/s", "20 per s", "", "abc/s", "20/"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_rate(bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(parse_rate("20"), Contains("has no time unit"));
  CHECK_THROWS_WITH(parse_rate("20/x"), Contains("unknown time unit 'x'"));
}

TEST_CASE("values are formatted as a scenario file would write them", "[scenario][units]") {
  const SettingSpec& delay = *reg().find("mail.delivery_delay");
  const SettingSpec& rate = *reg().find("mail.send_rate");
  CHECK(format_value(delay, parse_duration("1.5h")) == "90min");
  CHECK(format_value(delay, parse_duration("5d")) == "5d");
  CHECK(format_value(delay, parse_duration("2w")) == "14d");
  CHECK(format_value(delay, parse_duration("250ms")) == "250ms");
  CHECK(format_value(delay, parse_duration("1.0000005s")) == "1000001us");
  CHECK(format_value(rate, parse_rate("20/s")) == "20/s");
  CHECK(format_value(rate, parse_rate("3600/h")) == "1/s");
  CHECK(format_value(rate, parse_rate("10/min")) == "10/min");
  CHECK(format_value(rate, parse_rate("50/d")) == "50/d");
  for (const char* r : {"0.3/s", "1/s", "17/h", "0.001/s", "123456/d", "1.25/min"})
    CHECK(parse_rate(format_value(rate, parse_rate(r))) == parse_rate(r));
  // Large and tiny rates in plain digits (parse_rate takes no exponent); exact round trip.
  CHECK(format_value(rate, 1e6) == "1000000/s");
  CHECK(format_value(rate, 0.0) == "0/s");
  for (const double r : {1e6, 1e14, 1e20, 1e300, 1e-7, 3e-9, 1.0 / 3, 0.1, 123.456})
    CHECK(parse_rate(format_value(rate, r)) == r);
  CHECK(format_value(*reg().find("behaviour.mean_reply_size"), 1e6) == "1000000.0");
  CHECK(format_value(*reg().find("behaviour.mean_reply_size"), 1e20) == "1e+20");
  CHECK(format_value(*reg().find("behaviour.reply_probability"), 0.25) == "0.25");
  CHECK(format_value(*reg().find("behaviour.mean_reply_size"), 3000.0) == "3000.0");
  CHECK(format_value(*reg().find("list.reply_to_list"), true) == "true");
}

TEST_CASE("a scenario sets values in tables and dotted keys", "[scenario]") {
  const Scenario s = from_text(R"(
name = "mine"
description = "two tables"
hosts.smtp.retry_interval = "2min"
[list]
members = 500
posting_policy = "moderated"
reply_to_list = true
[mail]
delivery_delay = "1.5h"
send_rate = "3600/h"
[behaviour]
reply_probability = 0.5
mean_reply_size = 100   # an integer is fine for a real
[world]
start = 2001-01-02T03:04:05Z
members_file = "sub/../m.csv"
label = "x"
)");
  CHECK(s.name() == "mine");
  CHECK(s.description() == "two tables");
  CHECK(s.integer("list.members") == 500);
  CHECK(s.text("list.posting_policy") == "moderated");
  CHECK(s.boolean("list.reply_to_list"));
  CHECK(s.duration("mail.delivery_delay") == sim::minutes(90));
  CHECK(s.rate_per_s("mail.send_rate") == Approx(1.0));
  CHECK(s.real("behaviour.reply_probability") == 0.5);
  CHECK(s.real("behaviour.mean_reply_size") == 100.0);
  CHECK(s.text("world.start") == "2001-01-02T03:04:05Z");
  // A path is relative to the file's folder ("." here), recorded absolute.
  CHECK(s.text("world.members_file") == (fs::current_path() / "m.csv").generic_string());
  CHECK(s.duration("hosts.smtp.retry_interval") == sim::minutes(2));
  CHECK(s.explicitly_set().size() == 11);
  const Origin& o = s.origin("list.members");
  CHECK(o.how == "file");
  CHECK(o.file == "t.toml");
  CHECK(o.line == 6);
  CHECK(o.column == 1);
  CHECK(s.origin("hosts.smtp.retry_interval").line == 4);
  CHECK(s.origin("mail.send_rate").line == 11);
  CHECK_THROWS_AS(s.integer("list.posting_policy"), std::logic_error);
  CHECK_THROWS_AS(s.value("no.such"), std::logic_error);
}

TEST_CASE("defaults and the name of an unnamed file", "[scenario]") {
  const Scenario d = default_scenario(reg());
  CHECK(d.integer("list.members") == 2000);
  CHECK(d.explicitly_set().empty());
  CHECK(d.origin("list.members").how == "default");
  const Scenario s = load_scenario_text("", "dir/storm.toml", "dir", reg());
  CHECK(s.name() == "storm");
  CHECK(s.files() == std::vector<std::string>{"dir/storm.toml"});
}

TEST_CASE("a path in a file loaded by a relative name is recorded absolute", "[scenario]") {
  TempDir dir;
  dir.write("sub/s.toml", "[world]\nmembers_file = \"m.csv\"\n[sweep]\n\"world.members_file\" = [\"n.csv\"]\n");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path);
  const Scenario s = load_scenario("sub/s.toml", reg());
  fs::current_path(cwd);
  CHECK(s.text("world.members_file") == (dir.path / "sub/m.csv").generic_string());
  CHECK_THAT(s.sweep_toml(), Contains((dir.path / "sub/n.csv").generic_string()));
  // Read again from elsewhere (as `analyze --cascade` reads a run's settings from its folder).
  const Scenario back = load_scenario_text(s.to_toml(), "t.toml", "/elsewhere", reg());
  CHECK(back.text("world.members_file") == s.text("world.members_file"));
  CHECK(back.sweep_toml() == s.sweep_toml());
}

TEST_CASE("extends: a file overrides its base", "[scenario][extends]") {
  TempDir dir;
  dir.write("base/base.toml",
            "description = \"base\"\nname = \"base\"\n[list]\nmembers = 100\n"
            "posting_policy = \"moderated\"\n[world]\nmembers_file = \"members.csv\"\n");
  const fs::path child =
      dir.write("child.toml", "extends = \"base/base.toml\"\n[list]\nmembers = 200\n");
  const Scenario s = load_scenario(child, reg());
  CHECK(s.integer("list.members") == 200);
  CHECK(s.text("list.posting_policy") == "moderated");
  CHECK(s.name() == "child");          // a base's name is not inherited
  CHECK(s.description() == "base");    // its description is
  // A path is relative to the file that sets it.
  CHECK(s.text("world.members_file") == (dir.path / "base/members.csv").generic_string());
  REQUIRE(s.files().size() == 2);
  CHECK(s.files()[0] == child.string());
  CHECK(s.files()[1] == (dir.path / "base/base.toml").string());
  CHECK(s.origin("list.members").file == child.string());
  CHECK(s.origin("list.posting_policy").file == (dir.path / "base/base.toml").string());
}

TEST_CASE("extends: a three-level chain", "[scenario][extends]") {
  TempDir dir;
  dir.write("a.toml", "[list]\nmembers = 1\nposting_policy = \"moderated\"\nreply_to_list = true\n");
  dir.write("b.toml", "extends = \"a.toml\"\n[list]\nmembers = 2\nposting_policy = \"open\"\n");
  const fs::path c = dir.write("c.toml", "extends = \"b.toml\"\nlist.members = 3\n");
  const Scenario s = load_scenario(c, reg(), {"mail.delivery_delay=2h"});
  CHECK(s.integer("list.members") == 3);
  CHECK(s.text("list.posting_policy") == "open");
  CHECK(s.boolean("list.reply_to_list"));
  CHECK(s.duration("mail.delivery_delay") == sim::hours(2));
  CHECK(s.origin("mail.delivery_delay").how == "--set");
  CHECK(s.files().size() == 3);
  CHECK(fs::path(s.files().back()).filename() == "a.toml");
}

TEST_CASE("extends: cycles, self-extension, missing files, depth", "[scenario][extends]") {
  TempDir dir;
  dir.write("a.toml", "extends = \"b.toml\"\n");
  dir.write("b.toml", "\nextends = \"a.toml\"\n");
  dir.write("self.toml", "extends = \"self.toml\"\n");
  dir.write("missing.toml", "# base is gone\nextends = \"gone/base.toml\"\n");
  try {
    (void)load_scenario(dir.path / "a.toml", reg());
    FAIL("cycle accepted");
  } catch (const ScenarioError& e) {
    const std::string a = (dir.path / "a.toml").string(), b = (dir.path / "b.toml").string();
    CHECK(e.message() == "extends cycle: " + a + " -> " + b + " -> " + a);
    CHECK(e.file() == b);
    CHECK(e.line() == 2);
    CHECK(e.key() == "extends");
  }
  CHECK_THROWS_WITH(load_scenario(dir.path / "self.toml", reg()), Contains("extends cycle") &&
                                                                      Contains("self.toml -> "));
  try {
    (void)load_scenario(dir.path / "missing.toml", reg());
    FAIL("missing base accepted");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == (dir.path / "missing.toml").string());
    CHECK(e.line() == 2);
    CHECK_THAT(e.what(), Contains("cannot read '" + (dir.path / "gone/base.toml").string() +
                                  "': no such file"));
  }
  // A bad value in a base file is reported at its place in the base file.
  dir.write("bad_base.toml", "[list]\nmembers = \"lots\"\n");
  dir.write("uses_bad_base.toml", "extends = \"bad_base.toml\"\n");
  CHECK_THROWS_WITH(load_scenario(dir.path / "uses_bad_base.toml", reg()),
                    Contains("bad_base.toml:2:1: key 'list.members': expected an integer"));
  CHECK_THROWS_WITH(load_scenario(dir.path / "nope.toml", reg()),
                    Contains("nope.toml") && Contains("no such file"));
  CHECK_THROWS_WITH(load_scenario(dir.path, reg()), Contains("not a regular file"));
  for (int i = 0; i < 20; ++i)
    dir.write("chain" + std::to_string(i) + ".toml",
              "extends = \"chain" + std::to_string(i + 1) + ".toml\"\n");
  dir.write("chain20.toml", "");
  CHECK_THROWS_WITH(load_scenario(dir.path / "chain0.toml", reg()),
                    Contains("deeper than 16 files"));
  CHECK_NOTHROW(load_scenario(dir.path / "chain4.toml", reg()));
}

TEST_CASE("unknown keys: position and suggestion", "[scenario][errors]") {
  const ScenarioError e = error_of("[list]\nposting_polcy = \"open\"\n");
  CHECK(std::string(e.what()) ==
        "t.toml:2:1: key 'list.posting_polcy': unknown setting; did you mean "
        "'list.posting_policy'?");
  CHECK(e.line() == 2);
  CHECK(e.column() == 1);
  CHECK(e.key() == "list.posting_polcy");
  // Right name, wrong table.
  CHECK_THAT(error_of("[mail]\nposting_policy = \"open\"\n").what(),
             Contains("did you mean 'list.posting_policy'?"));
  // Misspelt table.
  CHECK_THAT(error_of("[lisst]\nmembers = 5\n").what(),
             Contains("key 'lisst.members': unknown setting; did you mean 'list.members'?"));
  CHECK_THAT(error_of("[lisst]\n").what(), Contains("unknown table"));
  CHECK_THAT(error_of("zzzzzzzz = 1\n").what(), Contains("unknown setting") &&
                                                    !Contains("did you mean"));
  CHECK_THAT(error_of("list = 5\n").what(), Contains("'list' is a table of settings"));
  CHECK_THAT(error_of("list.members.x = 5\n").what(), Contains("expected an integer"));
  // The first problem in file order is the one reported.
  CHECK(error_of("[world]\nzz = 1\n[behaviour]\naa = 2\n").line() == 2);
}

TEST_CASE("suggestions", "[scenario][registry]") {
  CHECK(reg().suggest("list.posting_polcy") == std::vector<std::string>{"list.posting_policy"});
  CHECK(reg().suggest("list.membres").front() == "list.members");
  CHECK(reg().suggest("hosts.smtp.retry_intervall").front() == "hosts.smtp.retry_interval");
  CHECK(reg().suggest("qqqqqqqqqq").empty());
  CHECK(reg().suggest("world.lable").front() == "world.label");
}

TEST_CASE("wrong types, ranges, choices and datetimes", "[scenario][errors]") {
  CHECK(std::string(error_of("[list]\nmembers = \"many\"\n").what()) ==
        "t.toml:2:1: key 'list.members': expected an integer, e.g. 2000, got the string "
        "\"many\"");
  CHECK_THAT(error_of("list.members = 2.5").what(), Contains("expected an integer"));
  CHECK_THAT(error_of("list.reply_to_list = \"yes\"").what(),
             Contains("expected a boolean (true or false)"));
  CHECK_THAT(error_of("behaviour.mean_reply_size = \"big\"").what(), Contains("expected a number"));
  CHECK_THAT(error_of("world.label = 5").what(), Contains("expected a string"));
  CHECK_THAT(error_of("world.members_file = [1]").what(), Contains("got an array"));
  CHECK_THAT(error_of("mail.delivery_delay = 90").what(),
             Contains("a bare number (90) is refused: a duration needs units") &&
                 Contains("\"90min\""));
  CHECK_THAT(error_of("mail.send_rate = 20").what(),
             Contains("a bare number (20) is refused: a rate needs a time unit"));
  CHECK_THAT(error_of("mail.delivery_delay = true").what(),
             Contains("expected a duration as a string with units, e.g. \"90min\""));
  CHECK(std::string(error_of("[list]\nmembers = 0\n").what()) ==
        "t.toml:2:1: key 'list.members': value 0 is out of range: allowed [1, 100000] members");
  CHECK_THAT(error_of("mail.delivery_delay = \"31d\"").what(),
             Contains("value 31d is out of range: allowed [0s, 30d]"));
  CHECK_THAT(error_of("mail.send_rate = \"2000/s\"").what(),
             Contains("out of range: allowed [0/s, 1000/s]"));
  CHECK_THAT(error_of("mail.send_rate = \"1000000/s\"").what(),
             Contains("value 1000000/s is out of range"));
  CHECK_THAT(error_of("mail.send_rate = \"99999999999999999999999/s\"").what(),
             Contains("out of range"));
  CHECK_THAT(error_of("behaviour.reply_probability = 1.5").what(),
             Contains("out of range: allowed [0, 1]"));
  CHECK_THAT(error_of("behaviour.mean_reply_size = -1").what(),
             Contains("allowed at least 0 bytes"));
  CHECK_THAT(error_of("behaviour.mean_reply_size = nan").what(),
             Contains("expected a finite number"));
  CHECK_THAT(error_of("behaviour.mean_reply_size = inf").what(),
             Contains("expected a finite number"));
  CHECK_THAT(error_of("hosts.smtp.retry_interval = \"0s\"").what(),
             Contains("allowed at least 1s"));
  CHECK(std::string(error_of("[list]\nposting_policy = \"closed\"\n").what()) ==
        "t.toml:2:1: key 'list.posting_policy': 'closed' is not one of the choices: open, "
        "moderated, members_only");
  CHECK_THAT(error_of("world.start = \"2000-13-01T00:00:00Z\"").what(),
             Contains("bad date-time") && Contains("field out of range"));
  CHECK_THAT(error_of("world.start = 2000-06-24T13:17:00").what(), Contains("UTC offset"));
  CHECK_THAT(error_of("world.start = 2000-06-24").what(), Contains("got a date"));
  CHECK_THAT(error_of("name = 5").what(), Contains("expected the scenario's name as a string"));
  CHECK_THAT(error_of("sweep = 5").what(), Contains("expected a table [sweep]"));
  CHECK_THAT(error_of("extends = 5").what(), Contains("expected the base file name"));
}

TEST_CASE("overrides as from the command line (--set)", "[scenario][set]") {
  const Scenario s = from_text("list.members = 5\n",
                               {"list.members=500", "mail.delivery_delay = 90min",
                                "list.reply_to_list=true", "list.posting_policy=moderated",
                                "world.label=\"quoted text\"", "behaviour.reply_probability=0.75",
                                "mail.send_rate=\"3600/h\"", "world.members_file=a=b.csv",
                                "world.start=2000-01-01T00:00:00Z"});
  CHECK(s.integer("list.members") == 500);
  CHECK(s.duration("mail.delivery_delay") == sim::minutes(90));
  CHECK(s.boolean("list.reply_to_list"));
  CHECK(s.text("list.posting_policy") == "moderated");
  CHECK(s.text("world.label") == "quoted text");
  CHECK(s.real("behaviour.reply_probability") == 0.75);
  CHECK(s.rate_per_s("mail.send_rate") == Approx(1.0));
  // Split at the first '=' only; a path on the command line is relative to the working
  // directory, and kept absolute.
  CHECK(s.text("world.members_file") == (fs::current_path() / "a=b.csv").lexically_normal().string());
  CHECK(s.origin("list.members").how == "--set");

  auto set_error = [](const std::string& o) { return error_of("", {o}); };
  const ScenarioError e = set_error("list.members=abc");
  CHECK(e.file() == "--set");
  CHECK(std::string(e.what()) ==
        "--set: key 'list.members': expected an integer, e.g. 2000, got 'abc'");
  CHECK_THAT(set_error("list.membrs=1").what(),
             Contains("--set: key 'list.membrs': unknown setting; did you mean 'list.members'?"));
  CHECK_THAT(set_error("novalue").what(), Contains("expected key=value"));
  CHECK_THAT(set_error("=5").what(), Contains("missing key"));
  CHECK_THAT(set_error("list.reply_to_list=yes").what(), Contains("expected a boolean"));
  CHECK_THAT(set_error("mail.delivery_delay=90").what(), Contains("has no units"));
  CHECK_THAT(set_error("list.posting_policy=closed").what(), Contains("not one of the choices"));
  CHECK_THAT(set_error("list.members=0").what(), Contains("out of range"));
  CHECK_THAT(set_error("behaviour.reply_probability=x").what(), Contains("expected a probability"));
  CHECK_THAT(set_error("world.start=tomorrow").what(), Contains("bad date-time"));
  CHECK_THAT(set_error("world.label=\xff").what(), Contains("UTF-8"));

  Scenario t = default_scenario(reg());
  t.set_from_string("list.members", "42");
  CHECK(t.integer("list.members") == 42);
  CHECK(t.explicitly_set() == std::vector<std::string>{"list.members"});
}

TEST_CASE("a --set path is relative to the working directory, and to_toml's text means the same file anywhere",
          "[scenario][set]") {
  // Found by the loader fuzzer: `--set world.members_file=open` stayed "open", to_toml wrote it
  // so, and loading that text from another folder resolved it there.
  const fs::path cwd = fs::current_path();
  const Scenario relative = from_text("", {"world.members_file=sub/../open"});
  CHECK(relative.text("world.members_file") == (cwd / "open").string());
  CHECK(from_text("", {"world.members_file=/abs/m.csv"}).text("world.members_file") == "/abs/m.csv");
  CHECK(from_text("", {"world.members_file=\"\""}).text("world.members_file").empty());
  const Scenario back = load_scenario_text(relative.to_toml(), "t.toml", "/elsewhere", reg());
  CHECK(back.text("world.members_file") == (cwd / "open").string());
  CHECK(back.to_toml() == relative.to_toml());
}

TEST_CASE("huge files are refused before parsing", "[scenario][errors]") {
  std::string huge(1024 * 1024 + 1, '#');
  CHECK_THROWS_WITH(from_text(huge), Contains("t.toml: file is 1048577 bytes") &&
                                         Contains("limited to 1 MiB"));
  TempDir dir;
  const fs::path p = dir.write("huge.toml", huge);
  CHECK_THROWS_WITH(load_scenario(p, reg()), Contains("huge.toml: file is 1048577 bytes"));
  const fs::path q = dir.write("extends_huge.toml", "extends = \"huge.toml\"\n");
  CHECK_THROWS_WITH(load_scenario(q, reg()), Contains("limited to 1 MiB"));
  // Exactly 1 MiB of comment is fine.
  huge.pop_back();
  CHECK_NOTHROW(from_text(huge));
}

TEST_CASE("deeply nested input does not overflow the stack", "[scenario][errors]") {
  auto key_of_parts = [](int parts) {
    std::string key = "a";
    for (int i = 1; i < parts; ++i) key += ".a";
    return key;
  };
  const std::string deep = key_of_parts(20000);
  CHECK_THROWS_WITH(from_text(deep + " = 1\n"),
                    Contains("t.toml:1:64: a key with more than 32 dotted parts"));
  CHECK_THROWS_WITH(from_text("[" + deep + "]\n"), Contains("more than 32 dotted parts"));
  CHECK_THROWS_WITH(from_text("x = {" + deep + " = 1}\n"), Contains("more than 32 dotted parts"));
  // 32 parts is parsed (and then refused as unknown); dots in strings and comments don't count.
  CHECK_THROWS_WITH(from_text(key_of_parts(32) + " = 1\n"), Contains("unknown"));
  CHECK_THROWS_WITH(from_text("\"" + deep + "\" = 1 # " + deep + "\n"),
                    Contains("unknown setting"));
  CHECK(from_text("world.label = \"\"\"\n" + deep + "\n\"\"\"\n").text("world.label") ==
        deep + "\n");
  CHECK(from_text("world.label = '''" + deep + "'''").text("world.label") == deep);
  CHECK(from_text("world.label = \"\\\"" + deep + "\"").text("world.label") == "\"" + deep);
  CHECK_THROWS_WITH(from_text("x = " + std::string(5000, '[')), Contains("nested"));
  CHECK_THROWS_WITH(from_text("x = " + std::string(5000, '{')), Contains("TOML syntax error"));
  // The deepest structure allowed: inline tables nested as deep as TOML++ allows, each with a
  // 32-part key.
  std::string nested = "x = ";
  for (int i = 0; i < 63; ++i) nested.append("{").append(key_of_parts(32)).append(" = ");
  nested.append("1").append(63, '}').append("\n");
  CHECK_THROWS_AS(from_text(nested), ScenarioError);
}

TEST_CASE("the five TOML++ abort inputs raise ScenarioError", "[scenario][errors]") {
  for (const char* text : {"[&", "[[[1]]]", "[[[a]]]", "[[[]]", "[[="}) {
    INFO(text);
    const ScenarioError e = error_of(text);
    CHECK_THAT(e.what(), Contains("t.toml:1:") && Contains("TOML syntax error"));
  }
}

TEST_CASE("non-ASCII characters where TOML++ 3.3 reached __builtin_unreachable", "[scenario][errors]") {
  // Found by the fuzzer: is_non_ascii_horizontal_whitespace() had no answer for U+02D2.
  for (const char* text : {"isl\xcb\x92" "embe = 1", "a\xc3\xa9 = 1", "\xc3\xa9", "x = 1 \xe3\x80\x81",
                           "[a\xef\xbd\x80]", "a = \xef\xbb\xbf"}) {
    INFO(text);
    CHECK_THROWS_AS(from_text(text), ScenarioError);
  }
  // Non-ASCII text in strings and comments is fine.
  CHECK(from_text("# caf\xc3\xa9\nworld.label = \"caf\xc3\xa9 \xe3\x80\x80\"\n").text("world.label") ==
        "caf\xc3\xa9 \xe3\x80\x80");
}

TEST_CASE("every file in the bad-scenario corpus raises its error", "[scenario][errors]") {
  const fs::path corpus = MAILSTORM_BAD_SCENARIOS_DIR;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 20);
  const std::regex position(R"(\.toml:[0-9]+:)");
  for (const fs::path& file : files) {
    INFO(file.filename().string());
    std::ifstream in(file, std::ios::binary);
    std::string first_line;
    std::getline(in, first_line);
    const std::string tag = "# expect: ";
    REQUIRE(first_line.rfind(tag, 0) == 0);
    const std::string fragment = first_line.substr(tag.size());
    try {
      (void)load_scenario(file, reg());
      FAIL_CHECK("no error");
    } catch (const ScenarioError& e) {
      const std::string what = e.what();
      INFO(what);
      CHECK_THAT(what, Contains(fragment));
      CHECK_THAT(what, Contains(file.filename().string()));
      CHECK(std::regex_search(what, position));
      CHECK(e.line() > 0);
    }
  }
}

// TOML++ 3.3's formatter converts log10 of every number in an array to size_t when it lays the
// array out: undefined for these (found by the loader fuzzer). Were the tables written by that
// formatter again, the sanitizer build (float-cast-overflow is on there) would stop here. It also
// wrote the first of `strings` below as a multi-line literal string, which ends at its '''.
TEST_CASE("[sweep] and [expect] keep numbers the formatter of TOML++ cannot lay out", "[scenario][export]") {
  const std::string text = R"(name = "awkward"
[sweep]
small = [0.05, 0.1, -0.001, 1e-300, 5e-324]
odd = [inf, -inf, nan]
ints = [-9223372036854775808, 9223372036854775807, 0]
nested = [[0.01, [0.02]], []]
tables = [{ a = 0.05 }, {}]
"dotted.key" = ["x"]
strings = ["a\n'''b", "two\nlines ''' '' \"quoted\" \t\\ \u0001 é"]
[sweep.deep.er]
v = [0.09]
[[sweep.rows]]
w = 0.001
[expect]
max_share = [0.0, 0.05]
)";
  const Scenario s = from_text(text);
  const std::string toml = s.to_toml();
  INFO(toml);
  CHECK_THAT(s.sweep_toml(), Contains("odd = [ inf, -inf, nan ]"));
  CHECK_THAT(s.sweep_toml(), Contains("ints = [ -9223372036854775808, 9223372036854775807, 0 ]"));
  CHECK_THAT(s.sweep_toml(), Contains("deep.er.v = [ "));
  CHECK_THAT(s.sweep_toml(), Contains("rows = [ { w = 0.001 } ]"));
  CHECK_THAT(s.sweep_toml(), Contains("\"dotted.key\" = [ \"x\" ]"));
  const Scenario back = load_scenario_text(toml, "t.toml", ".", reg());
  require_same(s, back);
  CHECK(back.to_toml() == toml);
  // The numbers themselves, as the experiment tools read them.
  const auto items = [](const Scenario& from, std::string_view table, const std::string& key) {
    std::vector<double> out;
    for (const auto& [k, v] : reserved_table(from, table).members)
      if (k == key)
        for (const auto& item : v.items) out.push_back(item.real);
    return out;
  };
  for (const Scenario* x : {&s, &back}) {
    CHECK(items(*x, "sweep", "small") == std::vector<double>{0.05, 0.1, -0.001, 1e-300, 5e-324});
    CHECK(items(*x, "expect", "max_share") == std::vector<double>{0.0, 0.05});
    for (const auto& [k, v] : reserved_table(*x, "sweep").members)
      if (k == "strings") {
        REQUIRE(v.items.size() == 2);
        CHECK(v.items[0].text == "a\n'''b");
        CHECK(v.items[1].text == "two\nlines ''' '' \"quoted\" \t\\ \x01 \xc3\xa9");
      }
    const std::vector<double> odd = items(*x, "sweep", "odd");
    REQUIRE(odd.size() == 3);
    CHECK((std::isinf(odd[0]) && odd[0] > 0 && std::isinf(odd[1]) && odd[1] < 0 && std::isnan(odd[2])));
  }
}

TEST_CASE("to_toml round-trips and to_json escapes", "[scenario][export]") {
  const Scenario s = from_text(R"(
description = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é"
[list]
members = 777
posting_policy = "members_only"
[mail]
delivery_delay = "1.0000005s"
send_rate = "10/min"
[behaviour]
reply_probability = 0.1
mean_reply_size = 1e-7
[world]
label = "it's \"odd\" | text"
members_file = "/abs/m.csv"
[sweep]
"list.members" = [10, 100, 1000]
nested = { a = 1, b = "x" }
[sweep.sub]
c = 2
[expect]
max_queue = 5
)");
  const std::string toml = s.to_toml();
  INFO(toml);
  const Scenario back = load_scenario_text(toml, "t.toml", ".", reg());
  require_same(s, back);
  CHECK(back.to_toml() == toml);
  CHECK_THAT(s.sweep_toml(), Contains("list.members"));
  CHECK_THAT(s.expect_toml(), Contains("max_queue = 5"));
  // Every setting appears, sorted by name.
  CHECK(toml.find("behaviour.mean_reply_size") < toml.find("world.start"));

  const std::string json = s.to_json();
  INFO(json);
  CHECK_THAT(json, Contains(R"("description": "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é")"));
  CHECK_THAT(json, Contains(R"("world.label": "it's \"odd\" | text")"));
  CHECK_THAT(json, Contains(R"("mail.send_rate": "10/min")"));
  CHECK_THAT(json, Contains(R"("mail.delivery_delay": "1000001us")"));
  CHECK_THAT(json, Contains(R"("mail.delivery_delay": 1.000001)"));
  CHECK_THAT(json, Contains(R"("list.members": 777)"));
  CHECK_THAT(json, Contains(R"("explicitly_set": ["list.members")"));

  const Scenario d = default_scenario(reg());
  require_same(d, load_scenario_text(d.to_toml(), "default.toml", ".", reg()));
}

TEST_CASE("registry validates its specs", "[scenario][registry]") {
  using T = SettingType;
  using testing::spec;
  const Value one = std::int64_t{1};
  Registry r;
  r.add(spec("a.x", T::integer, one));
  CHECK_THROWS_WITH(r.add(spec("a.x", T::integer, one)), Contains("registered twice"));
  CHECK_THROWS_WITH(r.add(spec("a.y", T::integer, std::int64_t{5}, "", 0, 3)),
                    Contains("bad default") && Contains("out of range"));
  CHECK_THROWS_WITH(r.add(spec("a.c", T::choice, std::string("z"), "", {}, {}, {"p", "q"})),
                    Contains("not one of the choices"));
  CHECK_THROWS_AS(r.add(spec("a.c", T::choice, std::string("z"))), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a.p", T::probability, 1.5)), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a.d", T::duration, 5.0)), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a.x.y", T::integer, one)), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a", T::integer, one)), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("sweep.x", T::integer, one)), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("bad name", T::text, std::string())), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a.t", T::datetime, std::string("x"))), std::logic_error);
  CHECK_THROWS_AS(r.add(spec("a.m", T::real, 1.0, "", 2, 1)), std::logic_error);
  // An integer default for a real setting is accepted as a double.
  r.add(spec("a.r", T::real, std::int64_t{2}));
  CHECK(std::holds_alternative<double>(r.find("a.r")->default_value));
  CHECK(r.all().size() == 2);
}

TEST_CASE("registry markdown", "[scenario][registry]") {
  const std::string md = registry_markdown(reg());
  CHECK(md == registry_markdown(reg()));
  CHECK_THAT(md, Contains("## list\n"));
  CHECK_THAT(md, Contains("| Setting | Type | Default | Unit | Allowed | Help | Real-world counterpart |"));
  CHECK_THAT(md, Contains("| `list.members` | integer | `2000` | members | [1, 100000] | "
                          "Number of subscribers. | Mailman 3 member count |"));
  CHECK_THAT(md, Contains("`open`, `moderated`, `members_only`"));
  CHECK_THAT(md, Contains("Who may post \\| pipe in help."));
  CHECK_THAT(md, Contains("| `mail.delivery_delay` | duration | `90min` | s | [0s, 30d] |"));
  CHECK_THAT(md, Contains("| `world.members_file` | path | `\"\"` |"));
  CHECK(md.find("## list") < md.find("## mail"));
}
