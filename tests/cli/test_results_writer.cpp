// The JSON writer, the result file texts and the atomic write of models/output/results_writer.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "models/output/results_writer.hpp"
#include "models/scenario/registry.hpp"
#include "models/scenario/scenario.hpp"

namespace fs = std::filesystem;
using namespace mailstorm;
using namespace mailstorm::models;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh empty folder under the system's temporary folder, removed at the end of the test.
struct TempFolder {
  fs::path path;
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "mailstorm-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::vector<std::string> names(const fs::path& dir) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

RunResult small_result() {
  RunResult r;
  r.calendar = sim::Calendar::parse("2000-06-24T13:17:00+09:00");
  r.horizon = sim::Time{0} + sim::hours(2);
  r.outcomes.messages_total = 42;
  r.outcomes.messages_by_kind[static_cast<std::size_t>(MessageKind::first_mail)] = 1;
  r.outcomes.sender_inbox_peak_per_hour = 17;
  r.outcomes.sender_inbox_peak_at = sim::Time{0} + sim::hours(10);
  r.outcomes.time_to_peak_s = 36000;
  r.ledger.created = 42;
  r.ledger.delivered = 40;
  r.ledger.dropped = 2;
  r.ledger.dropped_by_rule["loop_detection"] = 2;
  r.hosts.push_back(HostFigures{"genesis", 10, 2, 1, 3, 5, 12.5, 0.25, 1.5});
  r.timeseries.bin = sim::minutes(30);
  r.timeseries.columns = {"messages", "sender_inbox", "odd,name"};
  r.timeseries.rows = {{1, 0, 0.5}, {3, 2, std::numeric_limits<double>::quiet_NaN()}};
  r.cascade.push_back(CascadeRow{0, kNoMessage, MessageKind::first_mail, kSender, 0, sim::Time{0},
                                 sim::Time{0} + sim::seconds(90)});
  r.cascade.push_back(CascadeRow{1, 0, MessageKind::private_reply, 17, 1,
                                 sim::Time{0} + sim::microseconds(3'600'000'250),
                                 sim::Time::never()});
  r.cascade.push_back(CascadeRow{2, 0, MessageKind::bounce, kNoActor, 1,
                                 sim::Time{0} + sim::seconds(5), sim::Time{0} + sim::seconds(6)});
  r.events_handled = 1234;
  r.wall_s = 0.5;
  r.members = 300;
  return r;
}

const scenario::Registry& tiny_registry() {
  static const scenario::Registry registry = [] {
    scenario::Registry r;
    scenario::SettingSpec spec;
    spec.name = "population.members";
    spec.type = scenario::SettingType::integer;
    spec.default_value = std::int64_t{300};
    spec.help = "List subscribers.";
    r.add(spec);
    return r;
  }();
  return registry;
}

}  // namespace

TEST_CASE("json_string escapes quotes, backslashes and control characters", "[output]") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\n\t\r\b\f") == "\"\\n\\t\\r\\b\\f\"");
  CHECK(json_string(std::string_view("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_string("不法アクセス") == "\"不法アクセス\"");  // UTF-8 passes through
}

TEST_CASE("json_number is the shortest exact text, null for NaN and infinities", "[output]") {
  CHECK(json_number(0.1) == "0.1");
  CHECK(json_number(3.0) == "3");
  CHECK(json_number(-2.5) == "-2.5");
  CHECK(json_number(1e300) == "1e+300");
  CHECK(std::stod(json_number(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("seconds_text is exact to the microsecond", "[output]") {
  CHECK(seconds_text(sim::Time{0}) == "0");
  CHECK(seconds_text(sim::Time{1'500'000}) == "1.5");
  CHECK(seconds_text(sim::Time{1}) == "0.000001");
  CHECK(seconds_text(sim::Time{-2'000'001}) == "-2.000001");
  CHECK(seconds_text(sim::Time{9'007'199'254'740'993}) == "9007199254.740993");
  CHECK(seconds_text(sim::Time::never()).empty());
}

TEST_CASE("JsonWriter lays out nested objects and arrays deterministically", "[output]") {
  JsonWriter w;
  w.begin_object();
  w.key("a").value(1);
  w.key("b").begin_array().value("x").value(true).null().end_array();
  w.key("c").begin_object().end_object();
  w.key("d").begin_array().end_array();
  w.key("e").value(0.25);
  w.end_object();
  CHECK(w.str() ==
        "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    true,\n    null\n  ],\n  \"c\": {},\n"
        "  \"d\": [],\n  \"e\": 0.25\n}\n");
}

TEST_CASE("JsonWriter::raw re-indents embedded JSON", "[output]") {
  JsonWriter direct;
  direct.begin_object();
  direct.key("k").begin_object().key("s").value("a, \"b\": {c}").key("n").value(-1.5);
  direct.key("l").begin_array().value(1).value(2).end_array().key("e").begin_object().end_object();
  direct.end_object().end_object();

  JsonWriter embedded;
  embedded.begin_object();
  embedded.key("k").raw(
      "{ \"s\" : \"a, \\\"b\\\": {c}\",\n\t\"n\":-1.5, \"l\": [1,2], \"e\": {} }");
  embedded.end_object();
  CHECK(embedded.str() == direct.str());
}

TEST_CASE("timeseries.csv has one row per bin with local times", "[output]") {
  const std::string csv = timeseries_csv(small_result());
  CHECK(csv ==
        "bin_start_s,bin_start_local,messages,sender_inbox,\"odd,name\"\n"
        "0,2000-06-24T13:17:00+09:00,1,0,0.5\n"
        "1800,2000-06-24T13:47:00+09:00,3,2,\n");
}

TEST_CASE("cascade.csv leaves parent and delivery empty when there are none", "[output]") {
  const std::string csv = cascade_csv(small_result());
  CHECK(csv ==
        "message_id,parent_id,kind,author,generation,created_s,first_delivered_s\n"
        "0,,first_mail,0,0,0,90\n"
        "1,0,private_reply,17,1,3600.00025,\n"
        "2,0,bounce,,1,5,6\n");
}

TEST_CASE("summary.json describes its run", "[output]") {
  const scenario::Scenario s = scenario::default_scenario(tiny_registry());
  RunOptions options;
  options.seed = 7;
  options.replication = 3;
  options.queue = sim::QueueKind::dary_heap;
  const std::string json = summary_json(s, options, small_result());
  CHECK(json.rfind("{\n  \"format\": \"mailstorm-summary\",\n", 0) == 0);
  CHECK(json.find("\"version\": \"" + std::string(mailstorm_version()) + "\"") !=
        std::string::npos);
  CHECK(json.find("\"git_revision\": ") != std::string::npos);
  CHECK(json.find("\"seed\": 7,") != std::string::npos);
  CHECK(json.find("\"replication\": 3,") != std::string::npos);
  CHECK(json.find("\"queue\": \"dary_heap\",") != std::string::npos);
  CHECK(json.find("\"population.members\": 300") != std::string::npos);
  CHECK(json.find("\"first_mail\": 1,") != std::string::npos);
  CHECK(json.find("\"sender_inbox_peak_at\": \"2000-06-24T23:17:00+09:00\",") != std::string::npos);
  CHECK(json.find("\"uproar_peak_at\": null,") != std::string::npos);
  CHECK(json.find("\"loop_detection\": 2") != std::string::npos);
  CHECK(json.find("\"name\": \"genesis\",") != std::string::npos);
  CHECK(json.find("\n    \"wall_s\": 0.5\n") != std::string::npos);  // on its own line
  CHECK(json.back() == '\n');
  // Same inputs, same bytes.
  CHECK(json == summary_json(s, options, small_result()));
}

TEST_CASE("write_run_outputs makes a new folder appear whole", "[output]") {
  TempFolder tmp;
  const scenario::Scenario s = scenario::default_scenario(tiny_registry());
  const RunResult r = small_result();
  const fs::path out = tmp.path / "deeper" / "out";
  write_run_outputs(out, s, RunOptions{}, r, true);
  CHECK(tmp.names(tmp.path) == std::vector<std::string>{"deeper"});
  CHECK(tmp.names(tmp.path / "deeper") == std::vector<std::string>{"out"});
  CHECK(tmp.names(out) ==
        std::vector<std::string>{"cascade.csv", "contact_degrees.csv", "summary.json", "timeseries.csv"});
  CHECK(read_file(out / "contact_degrees.csv") == contact_degrees_csv(r));
  CHECK(read_file(out / "summary.json") == summary_json(s, RunOptions{}, r));
  CHECK(read_file(out / "timeseries.csv") == timeseries_csv(r));
  CHECK(read_file(out / "cascade.csv") == cascade_csv(r));

  SECTION("an existing folder gets its files replaced and a stale cascade.csv removed") {
    std::ofstream(out / "notes.txt") << "mine";
    RunResult again = small_result();
    again.outcomes.messages_total = 99;
    write_run_outputs(out, s, RunOptions{}, again, false);
    CHECK(tmp.names(out) ==
          std::vector<std::string>{"notes.txt", "summary.json", "timeseries.csv"});
    CHECK(read_file(out / "summary.json").find("\"messages_total\": 99,") != std::string::npos);
    CHECK(read_file(out / "notes.txt") == "mine");
  }
}

TEST_CASE("write_run_outputs leaves nothing behind when it fails", "[output]") {
  TempFolder tmp;
  const scenario::Scenario s = scenario::default_scenario(tiny_registry());
  const RunResult r = small_result();

  SECTION("the output path is a file") {
    std::ofstream(tmp.path / "taken") << "x";
    try {
      write_run_outputs(tmp.path / "taken", s, RunOptions{}, r, true);
      FAIL("no error");
    } catch (const OutputError& e) {
      CHECK(std::string(e.what()).find("taken") != std::string::npos);
      CHECK(std::string(e.what()).find("Not a directory") != std::string::npos);
    }
    CHECK(tmp.names(tmp.path) == std::vector<std::string>{"taken"});
  }
  SECTION("a parent is a file (folders cannot be created even as root)") {
    std::ofstream(tmp.path / "plain") << "x";
    CHECK_THROWS_AS(write_run_outputs(tmp.path / "plain" / "a" / "b", s, RunOptions{}, r, false),
                    OutputError);
    CHECK(tmp.names(tmp.path) == std::vector<std::string>{"plain"});
  }
  SECTION("a file cannot be renamed into place: its temporaries are removed") {
    // out/summary.json is a non-empty folder, which a rename cannot replace.
    fs::create_directories(tmp.path / "made" / "out" / "summary.json" / "blocker");
    CHECK_THROWS_AS(write_run_outputs(tmp.path / "made" / "out", s, RunOptions{}, r, false),
                    OutputError);
    CHECK(tmp.names(tmp.path / "made" / "out") == std::vector<std::string>{"summary.json"});
  }
}
