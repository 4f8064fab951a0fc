// The calendar view of simulated time: a start date-time with a UTC offset gives the local
// weekday and hour at any instant (reading habits and operator hours depend on them).
//
// Time zones are fixed UTC offsets ("+09:00"). Named zones with daylight-saving rules are not
// modelled: g++ 12's <chrono> has no time-zone database, and a storm of days to weeks rarely
// straddles a DST change; docs/model.md records the assumption.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/time.hpp"

namespace mailstorm::sim {

struct LocalDateTime {
  int year = 1970, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0;
  int weekday = 3;  // 0 = Monday ... 6 = Sunday (ISO 8601 order, 1970-01-01 was a Thursday)
};

class Calendar {
 public:
  Calendar() = default;
  Calendar(std::int64_t start_unix_s, int utc_offset_min)
      : start_unix_s_(start_unix_s), utc_offset_min_(utc_offset_min) {}

  // "2000-06-24T13:17:00+09:00" (seconds optional; "Z" for UTC). Throws std::invalid_argument
  // with a message saying what was expected.
  static Calendar parse(std::string_view iso8601);

  LocalDateTime local(Time t) const;
  int weekday(Time t) const { return local(t).weekday; }
  int hour_of_day(Time t) const { return local(t).hour; }
  // "2000-06-24T13:17:00+09:00"
  std::string iso8601(Time t) const;
  std::int64_t start_unix_s() const { return start_unix_s_; }
  int utc_offset_min() const { return utc_offset_min_; }

 private:
  std::int64_t start_unix_s_ = 0;
  int utc_offset_min_ = 0;
};

const char* weekday_name(int weekday);  // "Monday" ...

}  // namespace mailstorm::sim
