// The steady state of the engine allocates nothing. Global operator new is replaced to count, by
// the benchmarks' counter (bench/support/allocation_counter.hpp); its own program, so the
// replacement does not affect other tests.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "bench/support/allocation_counter.hpp"
#include "sim/engine.hpp"

using namespace mailstorm::sim;

namespace {

struct Message {
  std::uint32_t member;
  std::uint32_t hop;
};

// Hold model: each handled event schedules one more at now + a random increment, so the number
// pending stays constant; a few events are also cancelled and replaced.
std::uint64_t hold(Engine<Message>& engine, std::mt19937_64& rng, std::uint64_t events) {
  std::uint64_t sum = 0;
  EventId last{};
  const std::uint64_t stop = engine.events_handled() + events;
  while (engine.events_handled() < stop) {
    engine.step([&](const Message& m) {
      sum += m.member;
      const Duration delay{static_cast<std::int64_t>(rng() % 2'000'000)};
      const EventId id = engine.schedule_after(delay, Message{m.member, m.hop + 1},
                                               static_cast<Priority>(rng() % 4));
      if (rng() % 64 == 0) {
        // Replace the event just scheduled: cancel, then schedule again.
        engine.cancel(id);
        last = engine.schedule_after(delay + Duration{1}, Message{m.member, m.hop + 1});
      }
    });
  }
  (void)last;
  return sum;
}

}  // namespace

TEST_CASE("allocations: the counter sees allocations", "[allocations]") {
  const std::uint64_t before = mailstorm::bench::allocations();
  // A vector's growth, which the compiler may not elide as it may a lone new/delete pair.
  std::vector<int> v;
  v.push_back(1);
  CHECK(mailstorm::bench::allocations() - before == 1);
}

TEST_CASE("allocations: a warmed-up hold model allocates nothing", "[allocations]") {
  const std::size_t pending = GENERATE(100u, 10'000u);
  for (QueueKind kind : kAllQueueKinds) {
    INFO("queue " << to_string(kind) << ", pending " << pending);
    Engine<Message> engine(kind);
    std::mt19937_64 rng(11);
    for (std::uint32_t i = 0; i < pending; ++i)
      engine.schedule(Time{static_cast<std::int64_t>(rng() % 2'000'000)}, Message{i, 0});
    hold(engine, rng, 300'000);  // warm-up: pool, heap and bucket capacities reach steady state
    const std::uint64_t before = mailstorm::bench::allocations();
    const std::uint64_t sum = hold(engine, rng, 100'000);
    const std::uint64_t allocations = mailstorm::bench::allocations() - before;
    CHECK(allocations == 0);
    CHECK(sum > 0);
    CHECK(engine.pending() == pending);
  }
}
