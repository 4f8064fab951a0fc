// The administrivia checks of Mailman 3 and Majordomo 1.94, applied to one Subject or body line.
#include "models/list/administrivia.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <string>
#include <vector>

namespace mailstorm::models {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

bool starts_with_subject(std::string_view line) {
  return line.size() >= 8 && lower(line.substr(0, 8)) == "subject:";
}

std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    const std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) words.push_back(lower(s.substr(start, i - start)));
  }
  return words;
}

// GNU Mailman 3, src/mailman/rules/administrivia.py, EMAIL_COMMANDS (3.3.x): a line is held when
// its first word is a command and the number of words after it is within the command's range.
struct MailmanCommand {
  const char* word;
  int min_args, max_args;
};
constexpr std::array<MailmanCommand, 11> mailman_commands{{
    {"confirm", 1, 1},
    {"help", 0, 0},
    {"info", 0, 0},
    {"lists", 0, 0},
    {"options", 0, 0},
    {"password", 2, 2},
    {"remove", 0, 0},
    {"set", 3, 3},
    {"subscribe", 0, 3},
    {"unsubscribe", 0, 1},
    {"who", 0, 2},
}};

bool mailman_matches(std::string_view line) {
  if (starts_with_subject(line)) line.remove_prefix(8);
  const std::vector<std::string> words = words_of(line);
  if (words.empty()) return false;
  const int args = static_cast<int>(words.size()) - 1;
  for (const MailmanCommand& c : mailman_commands)
    if (words[0] == c.word) return c.min_args <= args && args <= c.max_args;
  return false;
}

struct Pattern {
  const char* regex;
  bool ignore_case;
};

// Majordomo 1.94.x sample.cf: $admin_headers (applied to header lines) and $admin_body (applied
// to the first 10 body lines), verbatim except for Perl-to-ECMAScript syntax (none needed).
// "/\bchange\b.*\baddress\b/" has no /i in the original and stays case-sensitive.
constexpr std::array<Pattern, 8> majordomo_header_patterns{{
    {R"(^subject:\s*subscribe\b)", true},
    {R"(^subject:\s*unsubscribe\b)", true},
    {R"(^subject:\s*uns\w*b)", true},
    {R"(^subject:\s*.*un-sub)", true},
    {R"(^subject:\s*help\b)", true},
    {R"(^subject:\s.*\bchange\b.*\baddress\b)", true},
    {R"(^subject:\s*request\b(.*\b)?addition\b)", true},
    {R"(^subject:\s*cancel\b)", true},
}};
constexpr std::array<Pattern, 29> majordomo_body_patterns{{
    {R"(\bcancel\b)", true},
    {R"(\badd me\b)", true},
    {R"(\bdelete me\b)", true},
    {R"(\bremove\s+me\b)", true},
    {R"(\bchange\b.*\baddress\b)", false},
    {R"(\bsubscribe\b)", true},
    {R"(^sub\b)", true},
    {R"(\bunsubscribe\b)", true},
    {R"(^unsub\b)", true},
    {R"(\buns\w*b)", true},
    {R"(^\s*help\s*$)", true},
    {R"(^\s*info\s*$)", true},
    {R"(^\s*info\s+\S+\s*$)", true},
    {R"(^\s*lists\s*$)", true},
    {R"(^\s*which\s*$)", true},
    {R"(^\s*which\s+\S+\s*$)", true},
    {R"(^\s*index\s*$)", true},
    {R"(^\s*index\s+\S+\s*$)", true},
    {R"(^\s*who\s*$)", true},
    {R"(^\s*who\s+\S+\s*$)", true},
    {R"(^\s*get\s+\S+\s*$)", true},
    {R"(^\s*get\s+\S+\s+\S+\s*$)", true},
    {R"(^\s*approve\b)", true},
    {R"(^\s*passwd\b)", true},
    {R"(^\s*newinfo\b)", true},
    {R"(^\s*config\b)", true},
    {R"(^\s*newconfig\b)", true},
    {R"(^\s*writeconfig\b)", true},
    {R"(^\s*mkdigest\b)", true},
}};

template <std::size_t N>
std::vector<std::regex> compile(const std::array<Pattern, N>& patterns) {
  std::vector<std::regex> r;
  r.reserve(N);
  for (const Pattern& p : patterns)
    r.emplace_back(p.regex, p.ignore_case ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
  return r;
}

bool any_matches(const std::vector<std::regex>& patterns, std::string_view line) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::regex& re) { return std::regex_search(line.begin(), line.end(), re); });
}

bool majordomo_matches(std::string_view line) {
  static const std::vector<std::regex> header = compile(majordomo_header_patterns);
  static const std::vector<std::regex> body = compile(majordomo_body_patterns);
  return starts_with_subject(line) ? any_matches(header, line) : any_matches(body, line);
}

}  // namespace

// A line beginning "Subject:" is a Subject header: Mailman checks its text, Majordomo its header
// patterns. Any other line is a body line.
bool administrivia_matches(AdministriviaFilter f, std::string_view line) {
  switch (f) {
    case AdministriviaFilter::off: return false;
    case AdministriviaFilter::mailman_narrow: return mailman_matches(line);
    case AdministriviaFilter::majordomo_broad: return majordomo_matches(line);
  }
  return false;
}

}  // namespace mailstorm::models
