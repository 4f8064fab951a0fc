// The discrete-event engine: schedule, cancel, step, peek, run(until), now. Knows nothing of mail.
//
// Events are small trivially-copyable payloads (the model's choice of type) kept in a pooled slot
// array with a free list, so the steady state allocates nothing. Order is the total order
// (time, priority, insertion sequence) of event_key.hpp, identical for every pending-event set.
// No global state: each Engine is independent and may run on its own thread.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/large_pages.hpp"
#include "sim/time.hpp"

namespace mailstorm::sim {

// Names one scheduled event, for cancel(). Stale handles (event already run or cancelled) are
// recognised by the generation and ignored.
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
};

// Lower values run first among events at the same instant.
using Priority = std::uint8_t;

template <class Payload>
class Engine {
  static_assert(std::is_trivially_copyable_v<Payload>, "event payloads are small plain values");

 public:
  explicit Engine(QueueKind kind = QueueKind::radix_heap) : kind_(kind) {}

  QueueKind queue_kind() const { return kind_; }
  Time now() const { return now_; }
  std::uint64_t events_handled() const { return handled_; }
  std::uint64_t events_scheduled() const { return sequence_; }
  // Events scheduled and neither run nor cancelled.
  std::size_t pending() const { return live_; }
  // Pool capacity: the most events ever pending at once (for memory figures).
  std::size_t pool_slots() const { return slots_.size(); }

  void reserve(std::size_t n) {
    slots_.reserve(n);
    if (kind_ == QueueKind::dary_heap) heap_.reserve(n);
  }

  EventId schedule(Time at, const Payload& payload, Priority priority = 128) {
    if (at < now_) throw std::logic_error("Engine::schedule: time is in the past");
    // At the instant of the last handled event, a more urgent priority would order the new event
    // before one that has already run (inside its handler: pre-empt it), so that is refused too.
    if (at == now_ && priority < current_priority_)
      throw std::logic_error(
          "Engine::schedule: cannot pre-empt the event being (or just) handled at this instant");
    std::uint32_t slot;
    if (free_head_ != kNone) {
      slot = free_head_;
      free_head_ = slots_[slot].next_free;
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{});
    }
    Slot& s = slots_[slot];
    s.payload = payload;
    s.cancelled = false;
    const QueueEntry e{static_cast<std::uint64_t>(at.us), pack_order(priority, sequence_++), slot};
    if (kind_ == QueueKind::radix_heap)
      radix_.push(e);
    else
      heap_.push(e);
    ++live_;
    return EventId{slot, s.generation};
  }

  EventId schedule_after(Duration delay, const Payload& payload, Priority priority = 128) {
    return schedule(now_ + delay, payload, priority);
  }

  // Lazy cancel: the entry stays queued and is dropped when it reaches the front.
  // Returns false if the event had already run or been cancelled.
  bool cancel(EventId id) {
    if (id.slot >= slots_.size()) return false;
    Slot& s = slots_[id.slot];
    if (s.generation != id.generation || s.cancelled) return false;
    s.cancelled = true;
    --live_;
    return true;
  }

  // Inside a handler: the limit of the current run() (events at or after it do not run in it);
  // Time::never() outside one.
  Time run_limit() const { return run_until_; }

  // Time of the next event that will run, if any.
  std::optional<Time> peek() {
    const QueueEntry* e = front();
    if (!e) return std::nullopt;
    return Time{static_cast<std::int64_t>(e->time)};
  }

  // Runs the next event: handler(payload). Returns false when nothing is pending.
  template <class Handler>
  bool step(Handler&& handler) {
    return step_before<false>(Time::never(), handler);
  }

  // Runs every event with time < until, then advances the clock to `until` (unless that is
  // Time::never(), which runs every event, even one scheduled at Time::never()). Events at
  // exactly `until` stay pending. Returns the number handled.
  template <class Handler>
  std::uint64_t run(Time until, Handler&& handler) {
    const std::uint64_t before = handled_;
    run_until_ = until;
    if (until == Time::never()) {
      while (step_before<false>(until, handler)) {
      }
    } else {
      while (step_before<true>(until, handler)) {
      }
    }
    run_until_ = Time::never();
    if (until != Time::never() && until > now_) {
      now_ = until;
      current_priority_ = 0;  // nothing has run at the new instant yet
    }
    return handled_ - before;
  }

  // Inside a handler: carries on as if the event being handled had been scheduled at `t` with
  // `priority`, i.e. moves the clock to `t`. Allowed only when every pending event comes after
  // `t` and `t` is before the limit of the current run(): then nothing that would have run in
  // between is skipped, and a handler can do a chain of steps without an event for each (the
  // mail model's fast mode does this). Returns false, changing nothing, otherwise.
  bool advance_within_handler(Time t, Priority priority) {
    if (t < now_ || (t == now_ && priority < current_priority_) || t >= run_until_) return false;
    if (const QueueEntry* next = front(); next && static_cast<std::int64_t>(next->time) <= t.us) return false;
    now_ = t;
    current_priority_ = priority;
    return true;
  }

  template <class Handler>
  std::uint64_t run(Handler&& handler) {
    return run(Time::never(), handler);
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  static constexpr std::size_t kPrefetchAbovePoolSlots = 32768;

  struct Slot {
    Payload payload;
    std::uint32_t generation = 0;
    std::uint32_t next_free = kNone;
    bool cancelled = false;
  };

  bool queue_empty() const { return kind_ == QueueKind::radix_heap ? radix_.empty() : heap_.empty(); }
  const QueueEntry& queue_top() { return kind_ == QueueKind::radix_heap ? radix_.top() : heap_.top(); }
  QueueEntry queue_pop() { return kind_ == QueueKind::radix_heap ? radix_.pop() : heap_.pop(); }
  void queue_push(const QueueEntry& e) {
    if (kind_ == QueueKind::radix_heap)
      radix_.push(e);
    else
      heap_.push(e);
  }

  void release(std::uint32_t slot) {
    Slot& s = slots_[slot];
    ++s.generation;
    s.next_free = free_head_;
    free_head_ = slot;
  }

  // The first entry that is not cancelled, dropping cancelled ones on the way.
  const QueueEntry* front() {
    while (!queue_empty()) {
      const QueueEntry& e = queue_top();
      if (!slots_[e.slot].cancelled) return &e;
      release(e.slot);
      queue_pop();
    }
    return nullptr;
  }

  // Runs the next event if it is before `until` (any event when `bounded` is false).
  template <bool bounded, class Handler>
  bool step_before(Time until, Handler& handler) {
    // Pop first and look after: one queue operation per event instead of top() then pop().
    QueueEntry e;
    for (;;) {
      if (queue_empty()) return false;
      e = queue_pop();
      if (!slots_[e.slot].cancelled) [[likely]] break;
      release(e.slot);
    }
    if constexpr (bounded)
      if (static_cast<std::int64_t>(e.time) >= until.us) [[unlikely]] {
        // Past the limit: put it back. Its key is the smallest pending, so every queue takes it
        // back in the same place (the radix heap's monotone bound included).
        queue_push(e);
        return false;
      }
    // Copy the payload out and free the slot first, so the handler may reuse it.
    const Payload payload = slots_[e.slot].payload;
    release(e.slot);
    --live_;
    // Start fetching the next event's slot while this one is handled: with many pending events
    // the pool is far larger than the caches, and this is the one random access per event.
    // (A small pool stays in cache, and there the extra top() costs more than it saves.)
    if (slots_.size() > kPrefetchAbovePoolSlots && !queue_empty()) __builtin_prefetch(&slots_[queue_top().slot]);
    now_ = Time{static_cast<std::int64_t>(e.time)};
    current_priority_ = static_cast<Priority>(e.order >> kSequenceBits);
    ++handled_;
    handler(payload);
    return true;
  }

  QueueKind kind_;
  DaryHeap<4> heap_;
  RadixHeap radix_;
  LargeVector<Slot> slots_;  // (huge pages once large: events are looked up at random)
  std::uint32_t free_head_ = kNone;
  Time now_{};
  std::uint64_t sequence_ = 0;
  std::uint64_t handled_ = 0;
  std::size_t live_ = 0;
  Priority current_priority_ = 0;
  Time run_until_ = Time::never();  // the limit of the run() in progress
};

}  // namespace mailstorm::sim
