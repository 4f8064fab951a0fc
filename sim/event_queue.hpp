// The pending-event set: one concept, several implementations, chosen at run time by name.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sim/event_key.hpp"
#include "sim/queue_dary_heap.hpp"
#include "sim/queue_radix_heap.hpp"

namespace mailstorm::sim {

// Every pending-event set offers these verbs; the engine and the shared test suite use nothing
// else. Cancellation is lazy (in the engine), so the sets need no remove().
template <class Q>
concept PendingEventSet = requires(Q q, const QueueEntry& e) {
  { q.empty() } -> std::convertible_to<bool>;
  { q.size() } -> std::convertible_to<std::size_t>;
  { q.push(e) };
  { q.pop() } -> std::same_as<QueueEntry>;
  { q.top() } -> std::convertible_to<const QueueEntry&>;
  { q.clear() };
  { Q::name() } -> std::convertible_to<const char*>;
};

static_assert(PendingEventSet<DaryHeap<4>>);
static_assert(PendingEventSet<RadixHeap>);

enum class QueueKind { dary_heap, radix_heap };

inline constexpr QueueKind kAllQueueKinds[] = {QueueKind::dary_heap, QueueKind::radix_heap};

inline const char* to_string(QueueKind k) {
  return k == QueueKind::dary_heap ? DaryHeap<4>::name() : RadixHeap::name();
}

inline std::optional<QueueKind> parse_queue_kind(std::string_view s) {
  for (QueueKind k : kAllQueueKinds)
    if (s == to_string(k)) return k;
  return std::nullopt;
}

}  // namespace mailstorm::sim
