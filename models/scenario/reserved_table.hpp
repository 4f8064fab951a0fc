// The reserved tables [sweep] and [expect] as plain values, for the experiment tools (which do
// not include TOML++), with the file, line and column that wrote each key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace mailstorm::models::scenario {

struct PlainMember;  // a table's key and value (below: it holds a PlainValue)

struct PlainValue {
  enum class Kind { table, array, string, integer, real, boolean, other };
  Kind kind = Kind::other;
  std::string text;  // a string's value; for every kind, a short description for messages
  std::int64_t integer = 0;
  double real = 0;  // integers too
  bool boolean = false;
  std::vector<PlainMember> members;  // a table's keys, sorted by name
  std::vector<PlainValue> items;     // an array's items
  // Where the key (or, for an array item, the item) was written: the file of the extends chain
  // that set it last. Line 0 when the file cannot be read again (a scenario loaded from text).
  Origin origin;
};

// Not a std::pair: a pair of an incomplete type cannot be a member of the type it completes
// (clang's libstdc++ check rejects it; the fuzzer is built with clang).
struct PlainMember {
  PlainMember() = default;
  PlainMember(std::string key, PlainValue value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  PlainValue second;
};

// The table `name` ("sweep" or "expect") of a loaded scenario, merged over its extends chain as
// the loader merged it (a file's keys replace its base's). Empty table when there is none.
// The files of the chain are read again for positions only; the values are the scenario's.
PlainValue reserved_table(const Scenario& scenario, std::string_view name);

}  // namespace mailstorm::models::scenario
