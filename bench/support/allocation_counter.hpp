// Counts calls of the global operator new in a benchmark program (allocation_counter.cpp replaces
// it), so a benchmark can report allocations per event as a deterministic counter.
#pragma once

#include <cstdint>

namespace mailstorm::bench {

// operator new calls (all forms, all threads) since the program started.
std::uint64_t allocations();

}  // namespace mailstorm::bench
