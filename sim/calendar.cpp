// Civil-date arithmetic after H. Hinnant's days_from_civil / civil_from_days algorithms.
#include "sim/calendar.hpp"

#include <cstdio>
#include <stdexcept>

namespace mailstorm::sim {
namespace {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dm[m - 1];
}

}  // namespace

Calendar Calendar::parse(std::string_view s) {
  auto fail = [&](const char* what) {
    throw std::invalid_argument("bad date-time '" + std::string(s) + "': " + what +
                                " (expected like 2000-06-24T13:17:00+09:00)");
  };
  auto digits = [&](std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) fail("too short");
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') fail("digit expected");
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto expect = [&](std::size_t pos, char c) {
    if (pos >= s.size() || (s[pos] != c && !(c == 'T' && s[pos] == ' '))) fail("separator expected");
  };
  const int y = digits(0, 4);
  expect(4, '-');
  const int mo = digits(5, 2);
  expect(7, '-');
  const int d = digits(8, 2);
  expect(10, 'T');
  const int h = digits(11, 2);
  expect(13, ':');
  const int mi = digits(14, 2);
  std::size_t pos = 16;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    sec = digits(pos + 1, 2);
    pos += 3;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
    fail("field out of range");
  if (pos >= s.size()) fail("UTC offset missing (+HH:MM or Z)");
  int offset = 0;
  if (s[pos] == 'Z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const int sign = s[pos] == '-' ? -1 : 1;
    const int oh = digits(pos + 1, 2);
    expect(pos + 3, ':');
    const int om = digits(pos + 4, 2);
    if (oh > 14 || om > 59) fail("UTC offset out of range");
    offset = sign * (oh * 60 + om);
    pos += 6;
  } else {
    fail("UTC offset must be +HH:MM, -HH:MM or Z");
  }
  if (pos != s.size()) fail("trailing characters");
  const std::int64_t local_s = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                               h * 3600 + mi * 60 + sec;
  return Calendar(local_s - offset * 60, offset);
}

LocalDateTime Calendar::local(Time t) const {
  // Floor division so instants before the start still map correctly.
  std::int64_t us = t.us;
  std::int64_t s = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
  const std::int64_t local_s = start_unix_s_ + utc_offset_min_ * 60 + s;
  std::int64_t days = local_s >= 0 ? local_s / 86400 : -((-local_s + 86399) / 86400);
  const std::int64_t sod = local_s - days * 86400;
  LocalDateTime r;
  civil_from_days(days, r.year, r.month, r.day);
  r.hour = static_cast<int>(sod / 3600);
  r.minute = static_cast<int>(sod / 60 % 60);
  r.second = static_cast<int>(sod % 60);
  r.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 = Thursday = 3
  return r;
}

std::string Calendar::iso8601(Time t) const {
  const LocalDateTime l = local(t);
  const int off = utc_offset_min_ < 0 ? -utc_offset_min_ : utc_offset_min_;
  const char sign = utc_offset_min_ < 0 ? '-' : '+';
  if (l.year < 0 || l.year > 9999 || off / 60 > 99) {  // what the digits below cannot write
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", l.year, l.month, l.day, l.hour,
                  l.minute, l.second, sign, off / 60, off % 60);
    return buf;
  }
  // The same text as the snprintf above, digit by digit: a run writes it for every row of its
  // time series (14,400 rows for ten days by the minute), and snprintf was 2 % of a fast
  // bestboy run.
  std::string out = "0000-00-00T00:00:00+00:00";
  const auto put = [&out](std::size_t at, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, l.year, 4);
  put(5, l.month, 2);
  put(8, l.day, 2);
  put(11, l.hour, 2);
  put(14, l.minute, 2);
  put(17, l.second, 2);
  out[19] = sign;
  put(20, off / 60, 2);
  put(23, off % 60, 2);
  return out;
}

const char* weekday_name(int weekday) {
  static const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

}  // namespace mailstorm::sim
