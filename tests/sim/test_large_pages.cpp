// The large-page allocator: large blocks aligned to 2 MiB, contents kept through growth.
#include <cstdint>
#include <numeric>

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
