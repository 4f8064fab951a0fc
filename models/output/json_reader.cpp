// A recursive-descent JSON parser: enough for the result files mailstorm writes and reads back.
#include "models/output/json_reader.hpp"

#include <charconv>
#include <cstdint>

namespace mailstorm::models {

JsonValue JsonValue::make_bool(bool b) {
  JsonValue v;
  v.type_ = Type::boolean;
  v.bool_ = b;
  return v;
}
JsonValue JsonValue::make_number(double x) {
  JsonValue v;
  v.type_ = Type::number;
  v.number_ = x;
  return v;
}
JsonValue JsonValue::make_string(std::string s) {
  JsonValue v;
  v.type_ = Type::string;
  v.string_ = std::move(s);
  return v;
}
JsonValue JsonValue::make_array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::array;
  v.items_ = std::move(items);
  return v;
}
JsonValue JsonValue::make_object(std::vector<std::pair<std::string, JsonValue>> members) {
  JsonValue v;
  v.type_ = Type::object;
  v.members_ = std::move(members);
  return v;
}

namespace {

const char* type_name(JsonValue::Type t) {
  switch (t) {
    case JsonValue::Type::null:
      return "null";
    case JsonValue::Type::boolean:
      return "a boolean";
    case JsonValue::Type::number:
      return "a number";
    case JsonValue::Type::string:
      return "a string";
    case JsonValue::Type::array:
      return "an array";
    case JsonValue::Type::object:
      return "an object";
  }
  return "?";
}

[[noreturn]] void wrong_type(const JsonValue& v, JsonValue::Type wanted) {
  throw JsonError(v.source() + ": expected " + type_name(wanted) + ", found " +
                  type_name(v.type()));
}

}  // namespace

bool JsonValue::as_bool() const {
  if (type_ != Type::boolean) wrong_type(*this, Type::boolean);
  return bool_;
}
double JsonValue::as_number() const {
  if (type_ != Type::number) wrong_type(*this, Type::number);
  return number_;
}
const std::string& JsonValue::as_string() const {
  if (type_ != Type::string) wrong_type(*this, Type::string);
  return string_;
}
const std::string& JsonValue::number_text() const {
  if (type_ != Type::number) wrong_type(*this, Type::number);
  return string_;
}
const std::vector<JsonValue>& JsonValue::items() const {
  if (type_ != Type::array) wrong_type(*this, Type::array);
  return items_;
}
const std::vector<std::pair<std::string, JsonValue>>& JsonValue::members() const {
  if (type_ != Type::object) wrong_type(*this, Type::object);
  return members_;
}
const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& [name, value] : members())
    if (name == key) return &value;
  return nullptr;
}
const JsonValue& JsonValue::at(std::string_view key) const {
  if (const JsonValue* v = find(key)) return *v;
  throw JsonError(source_ + ": no member '" + std::string(key) + "'");
}

class JsonParser {
 public:
  JsonParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  JsonValue document() {
    JsonValue v = value(source_, 0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string& what) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw JsonError(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                    what);
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  JsonValue value(const std::string& where, int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of the text, expected a value");
    JsonValue v;
    const char c = text_[pos_];
    if (c == '{') {
      v = object(where, depth);
    } else if (c == '[') {
      v = array(where, depth);
    } else if (c == '"') {
      v = JsonValue::make_string(string());
    } else if (literal("true")) {
      v = JsonValue::make_bool(true);
    } else if (literal("false")) {
      v = JsonValue::make_bool(false);
    } else if (literal("null")) {
      v = JsonValue();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const std::size_t start = pos_;
      v = JsonValue::make_number(number());
      v.string_ = std::string(text_.substr(start, pos_ - start));  // its text, for number_text()
    } else {
      fail(std::string("unexpected character '") + c + "', expected a value");
    }
    v.source_ = where;
    return v;
  }

  JsonValue object(const std::string& where, int depth) {
    ++pos_;  // {
    std::vector<std::pair<std::string, JsonValue>> members;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return JsonValue::make_object(std::move(members));
    }
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a member name in quotes");
      std::string name = string();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') fail("expected ':' after a member name");
      ++pos_;
      const std::string inner = (where == source_ ? source_ + ": " : where + ".") + name;
      JsonValue v = value(inner, depth + 1);
      members.emplace_back(std::move(name), std::move(v));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return JsonValue::make_object(std::move(members));
      }
      fail("expected ',' or '}' in an object");
    }
  }

  JsonValue array(const std::string& where, int depth) {
    ++pos_;  // [
    std::vector<JsonValue> items;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return JsonValue::make_array(std::move(items));
    }
    while (true) {
      items.push_back(value(where + "[" + std::to_string(items.size()) + "]", depth + 1));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return JsonValue::make_array(std::move(items));
      }
      fail("expected ',' or ']' in an array");
    }
  }

  unsigned hex4() {
    if (pos_ + 4 > text_.size()) fail("incomplete \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9')
        code |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        code |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        code |= static_cast<unsigned>(h - 'A' + 10);
      else
        fail("bad hexadecimal digit in a \\u escape");
    }
    return code;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        fail("control character in a string (write it as an escape)");
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (!literal("\\u")) fail("a high surrogate must be followed by a low one");
            const std::uint32_t low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("bad low surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("a low surrogate without a high one");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --pos_;
          fail(std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  double number() {
    // RFC 8259's grammar first (from_chars would also take "01" or "1."), then the conversion.
    const std::size_t start = pos_;
    auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      fail("expected digits in a number");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) fail("expected digits after the decimal point");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) fail("expected digits in the exponent");
    }
    double x = 0;
    const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, x);
    if (error == std::errc::result_out_of_range) {
      pos_ = start;
      fail("number out of range");
    }
    if (error != std::errc() || end != text_.data() + pos_) {
      pos_ = start;
      fail("bad number");
    }
    return x;
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

JsonValue parse_json(std::string_view text, const std::string& source) {
  return JsonParser(text, source).document();
}

}  // namespace mailstorm::models
