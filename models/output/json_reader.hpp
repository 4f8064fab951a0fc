// Reading JSON result files back (summary.json, sweep.json, compare.json): a small parser into a
// value tree, with errors that name the file, line and column.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailstorm::models {

// Raised for text that is not JSON, or JSON without what the reader needs; what() starts with
// "source:line:column: " for syntax errors and "source: " for missing or mistyped members.
class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JsonValue {
 public:
  enum class Type { null, boolean, number, string, array, object };

  JsonValue() = default;
  static JsonValue make_bool(bool b);
  static JsonValue make_number(double x);
  static JsonValue make_string(std::string s);
  static JsonValue make_array(std::vector<JsonValue> items);
  // Members in the order the text wrote them (result files write keys in a fixed order).
  static JsonValue make_object(std::vector<std::pair<std::string, JsonValue>> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }

  // Accessors check the type and throw JsonError naming `source` and what was expected.
  bool as_bool() const;
  double as_number() const;
  const std::string& as_string() const;
  // A number's text as the file wrote it (for integers beyond 2^53, and values kept as text);
  // empty for a number made with make_number.
  const std::string& number_text() const;
  const std::vector<JsonValue>& items() const;
  const std::vector<std::pair<std::string, JsonValue>>& members() const;
  // The member `key` of an object, nullptr when absent.
  const JsonValue* find(std::string_view key) const;
  // The member `key`; throws JsonError "<source>: no member '<key>'" when absent.
  const JsonValue& at(std::string_view key) const;

  // Where the value came from, for error messages ("summary.json", "sweep.json: points[2]").
  const std::string& source() const { return source_; }

 private:
  friend class JsonParser;
  Type type_ = Type::null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
  std::string source_;
};

// Parses a whole JSON text (RFC 8259; numbers as double). `source` names the text in errors.
JsonValue parse_json(std::string_view text, const std::string& source);

}  // namespace mailstorm::models
