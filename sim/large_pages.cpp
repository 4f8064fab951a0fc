#include "sim/large_pages.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

namespace mailstorm::sim {

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedAllocator = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizedAllocator = true;
#else
constexpr bool kSanitizedAllocator = false;
#endif
#else
constexpr bool kSanitizedAllocator = false;
#endif
}  // namespace

std::size_t configure_heap_for_runs(std::size_t advised_bytes) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  if (kSanitizedAllocator) return 0;
  constexpr std::size_t kBlock = std::size_t{16} << 20;  // below the mmap threshold set here
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  if (advised_bytes == 0) return 0;
  // Take blocks from the heap (from free memory it holds, then from its top, which grows), then
  // free them: the trim threshold keeps them, and they are what the next blocks are cut from.
  // Where they lie is read from their addresses and the break, nothing assumed about glibc.
  constexpr std::size_t kMostBlocks = 64;
  std::array<void*, kMostBlocks> blocks{};
  std::size_t n = 0;
  for (std::size_t got = 0; got < advised_bytes && n < kMostBlocks; got += kBlock) {
    void* volatile block = std::malloc(kBlock);  // (volatile: not a malloc-free pair to elide)
    if (block == nullptr) break;
    blocks[n++] = block;
  }
  const auto brk_end = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  std::uintptr_t lowest = UINTPTR_MAX;
  for (std::size_t i = 0; i < n; ++i) {
    const auto at = reinterpret_cast<std::uintptr_t>(blocks[i]);
    if (at < brk_end) lowest = std::min(lowest, at);  // (above the break: mapped, not the heap)
  }
  for (std::size_t i = n; i-- > 0;) std::free(blocks[i]);
  if (lowest == UINTPTR_MAX || brk_end == static_cast<std::uintptr_t>(-1)) return 0;
  const auto first = (lowest + detail::kHugePage - 1) & ~(detail::kHugePage - 1);
  const auto last = brk_end;
  if (last <= first) return 0;
  // (Advice: an error, say a kernel without transparent huge pages, changes nothing.)
  if (::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) != 0) return 0;
  return last - first;
#else
  (void)advised_bytes;
  return 0;
#endif
}

}  // namespace mailstorm::sim
