// The one total order of events: (time, priority, insertion sequence), packed for the queues.
#pragma once

#include <cstdint>

namespace mailstorm::sim {

// What a pending-event set stores: the ordering key and the pool slot of the payload.
// `time` is the instant in microseconds (never negative); `order` packs the priority into the
// top 8 bits and the engine's insertion sequence into the low 56, so comparing (time, order)
// lexicographically is comparing (time, priority, sequence): lower priority values run first at
// equal time, and equal (time, priority) runs in insertion order (FIFO).
struct QueueEntry {
  std::uint64_t time;
  std::uint64_t order;
  std::uint32_t slot;
};

inline constexpr int kSequenceBits = 56;
inline constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << kSequenceBits) - 1;

constexpr std::uint64_t pack_order(std::uint8_t priority, std::uint64_t sequence) {
  return (std::uint64_t{priority} << kSequenceBits) | (sequence & kSequenceMask);
}

constexpr bool earlier(const QueueEntry& a, const QueueEntry& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

}  // namespace mailstorm::sim
