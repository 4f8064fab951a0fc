// The mail world's settings: every key a scenario file may set, in one registry.
#pragma once

#include "models/scenario/registry.hpp"

namespace mailstorm::models {

// The registry of every setting (built once, thread-safe).
const scenario::Registry& settings_registry();

}  // namespace mailstorm::models
