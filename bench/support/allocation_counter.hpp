// Counts calls of the global operator new in a program that links allocation_counter.cpp (the
// object library mailstorm_allocation_counter; it replaces operator new), so a benchmark can
// report allocations per event as a deterministic counter and a test can assert there are none.
#pragma once

#include <cstdint>

namespace mailstorm::bench {

// operator new calls (all forms, all threads) since the program started.
std::uint64_t allocations();

}  // namespace mailstorm::bench
