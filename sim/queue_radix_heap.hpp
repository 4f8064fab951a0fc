// Pending-event set for monotone integer keys: a radix heap over the (time, order) key.
//
// A radix heap keeps entries in buckets by the highest bit in which their key differs from a base
// key `last_` (the last minimum taken out of the buckets); it needs every new key to be >= that
// base, which discrete-event time nearly guarantees. Each entry moves down a bucket at most once
// per differing bit level, so push is O(1) and pop amortised O(key bits), with sequential memory
// access. Keys are 128 bits (time, then priority+sequence), giving 129 buckets, and a bit mask of
// the non-empty ones finds the next bucket in O(1). Buckets are lists of fixed-size chunks drawn
// from one shared pool, so memory follows the total number of entries (not each bucket's peak)
// and, once the pool has grown to the largest population, nothing is allocated any more.
//
// top() must move the base up to the minimum, but the engine may then still push keys between
// the last popped key and that minimum (schedule() after peek() or after run(until) stopped in
// front of a later event). Such keys go to a small side heap `below_`, whose entries are all
// smaller than every bucketed one and so are taken first. The contract is thus the engine's:
// never push below the last *popped* key.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_key.hpp"
#include "sim/queue_dary_heap.hpp"

namespace mailstorm::sim {

class RadixHeap {
 public:
  static constexpr const char* name() { return "radix_heap"; }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t) {}

  void push(const QueueEntry& e) {
    ++size_;
    if (earlier(e, last_)) [[unlikely]] {
      assert(!earlier(e, last_popped_) && "radix heap needs monotone keys");
      below_.push(e);
      return;
    }
    append(bucket_of(e), e);
  }

  // The smallest entry; may move entries between buckets, hence not const.
  const QueueEntry& top() {
    if (below_.empty() && head_[0] == kNil) refill();
    if (!below_.empty()) return below_.top();
    const Chunk& c = chunks_[head_[0]];
    return c.entries[c.count - 1];
  }

  QueueEntry pop() {
    --size_;
    if (below_.empty() && head_[0] == kNil) refill();
    if (!below_.empty()) {
#ifndef NDEBUG
      last_popped_ = below_.top();
#endif
      return below_.pop();
    }
    const std::uint32_t h = head_[0];
    Chunk& c = chunks_[h];
    const QueueEntry e = c.entries[--c.count];
    if (c.count == 0) {
      head_[0] = c.next;
      if (head_[0] == kNil) mask_[0] &= ~std::uint64_t{1};
      release_chunk(h);
    }
#ifndef NDEBUG
    last_popped_ = e;
#endif
    return e;
  }

  void clear() {
    chunks_.clear();
    free_chunk_ = kNil;
    head_.fill(kNil);
    below_.clear();
    mask_ = {};
    size_ = 0;
    last_ = QueueEntry{0, 0, 0};
    last_popped_ = last_;
  }

 private:
  static constexpr std::size_t kBuckets = 129;
  static constexpr std::uint32_t kChunkEntries = 63;
  // Buckets up to this size go whole into the side heap on refill.
  static constexpr std::uint32_t kSmallBucket = 63;
  static constexpr std::uint32_t kNil = UINT32_MAX;

  struct Chunk {
    QueueEntry entries[kChunkEntries];
    std::uint32_t count;
    std::uint32_t next;  // the next (older, full) chunk of the same bucket
  };

  std::size_t bucket_of(const QueueEntry& e) const {
    if (e.time != last_.time) return 64 + static_cast<std::size_t>(std::bit_width(e.time ^ last_.time));
    return static_cast<std::size_t>(std::bit_width(e.order ^ last_.order));
  }

  std::uint32_t acquire_chunk() {
    if (free_chunk_ != kNil) {
      const std::uint32_t c = free_chunk_;
      free_chunk_ = chunks_[c].next;
      return c;
    }
    chunks_.emplace_back();
    return static_cast<std::uint32_t>(chunks_.size() - 1);
  }
  void release_chunk(std::uint32_t c) {
    chunks_[c].next = free_chunk_;
    free_chunk_ = c;
  }

  void append(std::size_t b, const QueueEntry& e) {
    std::uint32_t h = head_[b];
    if (h == kNil || chunks_[h].count == kChunkEntries) [[unlikely]] {
      const std::uint32_t c = acquire_chunk();
      chunks_[c].count = 0;
      chunks_[c].next = h;
      head_[b] = h = c;
      mask_[b >> 6] |= std::uint64_t{1} << (b & 63);
    }
    Chunk& c = chunks_[h];
    c.entries[c.count++] = e;
  }

  std::size_t first_nonempty_above_zero() const {
    const std::uint64_t w0 = mask_[0] & ~std::uint64_t{1};
    if (w0) return static_cast<std::size_t>(std::countr_zero(w0));
    if (mask_[1]) return 64 + static_cast<std::size_t>(std::countr_zero(mask_[1]));
    return 128;
  }

  // Nothing is below the base and bucket 0 is empty: take the first non-empty bucket. A small one
  // moves whole into the side heap, with its maximum as the new base (entries in higher buckets
  // share the base's bits above this bucket's, so their buckets stay right); each entry then moves
  // once instead of cascading down the levels. A large one is redistributed around its minimum
  // as the new base; every entry lands in a lower bucket, the minimum in bucket 0.
  void refill() {
    const std::size_t i = first_nonempty_above_zero();
    std::uint32_t list = head_[i];
    assert(list != kNil);
    head_[i] = kNil;
    mask_[i >> 6] &= ~(std::uint64_t{1} << (i & 63));
    const Chunk& first = chunks_[list];
    if (first.next == kNil && first.count <= kSmallBucket) {
      QueueEntry m = first.entries[0];
      for (std::uint32_t k = 0; k < first.count; ++k) {
        if (earlier(m, first.entries[k])) m = first.entries[k];
        below_.push(first.entries[k]);
      }
      last_ = m;
      release_chunk(list);
      return;
    }
    QueueEntry m = first.entries[0];
    for (std::uint32_t c = list; c != kNil; c = chunks_[c].next) {
      const Chunk& ch = chunks_[c];
      for (std::uint32_t k = 0; k < ch.count; ++k)
        if (earlier(ch.entries[k], m)) m = ch.entries[k];
    }
    last_ = m;
    // append() may grow the pool (moving chunks), so address chunks by index and copy entries.
    while (list != kNil) {
      const std::uint32_t count = chunks_[list].count;
      for (std::uint32_t k = 0; k < count; ++k) {
        const QueueEntry e = chunks_[list].entries[k];
        append(bucket_of(e), e);
      }
      const std::uint32_t next = chunks_[list].next;
      release_chunk(list);
      list = next;
    }
  }

  LargeVector<Chunk> chunks_;
  std::uint32_t free_chunk_ = kNil;
  std::array<std::uint32_t, kBuckets> head_ = make_heads();
  std::array<std::uint64_t, 3> mask_{};
  std::size_t size_ = 0;
  QueueEntry last_{0, 0, 0};
  QueueEntry last_popped_{0, 0, 0};  // for the debug-build contract check only
  DaryHeap<4> below_;

  static constexpr std::array<std::uint32_t, kBuckets> make_heads() {
    std::array<std::uint32_t, kBuckets> h{};
    h.fill(kNil);
    return h;
  }
};

}  // namespace mailstorm::sim
