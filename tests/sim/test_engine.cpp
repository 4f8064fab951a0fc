// Engine behaviour under every queue kind: order, ties, cancel, run(until), errors, threads, traces.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/engine.hpp"

using namespace mailstorm::sim;

namespace {

struct Tag {
  std::uint32_t id;
};

// One handled event as the trace records it.
struct Handled {
  std::int64_t time_us;
  std::uint32_t id;
  bool operator==(const Handled&) const = default;
};

QueueKind kind_under_test() {
  return GENERATE(from_range(std::begin(kAllQueueKinds), std::end(kAllQueueKinds)));
}

// Random schedules, cancels and run(until) pauses; returns every handled event in order.
std::vector<Handled> random_trace(QueueKind kind, std::uint64_t seed, int initial, std::uint64_t max_events) {
  Engine<Tag> engine(kind);
  std::mt19937_64 rng(seed);
  std::vector<EventId> ids;
  std::uint32_t next_id = 0;
  std::vector<Handled> trace;
  auto schedule_random = [&](Time base) {
    const std::int64_t delay = static_cast<std::int64_t>(rng() % 4 == 0 ? rng() % 3 : rng() % 100000);
    const auto priority = static_cast<Priority>(rng() % 3 * 100);
    // Same-instant events may not pre-empt the running one: use the lowest-urgency priority then.
    const Priority p = delay == 0 ? Priority{255} : priority;
    ids.push_back(engine.schedule(base + Duration{delay}, Tag{next_id++}, p));
  };
  for (int i = 0; i < initial; ++i) schedule_random(Time::zero());
  auto handler = [&](const Tag& t) {
    trace.push_back({engine.now().us, t.id});
    const int children = static_cast<int>(rng() % 3);  // mean one: the population drifts
    for (int c = 0; c < children && engine.events_scheduled() < max_events; ++c) schedule_random(engine.now());
    if (rng() % 8 == 0 && !ids.empty()) engine.cancel(ids[rng() % ids.size()]);
  };
  while (engine.pending() > 0) {
    // Pause now and then, peek, and schedule from outside a handler, as a scenario driver does.
    const Time until = engine.now() + Duration{static_cast<std::int64_t>(rng() % 200000)};
    engine.run(until, handler);
    if (const auto next = engine.peek(); next && rng() % 2 == 0) schedule_random(engine.now());
  }
  return trace;
}

}  // namespace

TEST_CASE("engine: events run in time order", "[engine]") {
  const QueueKind kind = kind_under_test();
  Engine<Tag> engine(kind);
  CHECK(engine.queue_kind() == kind);
  const std::int64_t times[] = {50, 10, 40, 20, 30, 0, 1'000'000'000'000};
  for (std::uint32_t i = 0; i < 7; ++i) engine.schedule(Time{times[i]}, Tag{i});
  CHECK(engine.pending() == 7);
  std::vector<std::int64_t> seen;
  const auto handled = engine.run([&](const Tag&) { seen.push_back(engine.now().us); });
  CHECK(handled == 7);
  CHECK(seen == std::vector<std::int64_t>{0, 10, 20, 30, 40, 50, 1'000'000'000'000});
  CHECK(engine.events_handled() == 7);
  CHECK(engine.pending() == 0);
  CHECK(engine.now() == Time{1'000'000'000'000});
}

TEST_CASE("engine: ties run lower priority first, then in insertion order", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  engine.schedule(Time{5}, Tag{0}, 128);
  engine.schedule(Time{5}, Tag{1}, 10);
  engine.schedule(Time{5}, Tag{2}, 128);
  engine.schedule(Time{5}, Tag{3}, 10);
  engine.schedule(Time{4}, Tag{4}, 255);
  engine.schedule(Time{5}, Tag{5}, 0);
  std::vector<std::uint32_t> order;
  engine.run([&](const Tag& t) { order.push_back(t.id); });
  CHECK(order == std::vector<std::uint32_t>{4, 5, 1, 3, 0, 2});
}

TEST_CASE("engine: FIFO among many simultaneous events, including ones scheduled while running", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  for (std::uint32_t i = 0; i < 100; ++i) engine.schedule(Time{7}, Tag{i});
  std::vector<std::uint32_t> order;
  engine.run([&](const Tag& t) {
    order.push_back(t.id);
    if (t.id < 100) engine.schedule_after(Duration{0}, Tag{t.id + 100});
  });
  REQUIRE(order.size() == 200);
  for (std::uint32_t i = 0; i < 200; ++i) CHECK(order[i] == i);
}

TEST_CASE("engine: cancel", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  std::vector<std::uint32_t> order;
  auto record = [&](const Tag& t) { order.push_back(t.id); };

  SECTION("before run") {
    const EventId a = engine.schedule(Time{1}, Tag{1});
    engine.schedule(Time{2}, Tag{2});
    const EventId c = engine.schedule(Time{3}, Tag{3});
    CHECK(engine.cancel(a));
    CHECK(engine.cancel(c));
    CHECK(engine.pending() == 1);
    CHECK(engine.peek() == Time{2});
    engine.run(record);
    CHECK(order == std::vector<std::uint32_t>{2});
    CHECK(engine.events_handled() == 1);
  }
  SECTION("double cancel and stale ids") {
    const EventId a = engine.schedule(Time{1}, Tag{1});
    CHECK(engine.cancel(a));
    CHECK_FALSE(engine.cancel(a));
    const EventId b = engine.schedule(Time{2}, Tag{2});
    engine.run(record);
    CHECK_FALSE(engine.cancel(b));  // already ran
    CHECK_FALSE(engine.cancel(a));
    CHECK_FALSE(engine.cancel(EventId{}));
    CHECK_FALSE(engine.cancel(EventId{12345, 0}));
    // A stale id must not cancel a new event that reuses its pool slot.
    const EventId c = engine.schedule(Time{3}, Tag{3});
    CHECK_FALSE(engine.cancel(b));
    CHECK_FALSE(engine.cancel(a));
    CHECK(engine.pending() == 1);
    engine.run(record);
    CHECK(order == std::vector<std::uint32_t>{2, 3});
    CHECK_FALSE(engine.cancel(c));
  }
  SECTION("the running event's own id") {
    EventId self{};
    EventId other{};
    self = engine.schedule(Time{1}, Tag{1});
    other = engine.schedule(Time{2}, Tag{2});
    engine.run([&](const Tag& t) {
      order.push_back(t.id);
      if (t.id == 1) {
        CHECK_FALSE(engine.cancel(self));
        const EventId child = engine.schedule_after(Duration{5}, Tag{9});  // may reuse the slot
        CHECK_FALSE(engine.cancel(self));
        CHECK(engine.cancel(other));
        (void)child;
      }
    });
    CHECK(order == std::vector<std::uint32_t>{1, 9});
  }
  SECTION("cancel every event") {
    std::vector<EventId> ids;
    for (std::uint32_t i = 0; i < 50; ++i) ids.push_back(engine.schedule(Time{i}, Tag{i}));
    for (const EventId& id : ids) CHECK(engine.cancel(id));
    CHECK(engine.pending() == 0);
    CHECK_FALSE(engine.peek().has_value());
    CHECK_FALSE(engine.step(record));
    CHECK(engine.run(record) == 0);
    CHECK(order.empty());
  }
}

TEST_CASE("engine: run(until) edges", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  std::vector<std::uint32_t> order;
  auto record = [&](const Tag& t) { order.push_back(t.id); };

  SECTION("an event exactly at until stays pending; the clock advances to until") {
    engine.schedule(Time{10}, Tag{1});
    engine.schedule(Time{20}, Tag{2});
    engine.schedule(Time{30}, Tag{3});
    CHECK(engine.run(Time{20}, record) == 1);
    CHECK(engine.now() == Time{20});
    CHECK(engine.pending() == 2);
    CHECK(engine.peek() == Time{20});
    CHECK(engine.run(Time{25}, record) == 1);
    CHECK(engine.now() == Time{25});
    CHECK(order == std::vector<std::uint32_t>{1, 2});
  }
  SECTION("run on an empty queue advances the clock only") {
    CHECK(engine.run(Time{100}, record) == 0);
    CHECK(engine.now() == Time{100});
    CHECK(engine.run(Time{50}, record) == 0);
    CHECK(engine.now() == Time{100});  // never backwards
    CHECK(engine.run(record) == 0);
    CHECK(engine.now() == Time{100});
  }
  SECTION("scheduling after a pause, before the next pending event") {
    // run(until) and peek() look at the next event; new events before it must still come first.
    engine.schedule(Time{100}, Tag{1}, 128);
    engine.schedule(Time{200}, Tag{2});
    CHECK(engine.run(Time{50}, record) == 0);
    CHECK(engine.peek() == Time{100});
    engine.schedule(Time{60}, Tag{3});
    engine.schedule(Time{100}, Tag{4}, 0);  // same time as a pending event, more urgent
    CHECK(engine.peek() == Time{60});
    engine.schedule(Time{50}, Tag{5});
    engine.run(record);
    CHECK(order == std::vector<std::uint32_t>{5, 3, 4, 1, 2});
  }
  SECTION("peek from inside a handler, then schedule before the peeked event") {
    engine.schedule(Time{10}, Tag{1});
    engine.schedule(Time{1000}, Tag{2});
    engine.run([&](const Tag& t) {
      order.push_back(t.id);
      if (t.id == 1) {
        CHECK(engine.peek() == Time{1000});
        engine.schedule_after(Duration{5}, Tag{3});
        CHECK(engine.peek() == Time{15});
      }
    });
    CHECK(order == std::vector<std::uint32_t>{1, 3, 2});
  }
}

TEST_CASE("engine: step and peek", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  std::vector<std::uint32_t> order;
  auto record = [&](const Tag& t) { order.push_back(t.id); };
  CHECK_FALSE(engine.peek().has_value());
  CHECK_FALSE(engine.step(record));
  CHECK(engine.now() == Time::zero());
  engine.schedule(Time{3}, Tag{1});
  engine.schedule(Time{1}, Tag{2});
  CHECK(engine.peek() == Time{1});
  CHECK(engine.step(record));
  CHECK(engine.now() == Time{1});
  CHECK(engine.step(record));
  CHECK(engine.now() == Time{3});
  CHECK_FALSE(engine.step(record));
  CHECK(order == std::vector<std::uint32_t>{2, 1});
  CHECK(engine.events_handled() == 2);
}

TEST_CASE("engine: errors", "[engine]") {
  Engine<Tag> engine(kind_under_test());
  SECTION("scheduling in the past throws") {
    engine.run(Time{100}, [](const Tag&) {});
    CHECK_THROWS_AS(engine.schedule(Time{99}, Tag{0}), std::logic_error);
    CHECK_THROWS_AS(engine.schedule_after(Duration{-1}, Tag{0}), std::logic_error);
    CHECK_NOTHROW(engine.schedule(Time{100}, Tag{0}, 0));  // nothing is running: any priority
    CHECK(engine.pending() == 1);
  }
  SECTION("pre-empting the event being handled throws; same or later priority is fine") {
    engine.schedule(Time{10}, Tag{0}, 100);
    int handled = 0;
    engine.run([&](const Tag& t) {
      ++handled;
      if (t.id != 0) return;
      CHECK_THROWS_AS(engine.schedule_after(Duration{0}, Tag{1}, 99), std::logic_error);
      CHECK_NOTHROW(engine.schedule_after(Duration{0}, Tag{2}, 100));
      CHECK_NOTHROW(engine.schedule_after(Duration{1}, Tag{3}, 0));
    });
    CHECK(handled == 3);
  }
  SECTION("after step(), the handled event cannot be pre-empted either") {
    engine.schedule(Time{10}, Tag{0}, 100);
    CHECK(engine.step([](const Tag&) {}));
    CHECK_THROWS_AS(engine.schedule(Time{10}, Tag{1}, 99), std::logic_error);
    CHECK_NOTHROW(engine.schedule(Time{10}, Tag{2}, 100));
    CHECK_NOTHROW(engine.schedule(Time{11}, Tag{3}, 0));
  }
  SECTION("a throwing handler leaves the engine usable") {
    engine.schedule(Time{10}, Tag{0}, 100);
    engine.schedule(Time{20}, Tag{1}, 100);
    CHECK_THROWS_AS(engine.run([](const Tag& t) {
      if (t.id == 0) throw std::runtime_error("model failure");
    }),
                    std::runtime_error);
    CHECK(engine.now() == Time{10});
    CHECK_NOTHROW(engine.schedule(Time{10}, Tag{2}, 100));
    std::vector<std::uint32_t> order;
    engine.run([&](const Tag& t) { order.push_back(t.id); });
    CHECK(order == std::vector<std::uint32_t>{2, 1});
  }
}

TEST_CASE("engine: randomized trace is identical across queue kinds and runs", "[engine][trace]") {
  const std::uint64_t seed = GENERATE(1u, 2u, 3u);
  std::vector<std::vector<Handled>> traces;
  for (QueueKind kind : kAllQueueKinds) {
    traces.push_back(random_trace(kind, seed, 500, 20000));
    traces.push_back(random_trace(kind, seed, 500, 20000));
  }
  REQUIRE(traces[0].size() > 5000);
  for (std::size_t i = 1; i < traces.size(); ++i) CHECK(traces[i] == traces[0]);
  for (std::size_t i = 1; i < traces[0].size(); ++i) REQUIRE(traces[0][i - 1].time_us <= traces[0][i].time_us);
}

TEST_CASE("engine: engines on several threads give the sequential results", "[engine][threads]") {
  constexpr int kEngines = 4;
  std::vector<std::vector<Handled>> sequential, parallel(kEngines);
  for (int i = 0; i < kEngines; ++i)
    sequential.push_back(random_trace(kAllQueueKinds[i % 2], 100 + static_cast<std::uint64_t>(i), 300, 10000));
  std::vector<std::thread> threads;
  for (int i = 0; i < kEngines; ++i)
    threads.emplace_back([&parallel, i] {
      parallel[static_cast<std::size_t>(i)] =
          random_trace(kAllQueueKinds[i % 2], 100 + static_cast<std::uint64_t>(i), 300, 10000);
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < kEngines; ++i) CHECK(parallel[static_cast<std::size_t>(i)] == sequential[static_cast<std::size_t>(i)]);
}

TEST_CASE("engine: queue kind names round-trip", "[engine]") {
  for (QueueKind k : kAllQueueKinds) CHECK(parse_queue_kind(to_string(k)) == k);
  CHECK_FALSE(parse_queue_kind("no_such_queue").has_value());
}

TEST_CASE("engine: advance_within_handler moves the clock only when nothing is skipped", "[engine]") {
  const QueueKind kind = kind_under_test();
  Engine<Tag> engine(kind);
  engine.schedule(Time{100}, Tag{1});
  engine.schedule(Time{500}, Tag{2});
  std::vector<std::int64_t> steps;
  engine.run(Time{1000}, [&](const Tag& t) {
    if (t.id != 1) {
      steps.push_back(-engine.now().us);
      return;
    }
    // A chain of steps 100 -> 200 -> 300 -> 400 inside the first handler; 500 is pending, so the
    // chain stops before it (and also refuses to jump past it).
    CHECK_FALSE(engine.advance_within_handler(Time{600}, 128));
    CHECK_FALSE(engine.advance_within_handler(Time{500}, 128));  // a tie with a pending event
    CHECK_FALSE(engine.advance_within_handler(Time{50}, 128));   // the past
    for (std::int64_t t = 200; engine.advance_within_handler(Time{t}, 128); t += 100) steps.push_back(engine.now().us);
    engine.schedule(engine.now(), Tag{3});  // at the new instant, not pre-empting: allowed
  });
  CHECK(steps == std::vector<std::int64_t>{200, 300, 400, -400, -500});
  // Never past the limit of the run in progress.
  Engine<Tag> limited(kind);
  limited.schedule(Time{10}, Tag{1});
  bool advanced = true;
  limited.run(Time{20}, [&](const Tag&) { advanced = limited.advance_within_handler(Time{20}, 128); });
  CHECK_FALSE(advanced);
  CHECK(limited.now() == Time{20});
  // run_limit(): the until of the run in progress inside a handler, never outside one.
  Time seen = Time::zero();
  limited.schedule(Time{25}, Tag{2});
  limited.run(Time{40}, [&](const Tag&) { seen = limited.run_limit(); });
  CHECK(seen == Time{40});
  CHECK(limited.run_limit() == Time::never());
}
