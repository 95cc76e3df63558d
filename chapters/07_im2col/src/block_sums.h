/// @file
/// @brief Sums computed block by block on any thread, then added in block order; private to
///        chapter 7's kernels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "byo/micro_kernel.h"
#include "threads.h"

namespace byo::detail {

/// @brief A reduction whose result does not depend on the thread count or the schedule.
///
/// A weight gradient is a sum over the whole batch. Split the batch into blocks that do
/// not depend on the thread count; let each block sum its share into kSimdWidth lanes per
/// entry (lanes(), on whichever thread runs it), fold its lanes in lane order (finish()),
/// and add the blocks' sums in block order at the end (total()). Every addition then
/// happens in the same order for 1, 2 or 64 threads, so the bits are the same.
class BlockSums {
 public:
  /// @brief `entries` sums for each of `blocks` blocks.
  BlockSums(int64_t blocks, int64_t entries)
      : blocks_(blocks), entries_(entries), sums_(static_cast<size_t>(blocks * entries)) {}

  /// @brief This thread's lane sums for a new block, zeroed: entries × kSimdWidth floats,
  ///        entry e in lanes [e·kSimdWidth, (e + 1)·kSimdWidth).
  std::span<float> lanes() {
    thread_local Scratch scratch;
    const int64_t floats = entries_ * kSimdWidth;
    float* lanes = scratch.reserve(floats);
    std::fill_n(lanes, floats, 0.0f);
    return {lanes, static_cast<size_t>(floats)};
  }

  /// @brief Folds a block's lanes (from lanes()) into block `block`'s sums.
  void finish(int64_t block, std::span<const float> lanes) {
    float* sums = sums_.data() + block * entries_;
    for (int64_t e = 0; e < entries_; ++e) {
      float sum = 0.0f;
      for (int64_t l = 0; l < kSimdWidth; ++l)
        sum += lanes[static_cast<size_t>(e * kSimdWidth + l)];
      sums[e] = sum;
    }
  }

  /// @brief Block `block`'s sums, zero at first, for a block that adds up its entries in
  ///        an order of its own instead of through lanes() and finish().
  float* sums(int64_t block) { return sums_.data() + block * entries_; }

  /// @brief The entries summed over all blocks, in block order. Call once, after the loop.
  const float* total() {
    for (int64_t b = 1; b < blocks_; ++b) {
      const float* other = sums_.data() + b * entries_;
      for (int64_t e = 0; e < entries_; ++e) sums_[static_cast<size_t>(e)] += other[e];
    }
    return sums_.data();
  }

 private:
  int64_t blocks_, entries_;
  std::vector<float> sums_;
};

}  // namespace byo::detail
