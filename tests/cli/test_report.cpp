// `mailstorm report`: the JSON and CSV readers it uses, the data it draws (checked against the
// run's own summary), the sweep and compare fixtures, and the page's self-containment.
// Rendering in a browser is tested by report_check.cmake (headless Chromium).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/report_assets.hpp"
#include "cli/report_data.hpp"
#include "cli/report_page.hpp"
#include "models/output/csv_reader.hpp"
#include "models/output/json_reader.hpp"
#include "models/output/results_writer.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/settings.hpp"
#include "models/world/storm.hpp"

namespace fs = std::filesystem;
using namespace mailstorm;
using models::JsonValue;

namespace {

const fs::path kFixtures = fs::path(MAILSTORM_SOURCE_DIR) / "tests" / "fixtures";

struct TempFolder {
  fs::path path;
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "mailstorm-report-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

double sum(const JsonValue& array) {
  double s = 0;
  for (const JsonValue& v : array.items()) s += v.as_number();
  return s;
}

}  // namespace

TEST_CASE("JSON reader: values, escapes and member order", "[report]") {
  const JsonValue v = models::parse_json(
      R"({"b": [1, -2.5e3, true, null], "a": {"s": "x\u00e9\ud83d\ude00\n\"/"}, "n": 0})", "t.json");
  REQUIRE(v.members().size() == 3);
  CHECK(v.members()[0].first == "b");  // the text's order, not sorted
  CHECK(v.at("b").items()[1].as_number() == -2500);
  CHECK(v.at("b").items()[2].as_bool());
  CHECK(v.at("b").items()[3].is_null());
  CHECK(v.at("a").at("s").as_string() == "x\xC3\xA9\xF0\x9F\x98\x80\n\"/");
  CHECK(v.find("missing") == nullptr);
  CHECK(error_of([&] { (void)v.at("a").at("zz"); }) == "t.json: a: no member 'zz'");
  CHECK(error_of([&] { (void)v.at("n").as_string(); }) ==
        "t.json: n: expected a string, found a number");
}

TEST_CASE("JSON reader: syntax errors name the line and column", "[report]") {
  CHECK(error_of([] { models::parse_json("{\n  \"a\": 1,\n}", "f.json"); }) ==
        "f.json:3:1: expected a member name in quotes");
  CHECK(error_of([] { models::parse_json("[01]", "f.json"); }).find("f.json:1:3:") == 0);
  CHECK(error_of([] { models::parse_json("\"abc", "f.json"); }).find("unterminated string") !=
        std::string::npos);
  CHECK(error_of([] { models::parse_json("{} x", "f.json"); }).find("after the JSON value") !=
        std::string::npos);
  CHECK(error_of([] { models::parse_json(std::string(1000, '['), "f.json"); })
            .find("nested too deeply") != std::string::npos);
}

TEST_CASE("CSV reader: quoting, numbers and errors with line numbers", "[report]") {
  const models::CsvTable t =
      models::parse_csv("a,b,c\r\n1,\"x, \"\"y\"\"\",\n\n2.5,z,nan\n", "t.csv");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0][1] == "x, \"y\"");
  CHECK(t.rows[0][2].empty());
  CHECK(t.lines[1] == 4);  // the blank line 3 is skipped but counted
  CHECK(t.number(1, 0) == 2.5);
  CHECK(std::isnan(t.number(0, 2, true)));
  CHECK(std::isnan(t.number(1, 2)));
  CHECK(error_of([&] { (void)t.number(0, 2); }) == "t.csv:2: column 'c': '' is not a number");
  CHECK(error_of([&] { (void)t.column("d"); }) == "t.csv:1: no column 'd' (the header has: a, b, c)");
  CHECK(error_of([] { models::parse_csv("a,b\n1,2,3\n", "u.csv"); }) ==
        "u.csv:2: 3 fields, the header has 2");
}

TEST_CASE("Report time bins: the smallest round bin that keeps the page small", "[report]") {
  using cli::report::coarse_bin_seconds;
  CHECK(coarse_bin_seconds(60, 14400, 400) == 3600);  // ten days of minutes: hours
  CHECK(coarse_bin_seconds(60, 300, 400) == 60);      // short runs keep their bins
  CHECK(coarse_bin_seconds(600, 288, 400) == 600);
  CHECK(coarse_bin_seconds(60, 1440, 400) == 300);    // one day: 5 minutes
  CHECK(coarse_bin_seconds(7, 100000, 400) % 7 == 0);  // always whole bins
}

TEST_CASE("Report of a run: the charts' data add up to the run's own outcomes", "[report]") {
  const auto scenario = models::scenario::load_scenario(
      kFixtures / "tiny-list.toml", models::settings_registry(), {"run.bin=1min"});
  models::RunOptions options;
  options.seed = 3;
  options.record_cascade = true;
  const models::RunResult result = models::run_storm(scenario, options);
  TempFolder tmp;
  models::write_run_outputs(tmp.path / "run", scenario, options, result, true);

  REQUIRE(cli::report::folder_kind(tmp.path / "run") == cli::report::FolderKind::run);
  const cli::report::Page page = cli::report::run_page(tmp.path / "run");
  const JsonValue data = models::parse_json(page.data_json, "data");
  CHECK(data.at("kind").as_string() == "run");
  const auto& o = result.outcomes;

  // Every kind's envelopes over the coarse bins add up to the run's count of that kind.
  std::size_t kinds_drawn = 0;
  for (std::size_t k = 0; k < models::kMessageKinds; ++k) {
    const JsonValue* series =
        data.at("created").find(models::kind_name(static_cast<models::MessageKind>(k)));
    if (series == nullptr) {
      CHECK(o.messages_by_kind[k] == 0);
      continue;
    }
    ++kinds_drawn;
    CHECK(sum(*series) == Approx(static_cast<double>(o.messages_by_kind[k])));
    CHECK(series->items().size() == data.at("t").items().size());
  }
  CHECK(kinds_drawn >= 3);
  // The inbox per local clock hour: its total and its peak are the summary's.
  CHECK(sum(data.at("inbox").at("messages")) == static_cast<double>(o.sender_inbox_total));
  double peak = 0;
  for (const JsonValue& v : data.at("inbox").at("messages").items())
    peak = std::max(peak, v.as_number());
  CHECK(peak == static_cast<double>(o.sender_inbox_peak_per_hour));
  CHECK(data.at("queues").members().size() == 5);
  // The kind-path tree holds every authored message exactly once (drawn nodes plus "more").
  double tree_messages = 0;
  std::size_t roots = 0;
  for (const JsonValue& node : data.at("cascade").at("tree").items()) {
    tree_messages += node.at("messages").as_number();
    if (node.at("parent").is_null()) ++roots;
  }
  CHECK(roots == 1);
  CHECK(tree_messages == static_cast<double>(o.cascade_messages));
  double by_generation = 0;
  for (const auto& [kind, counts] : data.at("cascade").at("by_kind").members()) by_generation += sum(counts);
  CHECK(by_generation == static_cast<double>(o.cascade_messages));

  std::vector<std::string> charts;
  for (const auto& s : page.sections) charts.insert(charts.end(), s.charts.begin(), s.charts.end());
  CHECK(charts == std::vector<std::string>{"timeline", "inbox", "queues", "generations", "tree"});
}

TEST_CASE("Report of a run without --cascade: no cascade charts, a hint instead", "[report]") {
  const auto scenario = models::scenario::load_scenario(kFixtures / "tiny-list.toml",
                                                        models::settings_registry(), {});
  const models::RunResult result = models::run_storm(scenario, models::RunOptions{});
  TempFolder tmp;
  models::write_run_outputs(tmp.path, scenario, models::RunOptions{}, result, false);
  const cli::report::Page page = cli::report::run_page(tmp.path);
  CHECK(page.chart_count() == 3);
  CHECK(models::parse_json(page.data_json, "data").at("cascade").is_null());
}

TEST_CASE("Report of the sweep and compare fixtures", "[report]") {
  const fs::path sweep_dir = kFixtures / "report" / "sweep";
  REQUIRE(cli::report::folder_kind(sweep_dir) == cli::report::FolderKind::sweep);
  const JsonValue sweep = models::parse_json(cli::report::sweep_page(sweep_dir).data_json, "d");
  CHECK(sweep.at("x_field").as_string() == "behaviour.forward_share");
  // list_loops_discarded is 0 everywhere: listed, not drawn.
  CHECK(sweep.at("outcomes").items().size() == 2);
  CHECK(sweep.at("rows").items().size() == 3 * 3);
  for (const JsonValue& r : sweep.at("rows").items()) {
    CHECK(r.at("lo").as_number() <= r.at("mean").as_number());
    CHECK(r.at("mean").as_number() <= r.at("hi").as_number());
  }

  const fs::path compare_dir = kFixtures / "report" / "compare";
  REQUIRE(cli::report::folder_kind(compare_dir) == cli::report::FolderKind::compare);
  const cli::report::Page cmp = cli::report::compare_page(compare_dir);
  const JsonValue compare = models::parse_json(cmp.data_json, "d");
  CHECK(compare.at("variants").items().size() == 2);
  CHECK(compare.at("outcomes").items().size() == 2);
  CHECK(compare.at("rows").items().size() == 4);
  // Rows whose interval excludes 0 are marked.
  const std::string table = cmp.sections.back().table_html;
  const std::regex significant("<tr class=\"significant\">");
  CHECK(std::distance(std::sregex_iterator(table.begin(), table.end(), significant),
                      std::sregex_iterator()) == 3);
}

TEST_CASE("Report input errors name the folder or file", "[report]") {
  TempFolder tmp;
  CHECK(error_of([&] { cli::report::folder_kind(tmp.path); })
            .find("not a run, sweep or compare folder") != std::string::npos);
  CHECK(error_of([&] { cli::report::folder_kind(tmp.path / "nope"); }).find("no such folder") !=
        std::string::npos);
  CHECK(error_of([] { cli::report::run_page(kFixtures / "report" / "bad-summary"); })
            .find("bad-summary/summary.json:6:3:") != std::string::npos);
  // A sweep whose summary.csv names a point sweep.json does not list.
  fs::copy(kFixtures / "report" / "sweep", tmp.path / "sweep");
  {
    std::ofstream csv(tmp.path / "sweep" / "summary.csv", std::ios::app);
    csv << "other,0.3,complaints,1,0,1,1,1,1,20\n";
  }
  CHECK(error_of([&] { cli::report::sweep_page(tmp.path / "sweep"); })
            .find("summary.csv:11: point 'other' is not among sweep.json's points") !=
        std::string::npos);

  std::ostringstream out, err;
  CHECK(cli::run_command_line({"report", tmp.path.string()}, out, err) == cli::kExitUsage);
  CHECK(err.str().find(tmp.path.string()) != std::string::npos);
  CHECK(cli::run_command_line({"report", "--frobnicate", "x"}, out, err) == cli::kExitUsage);
}

TEST_CASE("Report page: self-contained, data cannot close its script element", "[report]") {
  cli::report::Page page;
  page.title = "t </script><script>alert(1)</script>";
  page.data_json = R"({"kind":"run","s":"</script><!--"})";
  page.sections.push_back({"s", "S", "", {"inbox"}, ""});
  const std::string html = cli::report::page_html(page, cli::report_assets());
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("</script><script>alert") == std::string::npos);
  CHECK(html.find(R"("s":"\u003c/script>\u003c!--")") != std::string::npos);
  CHECK(html.find("data-charts-expected=\"1\"") != std::string::npos);
  // The libraries are inside when this build has them (CMake warns when it does not).
  const cli::ReportAssets& assets = cli::report_assets();
  REQUIRE(assets.available);
  CHECK(html.find(assets.vega_embed.substr(0, 200)) != std::string::npos);
  CHECK(assets.versions.find("vega-lite") != std::string_view::npos);
}

TEST_CASE("Report is written atomically, with nothing left behind on failure", "[report]") {
  TempFolder tmp;
  std::ostringstream out, err;
  const fs::path sweep = kFixtures / "report" / "sweep";
  REQUIRE(cli::run_command_line({"report", sweep.string(), "-o", (tmp.path / "a" / "r.html").string()},
                                out, err) == cli::kExitOk);
  CHECK(fs::file_size(tmp.path / "a" / "r.html") > 100000);
  CHECK(std::distance(fs::directory_iterator(tmp.path / "a"), fs::directory_iterator()) == 1);
  // Under a regular file the page cannot be written: exit 1, no temporary anywhere.
  std::ofstream(tmp.path / "blocker") << "x";
  CHECK(cli::run_command_line({"report", sweep.string(), "-o", (tmp.path / "blocker" / "r.html").string()},
                              out, err) == cli::kExitFailure);
  CHECK(err.str().find("report not written") != std::string::npos);
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()) == 2);
}
