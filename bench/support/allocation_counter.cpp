// Replaces the global operator new/delete of every program that links it (the benchmark programs,
// tests/sim/test_allocations.cpp) to count allocations. Linked as an object file, so the
// replacement always wins.
#include "bench/support/allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}

namespace mailstorm::bench {
std::uint64_t allocations() { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace mailstorm::bench

// Out of line, so g++ does not pair the inlined malloc/free with new/delete and warn
// (-Wmismatched-new-delete).
#define MAILSTORM_COUNTING __attribute__((noinline))

MAILSTORM_COUNTING void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
MAILSTORM_COUNTING void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
MAILSTORM_COUNTING void operator delete(void* p) noexcept { std::free(p); }
MAILSTORM_COUNTING void operator delete[](void* p) noexcept { std::free(p); }
MAILSTORM_COUNTING void operator delete(void* p, std::size_t) noexcept { std::free(p); }
MAILSTORM_COUNTING void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
