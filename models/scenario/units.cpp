// Units in scenario files: durations ("90min") and rates ("20/s"), their exact formatting, and the
// string quoting and edit distance the messages and exports need.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/detail.hpp"

namespace mailstorm::models::scenario {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t us;
};

constexpr Unit duration_units[] = {
    {"us", 1},
    {"ms", 1'000},
    {"s", 1'000'000},
    {"min", 60'000'000},
    {"h", 3'600'000'000},
    {"d", 86'400'000'000},
    {"w", 604'800'000'000},
};
constexpr std::string_view duration_unit_list = "us, ms, s, min, h, d, w";

constexpr Unit rate_units[] = {
    {"s", 1'000'000},
    {"min", 60'000'000},
    {"h", 3'600'000'000},
    {"d", 86'400'000'000},
    {"w", 604'800'000'000},
};
constexpr std::string_view rate_unit_list = "/s, /min, /h, /d, /w";

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A decimal number at the start of `s`: [+-]digits[.digits]. Returns its length (0 if none).
std::size_t number_length(std::string_view s, bool& has_fraction) {
  std::size_t i = 0, digits = 0;
  has_fraction = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    has_fraction = true;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  return digits == 0 ? 0 : i;
}

double to_double(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  double x = 0;
  const auto r = std::from_chars(number.data(), number.data() + number.size(), x);
  if (r.ec != std::errc() || r.ptr != number.data() + number.size())
    throw std::invalid_argument("number too large: '" + std::string(number) + "'");
  return x;
}

std::string quoted(std::string_view s) { return detail::cat("'", s, "'"); }

}  // namespace

sim::Duration parse_duration(std::string_view text) {
  const std::string_view s = trim(text);
  bool has_fraction = false;
  const std::size_t n = number_length(s, has_fraction);
  if (n == 0)
    throw std::invalid_argument("bad duration " + quoted(text) +
                                ": expected a number with units, e.g. \"90min\" (units: " +
                                std::string(duration_unit_list) + ")");
  const std::string_view number = s.substr(0, n);
  const std::string_view unit = trim(s.substr(n));
  if (unit.empty())
    throw std::invalid_argument("duration " + quoted(text) +
                                " has no units: write e.g. \"" + std::string(number) +
                                "s\" or \"" + std::string(number) + "min\" (units: " +
                                std::string(duration_unit_list) + ")");
  const Unit* u = nullptr;
  for (const Unit& cand : duration_units)
    if (cand.name == unit) u = &cand;
  if (u == nullptr)
    throw std::invalid_argument("bad duration " + quoted(text) + ": unknown unit " +
                                quoted(unit) + " (units: " + std::string(duration_unit_list) +
                                ")");
  const std::string too_large = "duration " + quoted(text) + " is too large";
  if (!has_fraction) {
    // Whole numbers are exact, whatever their size (no detour through double).
    std::string_view digits = number;
    bool negative = false;
    if (digits.front() == '+' || digits.front() == '-') {
      negative = digits.front() == '-';
      digits.remove_prefix(1);
    }
    std::int64_t count = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size())
      throw std::invalid_argument(too_large);
    std::int64_t us = 0;
    if (__builtin_mul_overflow(count, u->us, &us)) throw std::invalid_argument(too_large);
    return {negative ? -us : us};
  }
  const double us = to_double(number) * static_cast<double>(u->us);
  if (!(std::fabs(us) < 9.2e18)) throw std::invalid_argument(too_large);
  return {static_cast<std::int64_t>(std::llround(us))};
}

double parse_rate(std::string_view text) {
  const std::string_view s = trim(text);
  bool has_fraction = false;
  const std::size_t n = number_length(s, has_fraction);
  if (n == 0)
    throw std::invalid_argument("bad rate " + quoted(text) +
                                ": expected a number per time unit, e.g. \"20/s\" (units: " +
                                std::string(rate_unit_list) + ")");
  const std::string_view number = s.substr(0, n);
  std::string_view rest = trim(s.substr(n));
  if (rest.empty())
    throw std::invalid_argument("rate " + quoted(text) + " has no time unit: write e.g. \"" +
                                std::string(number) + "/s\" or \"" + std::string(number) +
                                "/h\" (units: " + std::string(rate_unit_list) + ")");
  if (rest.front() != '/')
    throw std::invalid_argument("bad rate " + quoted(text) + ": expected '/' and a time unit (" +
                                std::string(rate_unit_list) + "), e.g. \"20/s\"");
  const std::string_view unit = trim(rest.substr(1));
  const Unit* u = nullptr;
  for (const Unit& cand : rate_units)
    if (cand.name == unit) u = &cand;
  if (u == nullptr)
    throw std::invalid_argument("bad rate " + quoted(text) + ": unknown time unit " +
                                quoted(unit) + " (units: " + std::string(rate_unit_list) + ")");
  const double per_s = to_double(number) / (static_cast<double>(u->us) * 1e-6);
  if (!std::isfinite(per_s)) throw std::invalid_argument("rate " + quoted(text) + " is too large");
  return per_s;
}

namespace detail {
namespace {

// Shortest text that reads back as exactly `x` (may use an exponent: "1e-07").
std::string shortest(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// A whole number below 1e15 in plain digits ("1000000", never "1e+06").
std::string whole(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, 0);
  return std::string(buf, r.ptr);
}

bool reads_back(const std::string& text, double per_s) {
  try {
    return parse_rate(text) == per_s;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace

std::string format_real(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (std::fabs(x) < 1e15 && x == std::nearbyint(x)) return whole(x) + ".0";
  std::string s = shortest(x);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string format_duration(sim::Duration d) {
  if (d.us == 0) return "0s";
  // The largest unit that divides exactly, weeks excepted ("14d" reads better than "2w").
  for (auto it = std::rbegin(duration_units); it != std::rend(duration_units); ++it) {
    if (it->name == "w") continue;
    if (d.us % it->us == 0) return std::to_string(d.us / it->us) + std::string(it->name);
  }
  return std::to_string(d.us) + "us";
}

std::string format_rate(double per_s) {
  if (!std::isfinite(per_s)) return shortest(per_s) + "/s";
  // A whole number per some unit if one reads back exactly ("10/min", "50/d"), else per second.
  for (const Unit& u : rate_units) {
    const double rounded = std::nearbyint(per_s * (static_cast<double>(u.us) * 1e-6));
    if (std::fabs(rounded) < 1e15 && (rounded != 0 || per_s == 0)) {
      const std::string text = whole(rounded) + "/" + std::string(u.name);
      if (reads_back(text, per_s)) return text;
    }
  }
  // Plain decimals per second (parse_rate takes no exponent): the fewest digits that read back.
  char buf[400];
  for (int digits = 1; digits <= 340; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*f", digits, per_s);
    const std::string text = std::string(buf) + "/s";
    if (reads_back(text, per_s)) return text;
  }
  std::snprintf(buf, sizeof buf, "%.17g", per_s);
  return std::string(buf) + "/s";
}

namespace {

void append_unicode_escape(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
  out += buf;
}

std::string quote(std::string_view s, bool json) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || (c == 0x7F && !json))
          append_unicode_escape(out, c);
        else
          out += ch;
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string toml_quote(std::string_view s) { return quote(s, false); }
std::string json_quote(std::string_view s) { return quote(s, true); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);  // transposition
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::string out = "; did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + names[i] + "'";
  }
  return out + "?";
}

}  // namespace detail
}  // namespace mailstorm::models::scenario
