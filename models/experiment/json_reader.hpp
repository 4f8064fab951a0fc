// A small JSON reader for the result files mailstorm writes itself (summary.json, sweep.json),
// so that sweeps can be resumed and merged from what is on disk.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mailstorm::models::experiment {

class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;  // read with std::from_chars: the exact double the writer printed
  std::string text;   // a string's value; a number's text as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in file order

  // The member `key` of an object, or null when absent (or when this is not an object).
  const JsonValue* find(std::string_view key) const;
  // Same, but throws JsonError naming `key` when it is absent or of another kind.
  const JsonValue& at(std::string_view key, Kind kind) const;
};

// Parses a whole JSON text; throws JsonError with the byte offset of the problem.
JsonValue parse_json(std::string_view text);

}  // namespace mailstorm::models::experiment
