// What `mailstorm report` shows of a result folder: the data behind each chart (as JSON for the
// page) and the HTML tables, read from a run, sweep or compare folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mailstorm::cli::report {

enum class FolderKind { run, sweep, compare };

// A folder that is not a result folder, or a result file that cannot be read or makes no sense;
// what() names the file (and line, where there is one). The command exits 2 with it.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the folder holds, by its files: sweep.json (a sweep), compare.json (a comparison),
// summary.json (a run). Throws InputError naming the folder and what was expected otherwise.
FolderKind folder_kind(const std::filesystem::path& dir);

// One part of the page: a heading, a sentence or two, its charts and tables.
struct Section {
  std::string id;           // the HTML id
  std::string heading;      // plain text
  std::string intro_html;   // already HTML-escaped
  std::vector<std::string> charts;  // chart names the page's script knows (report_page.cpp)
  std::string table_html;   // may be empty
};

struct Page {
  std::string title;          // plain text
  std::string subtitle_html;  // what was run, with which seed, version
  std::vector<Section> sections;
  std::string data_json;      // one JSON object: "kind" and everything the charts draw
  std::size_t chart_count() const;
};

// The time-binning of a run's charts: long runs are summed (counts) or maximised (queues) over
// coarser bins so that the page stays small. Picks the smallest of 1, 2, 5, 10, 15, 20, 30 min,
// 1, 2, 3, 6, 12, 24 h that is a whole number of `bin_s` and gives at most `max_points` bins.
std::int64_t coarse_bin_seconds(std::int64_t bin_s, std::int64_t bins, std::int64_t max_points);

Page run_page(const std::filesystem::path& dir);
Page sweep_page(const std::filesystem::path& dir);
Page compare_page(const std::filesystem::path& dir);

// HTML text escaping for element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace mailstorm::cli::report
