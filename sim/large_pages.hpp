// An allocator for the few very large arrays of a big run (one entry per member, per message, per
// envelope): blocks of 4 MiB and more are aligned to 2 MiB and advised for transparent huge pages
// (madvise MADV_HUGEPAGE), smaller blocks come from operator new as usual.
//
// Why: a run of a million members touches such arrays at random. With 4 KiB pages every new page
// costs a page fault (166,000 of them in mega-list-1m, where a virtual machine makes each one
// dear) and most accesses a TLB miss. Debian's kernel gives huge pages only on request
// ("madvise" mode), hence the advice. It is only advice: where the kernel has no huge pages the
// memory is ordinary memory, and results never depend on it.
//
// Every block is still one call of the global operator new, so allocation counters (the
// benchmarks' allocations per event) see the same calls as with std::allocator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mailstorm::sim {

namespace detail {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;
inline constexpr std::size_t kLargeBlock = std::size_t{4} << 20;  // smaller blocks: operator new
inline constexpr std::size_t kSlack = kHugePage + sizeof(void*);

inline void* large_allocate(std::size_t bytes) {
  if (bytes < kLargeBlock) return ::operator new(bytes);
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - kSlack;
  if (bytes > most) throw std::bad_array_new_length();
  // Room to align to 2 MiB, with the start of the raw block stored just before the aligned one:
  // raw + 8 <= aligned <= raw + 8 + 2 MiB - 1, so [aligned, aligned + bytes) is inside the block
  // whatever the alignment of raw.
  void* raw = ::operator new(bytes + kSlack);
  const auto start = reinterpret_cast<std::uintptr_t>(raw) + sizeof(void*);
  const auto aligned = (start + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
  reinterpret_cast<void**>(aligned)[-1] = raw;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // (Advice: an error, say a kernel without transparent huge pages, changes nothing.)
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

inline void large_deallocate(void* p, std::size_t bytes) noexcept {
  if (bytes < kLargeBlock) {
    ::operator delete(p);
    return;
  }
  ::operator delete(static_cast<void**>(p)[-1]);
}

}  // namespace detail

template <class T>
struct LargePageAllocator {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "over-aligned types are not supported");
  using value_type = T;

  LargePageAllocator() noexcept = default;
  template <class U>
  LargePageAllocator(const LargePageAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    if (n > max_size()) throw std::bad_array_new_length();
    return static_cast<T*>(detail::large_allocate(n * sizeof(T)));
  }
  static constexpr std::size_t max_size() noexcept {
    return (static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) - detail::kSlack) / sizeof(T);
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::large_deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const LargePageAllocator<U>&) const noexcept {
    return true;
  }
};

// A std::vector whose storage, once large, sits on huge pages.
template <class T>
using LargeVector = std::vector<T, LargePageAllocator<T>>;

// The heap of a process that runs storms one after another (the command line; not the tests or
// benchmarks, which keep glibc's defaults):
//  - blocks up to 32 MiB come from the heap (glibc maps each block above 128 KiB afresh by
//    default and unmaps it on free, so every run of a sweep faulted its memory in again);
//  - freed memory up to 512 MiB stays in the heap for the next run;
//  - blocks adding up to `advised_bytes` are taken from the heap (which grows) and freed, and
//    that stretch, from its first 2 MiB boundary, is advised for transparent huge pages, as
//    LargePageAllocator does for the large arrays: the many medium and small blocks of a run
//    (messages while few, hosts, lists, the event queue's chunks) are then cut from it and
//    fault in 2 MiB at a time instead of 4 KiB. Address space only: a page counts in memory
//    once it is touched.
// Call it first thing in main, before any thread starts. Returns the bytes advised: 0 where
// there is nothing to advise (not Linux with glibc, or under AddressSanitizer, whose allocator
// replaces glibc's). Results never depend on it. bench/README.md has the figures.
inline constexpr std::size_t kHeapAdvice = std::size_t{256} << 20;
std::size_t configure_heap_for_runs(std::size_t advised_bytes = kHeapAdvice);

}  // namespace mailstorm::sim
