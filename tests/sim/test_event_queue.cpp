// One test suite for every pending-event set: the concept's verbs against a reference model.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "sim/event_queue.hpp"

using mailstorm::sim::DaryHeap;
using mailstorm::sim::earlier;
using mailstorm::sim::pack_order;
using mailstorm::sim::PendingEventSet;
using mailstorm::sim::QueueEntry;
using mailstorm::sim::RadixHeap;

namespace {

struct EarlierLess {
  bool operator()(const QueueEntry& a, const QueueEntry& b) const { return earlier(a, b); }
};

auto key(const QueueEntry& e) { return std::tuple(e.time, e.order, e.slot); }

// The queues only require monotone keys (no push below the last popped key), as the engine
// guarantees; this reference tracks the same contract with a std::multiset.
template <class Q>
void check_against_reference(Q& q, std::mt19937_64& rng, int operations, std::uint64_t spread,
                             int push_percent) {
  std::multiset<QueueEntry, EarlierLess> ref;
  QueueEntry last{0, 0, 0};
  std::uint64_t sequence = 0;
  for (int i = 0; i < operations; ++i) {
    const bool push = ref.empty() || static_cast<int>(rng() % 100) < push_percent;
    if (push) {
      const auto priority = static_cast<std::uint8_t>(rng() % 4 * 60);
      // Engine times are non-negative int64 values: stay below 2^63.
      const std::uint64_t room = (std::uint64_t{1} << 63) - 1 - last.time;
      const std::uint64_t step = rng() % spread;
      QueueEntry e{last.time + (step < room ? step : room), pack_order(priority, sequence++),
                   static_cast<std::uint32_t>(i)};
      // Same instant as the last pop: the engine refuses to pre-empt, so the key stays above it.
      if (e.time == last.time && earlier(e, last)) e.order = pack_order(255, sequence++);
      q.push(e);
      ref.insert(e);
    } else {
      REQUIRE(key(q.top()) == key(*ref.begin()));
      const QueueEntry got = q.pop();
      REQUIRE(key(got) == key(*ref.begin()));
      ref.erase(ref.begin());
      last = got;
    }
    REQUIRE(q.size() == ref.size());
    REQUIRE(q.empty() == ref.empty());
  }
  while (!ref.empty()) {
    REQUIRE(key(q.pop()) == key(*ref.begin()));
    ref.erase(ref.begin());
  }
  REQUIRE(q.empty());
}

}  // namespace

TEMPLATE_TEST_CASE("pending-event set: concept verbs", "[queue]", DaryHeap<4>, DaryHeap<2>, RadixHeap) {
  static_assert(PendingEventSet<TestType>);
  TestType q;
  CHECK(q.empty());
  CHECK(q.size() == 0);
  CHECK(std::string(TestType::name()).size() > 0);
  q.push({5, pack_order(128, 0), 7});
  CHECK_FALSE(q.empty());
  CHECK(q.size() == 1);
  CHECK(q.top().slot == 7);
  CHECK(q.pop().slot == 7);
  CHECK(q.empty());
  q.push({9, pack_order(128, 1), 1});
  q.push({10, pack_order(128, 2), 2});
  q.clear();
  CHECK(q.empty());
  CHECK(q.size() == 0);
  // Usable again after clear(), from time 0.
  q.push({0, pack_order(0, 3), 3});
  CHECK(q.pop().slot == 3);
}

TEMPLATE_TEST_CASE("pending-event set: random keys match a multiset", "[queue]", DaryHeap<4>, DaryHeap<2>,
                   RadixHeap) {
  std::mt19937_64 rng(42);
  SECTION("wide spread, push-heavy") {
    TestType q;
    check_against_reference(q, rng, 20000, 1'000'000'000, 60);
  }
  SECTION("narrow spread: many equal times") {
    TestType q;
    check_against_reference(q, rng, 20000, 3, 55);
  }
  SECTION("huge times") {
    TestType q;
    check_against_reference(q, rng, 5000, std::uint64_t{1} << 62, 50);
  }
}

TEMPLATE_TEST_CASE("pending-event set: all pushed then all popped in order", "[queue]", DaryHeap<4>, RadixHeap) {
  TestType q;
  std::mt19937_64 rng(7);
  std::vector<QueueEntry> all;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    QueueEntry e{rng() % 1000, pack_order(static_cast<std::uint8_t>(rng() % 3), i), i};
    all.push_back(e);
    q.push(e);
  }
  std::stable_sort(all.begin(), all.end(), EarlierLess{});
  for (const QueueEntry& e : all) REQUIRE(key(q.pop()) == key(e));
  CHECK(q.empty());
}

TEMPLATE_TEST_CASE("pending-event set: FIFO among equal time and priority", "[queue]", DaryHeap<4>, RadixHeap) {
  TestType q;
  for (std::uint32_t i = 0; i < 1000; ++i) q.push({100, pack_order(128, i), i});
  for (std::uint32_t i = 0; i < 1000; ++i) REQUIRE(q.pop().slot == i);
}

TEMPLATE_TEST_CASE("pending-event set: lower priority first at equal time", "[queue]", DaryHeap<4>, RadixHeap) {
  TestType q;
  std::uint64_t seq = 0;
  q.push({10, pack_order(200, seq++), 0});
  q.push({10, pack_order(0, seq++), 1});
  q.push({10, pack_order(128, seq++), 2});
  q.push({10, pack_order(0, seq++), 3});
  q.push({9, pack_order(255, seq++), 4});
  std::vector<std::uint32_t> got;
  while (!q.empty()) got.push_back(q.pop().slot);
  CHECK(got == std::vector<std::uint32_t>{4, 1, 3, 2, 0});
}

TEMPLATE_TEST_CASE("pending-event set: hold model keeps order", "[queue]", DaryHeap<4>, RadixHeap) {
  // Pop the minimum, push a new entry at or after it: what a simulation does.
  TestType q;
  std::mt19937_64 rng(3);
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < 1000; ++i) q.push({rng() % 100000, pack_order(128, seq++), i});
  QueueEntry last{0, 0, 0};
  for (int i = 0; i < 100000; ++i) {
    const QueueEntry e = q.pop();
    REQUIRE_FALSE(earlier(e, last));
    last = e;
    q.push({e.time + rng() % 2000, pack_order(128, seq++), e.slot});
  }
  CHECK(q.size() == 1000);
}

TEMPLATE_TEST_CASE("pending-event set: push below the last top() but not below the last pop()", "[queue]",
                   DaryHeap<4>, RadixHeap) {
  // The engine peeks (top) and may then schedule before the peeked entry: still a valid push.
  TestType q;
  std::uint64_t seq = 0;
  for (std::uint32_t i = 0; i < 200; ++i) q.push({1000 + i * 37, pack_order(128, seq++), i});
  CHECK(q.top().time == 1000);
  q.push({500, pack_order(128, seq++), 900});
  q.push({1000, pack_order(0, seq++), 901});
  CHECK(q.top().slot == 900);
  CHECK(q.pop().slot == 900);
  CHECK(q.top().slot == 901);
  q.push({700, pack_order(128, seq++), 902});  // below the top again, above the last pop
  CHECK(q.pop().slot == 902);
  CHECK(q.pop().slot == 901);
  std::uint64_t last = 0;
  for (std::uint32_t i = 0; i < 200; ++i) {
    const QueueEntry e = q.pop();
    CHECK(e.slot == i);
    CHECK(e.time >= last);
    last = e.time;
  }
  CHECK(q.empty());
}
