// Calendar: ISO 8601 parsing with fixed UTC offsets, local weekday and hour at simulated instants.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

using namespace mailstorm::sim;

TEST_CASE("calendar: the incident's start is a Saturday 13:17 local", "[calendar]") {
  const Calendar c = Calendar::parse("2000-06-24T13:17:00+09:00");
  CHECK(c.start_unix_s() == 961820220);  // 2000-06-24T04:17:00Z
  CHECK(c.utc_offset_min() == 540);
  const LocalDateTime l = c.local(Time::zero());
  CHECK(l.year == 2000);
  CHECK(l.month == 6);
  CHECK(l.day == 24);
  CHECK(l.hour == 13);
  CHECK(l.minute == 17);
  CHECK(l.second == 0);
  CHECK(l.weekday == 5);
  CHECK(std::string(weekday_name(c.weekday(Time::zero()))) == "Saturday");
  CHECK(c.hour_of_day(Time::zero()) == 13);
  CHECK(c.iso8601(Time::zero()) == "2000-06-24T13:17:00+09:00");
  // Seconds are optional, and a space may replace the 'T'.
  CHECK(Calendar::parse("2000-06-24 13:17+09:00").start_unix_s() == 961820220);
}

TEST_CASE("calendar: adding time crosses midnight, month and year ends", "[calendar]") {
  const Calendar c = Calendar::parse("2000-06-24T13:17:00+09:00");
  CHECK(c.iso8601(Time::zero() + hours(10) + minutes(42) + Duration{999'999}) == "2000-06-24T23:59:00+09:00");
  CHECK(c.iso8601(Time::zero() + hours(11)) == "2000-06-25T00:17:00+09:00");
  CHECK(c.weekday(Time::zero() + hours(11)) == 6);  // Sunday
  CHECK(c.weekday(Time::zero() + days(2)) == 0);    // Monday
  CHECK(c.iso8601(Time::zero() + days(7)) == "2000-07-01T13:17:00+09:00");
  CHECK(c.iso8601(Time::zero() + days(190)) == "2000-12-31T13:17:00+09:00");
  CHECK(c.iso8601(Time::zero() + days(190) + hours(11)) == "2001-01-01T00:17:00+09:00");
  CHECK(c.weekday(Time::zero() + days(190) + hours(11)) == 0);  // 2001-01-01 was a Monday
  // Instants before the start (negative times) still map correctly.
  CHECK(c.iso8601(Time{-1}) == "2000-06-24T13:16:59+09:00");
  CHECK(c.iso8601(Time::zero() - hours(14)) == "2000-06-23T23:17:00+09:00");
  CHECK(c.weekday(Time::zero() - hours(14)) == 4);  // Friday
}

TEST_CASE("calendar: leap days", "[calendar]") {
  const Calendar y2000 = Calendar::parse("2000-02-28T12:00:00Z");  // divisible by 400: leap
  CHECK(y2000.iso8601(Time::zero() + days(1)) == "2000-02-29T12:00:00+00:00");
  CHECK(y2000.iso8601(Time::zero() + days(2)) == "2000-03-01T12:00:00+00:00");
  const Calendar y2100 = Calendar::parse("2100-02-28T12:00:00Z");  // divisible by 100: not leap
  CHECK(y2100.iso8601(Time::zero() + days(1)) == "2100-03-01T12:00:00+00:00");
  const Calendar y2024 = Calendar::parse("2024-02-29T23:30:00+01:00");
  CHECK(y2024.iso8601(Time::zero() + hours(1)) == "2024-03-01T00:30:00+01:00");
  CHECK(y2024.weekday(Time::zero()) == 3);  // Thursday
  CHECK_THROWS_AS(Calendar::parse("2023-02-29T00:00Z"), std::invalid_argument);
  CHECK_THROWS_AS(Calendar::parse("1900-02-29T00:00Z"), std::invalid_argument);
}

TEST_CASE("calendar: negative offsets and Z", "[calendar]") {
  const Calendar ny = Calendar::parse("2000-06-24T13:17:00-05:30");
  CHECK(ny.utc_offset_min() == -330);
  CHECK(ny.start_unix_s() == 961820220 + 9 * 3600 + 5 * 3600 + 30 * 60);
  CHECK(ny.iso8601(Time::zero()) == "2000-06-24T13:17:00-05:30");
  CHECK(ny.iso8601(Time::zero() + hours(11)) == "2000-06-25T00:17:00-05:30");
  const Calendar utc = Calendar::parse("1999-12-31T23:30:00Z");
  CHECK(utc.utc_offset_min() == 0);
  CHECK(utc.iso8601(Time::zero()) == "1999-12-31T23:30:00+00:00");
  CHECK(utc.iso8601(Time::zero() + hours(1)) == "2000-01-01T00:30:00+00:00");
  CHECK(utc.weekday(Time::zero() + hours(1)) == 5);  // 2000-01-01 was a Saturday
  CHECK(Calendar::parse("1970-01-01T00:00:00Z").start_unix_s() == 0);
  CHECK(Calendar::parse("1970-01-01T00:00:00Z").weekday(Time::zero()) == 3);
  CHECK(Calendar::parse("2000-06-24T13:17:00+00:00").start_unix_s() ==
        Calendar::parse("2000-06-24T13:17:00Z").start_unix_s());
}

TEST_CASE("calendar: bad strings throw std::invalid_argument", "[calendar]") {
  const char* bad[] = {
      "",
      "2000",
      "2000-06-24",
      "2000-06-24T13",
      "2000-06-24T13:17",            // offset missing
      "2000-06-24T13:17:00",         // offset missing
      "2000/06/24T13:17:00Z",
      "2000-6-24T13:17:00Z",
      "abcd-06-24T13:17:00Z",
      "2000-00-10T13:17:00Z",
      "2000-13-10T13:17:00Z",
      "2000-06-00T13:17:00Z",
      "2000-06-31T13:17:00Z",
      "2000-06-24T24:00:00Z",
      "2000-06-24T13:60:00Z",
      "2000-06-24T13:17:60Z",
      "2000-06-24T13:17:00+15:00",
      "2000-06-24T13:17:00+09:60",
      "2000-06-24T13:17:00+0900",
      "2000-06-24T13:17:00+09",
      "2000-06-24T13:17:00 +09:00",
      "2000-06-24T13:17:00+09:00x",
      "2000-06-24T13:17:00ZZ",
      "2000-06-24T13:17:00z",
      "2000-06-24X13:17:00Z",
      " 2000-06-24T13:17:00Z",
  };
  for (const char* s : bad) {
    INFO(s);
    CHECK_THROWS_AS(Calendar::parse(s), std::invalid_argument);
  }
  try {
    Calendar::parse("2000-13-10T13:17:00Z");
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("2000-13-10T13:17:00Z") && Catch::Contains("expected"));
  }
}

TEST_CASE("calendar: iso8601 writes what snprintf would, for any instant and offset", "[calendar]") {
  // The text digit by digit must equal the printf format it replaced, including the years it
  // hands back to snprintf (before year 0 and after 9999).
  const auto reference = [](const Calendar& c, Time t) {
    const LocalDateTime l = c.local(t);
    const int off = c.utc_offset_min() < 0 ? -c.utc_offset_min() : c.utc_offset_min();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", l.year, l.month, l.day, l.hour,
                  l.minute, l.second, c.utc_offset_min() < 0 ? '-' : '+', off / 60, off % 60);
    return std::string(buf);
  };
  std::mt19937_64 rng(20261130);
  const std::int64_t y10000 = 253402300800;  // 10000-01-01T00:00:00Z
  const std::int64_t y0 = -62167219200;      // 0000-01-01T00:00:00Z
  const std::vector<std::int64_t> starts = {0, 961820220, y10000 - 1, y10000, y0, y0 - 1, 4102444800};
  const std::vector<int> offsets = {0, 540, -210, 345, -720, 840, 59, -1};
  std::size_t compared = 0;
  for (const std::int64_t start : starts)
    for (const int off : offsets) {
      const Calendar c(start, off);
      for (int i = 0; i < 200; ++i) {
        const Time t{static_cast<std::int64_t>(rng() % 200'000'000'000ULL) - 100'000'000'000};  // +-28 hours
        REQUIRE(c.iso8601(t) == reference(c, t));
        ++compared;
      }
      CHECK(c.iso8601(Time::zero()) == reference(c, Time::zero()));
    }
  CHECK(compared == starts.size() * offsets.size() * 200);
  CHECK(Calendar(y10000, 0).iso8601(Time::zero()) == "10000-01-01T00:00:00+00:00");
  CHECK(Calendar(y10000 - 1, 0).iso8601(Time::zero()) == "9999-12-31T23:59:59+00:00");
  CHECK(Calendar(961820220, -210).iso8601(Time::zero()) == "2000-06-24T00:47:00-03:30");
}
