// Pending-event set: an implicit d-ary min-heap (general purpose; keys need not be monotone).
#pragma once

#include <cstddef>
#include <vector>

#include "sim/event_key.hpp"
#include "sim/large_pages.hpp"

namespace mailstorm::sim {

template <std::size_t Arity = 4>
class DaryHeap {
  static_assert(Arity >= 2);

 public:
  static constexpr const char* name() { return "dary_heap"; }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  const QueueEntry& top() const { return heap_.front(); }

  void push(const QueueEntry& e) {
    std::size_t hole = heap_.size();
    heap_.push_back(e);
    // Sift up by moving parents down into the hole, then drop the entry once.
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / Arity;
      if (!earlier(e, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = e;
  }

  QueueEntry pop() {
    const QueueEntry result = heap_.front();
    const QueueEntry last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return result;
    std::size_t hole = 0;
    for (;;) {
      const std::size_t first = hole * Arity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + Arity < n ? first + Arity : n;
      for (std::size_t c = first + 1; c < end; ++c)
        if (earlier(heap_[c], heap_[best])) best = c;
      if (!earlier(heap_[best], last)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    return result;
  }

  void clear() { heap_.clear(); }

 private:
  LargeVector<QueueEntry> heap_;
};

}  // namespace mailstorm::sim
