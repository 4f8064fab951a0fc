// The large-page allocator: large blocks aligned to 2 MiB, contents kept through growth; the
// command line's heap settings.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/large_pages.hpp"

using mailstorm::sim::LargeVector;

TEST_CASE("large pages: a vector keeps its contents while growing past the large-block size", "[memory]") {
  LargeVector<std::uint64_t> v;
  const auto huge = std::uintptr_t{2} << 20;
  bool saw_large = false;
  for (std::uint64_t i = 0; i < 3'000'000; ++i) {  // 24 MB: small blocks, then large ones
    v.push_back(i * 7);
    if (v.capacity() * sizeof(std::uint64_t) >= (std::size_t{4} << 20)) {
      saw_large = true;
      REQUIRE(reinterpret_cast<std::uintptr_t>(v.data()) % huge == 0);
    }
  }
  CHECK(saw_large);
  bool intact = true;
  for (std::uint64_t i = 0; i < v.size(); ++i) intact = intact && v[i] == i * 7;
  CHECK(intact);
  v.resize(10);  // shrink_to_fit moves it back to a small block
  v.shrink_to_fit();
  CHECK(v.capacity() == 10);
  CHECK(v[9] == 63);
}

TEST_CASE("large pages: copies, swaps and an impossible size", "[memory]") {
  LargeVector<int> a(2'000'000);  // 8 MB
  std::iota(a.begin(), a.end(), 0);
  LargeVector<int> b = a;
  CHECK(b == a);
  LargeVector<int> c(3, 5);
  std::swap(b, c);
  CHECK(b.size() == 3);
  CHECK(c.size() == a.size());
  CHECK(c.back() == 1'999'999);
  mailstorm::sim::LargePageAllocator<std::uint64_t> alloc;
  volatile std::size_t too_many = SIZE_MAX / 4;  // (volatile: not a size the compiler can see)
  CHECK_THROWS_AS(alloc.allocate(too_many), std::bad_array_new_length);
}

namespace {
// The mappings of this process whose flags include `flag` (/proc/self/smaps "VmFlags"), as
// [start, end) pairs.
std::vector<std::pair<std::uintptr_t, std::uintptr_t>> mappings_flagged(const std::string& flag) {
  std::ifstream smaps("/proc/self/smaps");
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> found;
  std::string line;
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
  while (std::getline(smaps, line)) {
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    if (dash != std::string::npos && space != std::string::npos && dash < space &&
        line.find_first_not_of("0123456789abcdef") == dash) {
      start = std::stoull(line.substr(0, dash), nullptr, 16);
      end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
    } else if (line.rfind("VmFlags:", 0) == 0 && (line + ' ').find(' ' + flag + ' ') != std::string::npos) {
      found.emplace_back(start, end);
    }
  }
  return found;
}
}  // namespace

TEST_CASE("heap for runs: blocks above 128 KiB come from a heap advised for huge pages", "[memory]") {
  const std::size_t asked = std::size_t{64} << 20;
  const std::size_t advised = mailstorm::sim::configure_heap_for_runs(asked);
#if defined(__SANITIZE_ADDRESS__)
  CHECK(advised == 0);  // the sanitizer's allocator replaces glibc's: nothing to advise
#else
  if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) {
    WARN("this kernel has no transparent huge pages: the advice is refused");
    CHECK(advised == 0);
    return;
  }
  // At least the blocks it took (from free memory in the heap, then from its top), less the
  // alignment of the advice to 2 MiB.
  CHECK(advised >= asked - (std::size_t{2} << 20));
  std::size_t flagged = 0;
  for (const auto& [start, end] : mappings_flagged("hg")) flagged += end - start;
  CHECK(flagged >= advised);
  // A 4 MiB block, which glibc would map on its own by default (above 128 KiB), now comes from
  // the heap, and ends in the advised part (it starts at most 2 MiB before it, where the freed
  // blocks begin): the mmap threshold went up and the freed blocks stayed.
  const std::size_t size = std::size_t{4} << 20;
  void* volatile block = std::malloc(size);
  REQUIRE(block != nullptr);
  const auto at = reinterpret_cast<std::uintptr_t>(block) + size - 1;
  bool inside = false;
  for (const auto& [start, end] : mappings_flagged("hg")) inside = inside || (at >= start && at < end);
  std::free(block);
  CHECK(inside);
#endif
}
