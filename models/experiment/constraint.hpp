// The `constraint` of a [sweep] table: a boolean expression over setting values that keeps only
// some points of the cross product (as OMNeT++'s `constraint`).
//
//   expression  := or
//   or          := and { ("or" | "||") and }
//   and         := not { ("and" | "&&") not }
//   not         := ("not" | "!") not | comparison
//   comparison  := sum [ ("==" | "!=" | "<" | "<=" | ">" | ">=") sum ]
//   sum         := product { ("+" | "-") product }
//   product     := unary { ("*" | "/") unary }
//   unary       := "-" unary | atom
//   atom        := number | 'text' | "text" | true | false | setting.name | "(" expression ")"
//
// A setting's value is a number for booleans (1/0), integers, reals and probabilities,
// durations (seconds) and rates (per second), and text for choices, text, datetimes and paths.
// Text compares only with == and != against text. The expression must give a truth value.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "models/scenario/scenario.hpp"

namespace mailstorm::models::experiment {

// A malformed expression, an unknown setting or a type mismatch; what() says which and where
// (the character offset in the expression).
class ConstraintError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Evaluates `expression` with the values of `scenario` (one sweep point). Throws ConstraintError.
bool constraint_holds(std::string_view expression, const scenario::Scenario& scenario);

}  // namespace mailstorm::models::experiment
