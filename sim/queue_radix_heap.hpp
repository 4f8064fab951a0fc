// Pending-event set for monotone integer keys: a radix heap over the (time, order) key.
//
// A radix heap keeps entries in buckets by the highest bit in which their key differs from the
// last key removed; it needs every new key to be >= that last key, which discrete-event time
// guarantees (the engine refuses to schedule into the past). Each entry moves down a bucket at
// most once per differing bit level, so push is O(1) and pop amortised O(key bits), with mostly
// sequential memory access. Keys are 128 bits (time, then priority+sequence), giving 129 buckets.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_key.hpp"

namespace mailstorm::sim {

class RadixHeap {
 public:
  static constexpr const char* name() { return "radix_heap"; }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t) {}

  void push(const QueueEntry& e) {
    assert(!earlier(e, last_) && "radix heap needs monotone keys");
    buckets_[bucket_of(e)].push_back(e);
    ++size_;
  }

  // The smallest entry; moves entries between buckets, hence not const.
  const QueueEntry& top() {
    if (buckets_[0].empty()) refill();
    return buckets_[0].back();
  }

  QueueEntry pop() {
    if (buckets_[0].empty()) refill();
    const QueueEntry e = buckets_[0].back();
    buckets_[0].pop_back();
    --size_;
    return e;
  }

  void clear() {
    for (auto& b : buckets_) b.clear();
    size_ = 0;
    last_ = QueueEntry{0, 0, 0};
  }

 private:
  static constexpr std::size_t kBuckets = 129;

  std::size_t bucket_of(const QueueEntry& e) const {
    if (e.time != last_.time) return 64 + static_cast<std::size_t>(std::bit_width(e.time ^ last_.time));
    return static_cast<std::size_t>(std::bit_width(e.order ^ last_.order));
  }

  // Bucket 0 is empty: take the first non-empty bucket, make its minimum the new last key and
  // redistribute the bucket; every entry lands in a lower bucket, the minimum in bucket 0.
  void refill() {
    std::size_t i = 1;
    while (buckets_[i].empty()) ++i;
    auto& src = buckets_[i];
    QueueEntry m = src.front();
    for (const QueueEntry& e : src)
      if (earlier(e, m)) m = e;
    last_ = m;
    for (const QueueEntry& e : src) buckets_[bucket_of(e)].push_back(e);
    src.clear();
  }

  std::array<std::vector<QueueEntry>, kBuckets> buckets_{};
  std::size_t size_ = 0;
  QueueEntry last_{0, 0, 0};
};

}  // namespace mailstorm::sim
