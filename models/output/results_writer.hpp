// Result files of one run (summary.json, timeseries.csv, cascade.csv), written atomically, and the
// small locale-free JSON writer they use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/world/outcomes.hpp"
#include "models/world/storm.hpp"

namespace mailstorm::models {

// Builds JSON text with two-space indentation. Keys come out in the order they are written, so a
// caller that writes in a fixed order gets byte-identical files for identical data.
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
  JsonWriter& value(double x);  // NaN and infinities become null (JSON has no such numbers)
  JsonWriter& null();
  // Inserts already-formatted JSON (e.g. Scenario::to_json()) as one value.
  JsonWriter& raw(std::string_view json);
  // The text so far; complete once every object and array is closed. Ends with a newline.
  std::string str() const;

 private:
  void before_value();
  void newline();
  JsonWriter& open(char bracket, bool is_object);
  JsonWriter& close(char bracket);
  std::string out_;
  // One entry per open container: true for an object. `first_` says nothing was written yet.
  std::vector<bool> open_is_object_;
  bool first_ = true;
  bool after_key_ = false;
};

// A JSON string literal with its quotes; control characters escaped, UTF-8 passed through.
std::string json_string(std::string_view text);
// The shortest decimal text that reads back as exactly `x` (std::to_chars: no locale), "null"
// for NaN and infinities.
std::string json_number(double x);
// Exact seconds since the start for an instant, e.g. "3600.25" (integer microseconds, no
// rounding); empty for Time::never().
std::string seconds_text(sim::Time t);

// The version and git revision recorded in every result file. The revision is captured when
// CMake configures the build (`git rev-parse --short HEAD`, "unknown" outside a git checkout), so
// a commit made after configuring shows up only after the next configure.
const char* mailstorm_version();
const char* mailstorm_git_revision();

// Raised when result files cannot be written; what() names the path and the system's reason.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The texts of the result files, for tests and for writers that want them in memory.
std::string summary_json(const scenario::Scenario& scenario, const RunOptions& options,
                         const RunResult& result);
std::string timeseries_csv(const RunResult& result);
// One row per authored message; parent, author (for MTA-made DSNs) and first delivery are empty
// when there are none.
std::string cascade_csv(const RunResult& result);
// The realised contact graph's degrees (`degree,vertices`), written beside cascade.csv: the
// degree distribution `mailstorm analyze --cascade` sets against its target.
std::string contact_degrees_csv(const RunResult& result);

// Writes summary.json, timeseries.csv and (if `cascade`) cascade.csv into `dir`, atomically:
// everything is first written to a temporary sibling (`.tmp-XXXXXX` in the same parent folder)
// and renamed into place only when all files are complete. If `dir` does not exist it appears
// whole with the rename; if it exists, each file is replaced by a rename of a complete
// temporary file and a cascade.csv of an earlier run is removed when this run records none.
// Missing parent folders are created. On failure every temporary (and every parent folder this
// call created) is removed and OutputError says what failed.
void write_run_outputs(const std::filesystem::path& dir, const scenario::Scenario& scenario,
                       const RunOptions& options, const RunResult& result, bool cascade);

// Writes one file atomically: a complete temporary sibling (`.tmp-XXXXXX-<name>`), then a rename
// over `path`. Missing parent folders are created. On failure the temporary (and any folder this
// call created) is removed, an existing file is left as it was, and OutputError says what failed.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace mailstorm::models
