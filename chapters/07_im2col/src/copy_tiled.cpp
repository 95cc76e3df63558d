/// @file
/// @brief Chapter 1's copy entry, fast: a transposed array made contiguous in tiles.
#include <algorithm>
#include <vector>

#include "byo/fast_kernels.h"
#include "byo/strides.h"

namespace byo {

namespace {

// Rows per tile: one 64-byte cache line of a transposed source.
constexpr int64_t kTileRows = 16;
// Columns per tile: the lines a tile touches stay in L1 even when a power-of-two stride
// maps them all to one cache set (8 ways).
constexpr int64_t kTileCols = 32;
// Inner strides up to this many floats (one cache line) are copied row by row.
constexpr int64_t kTileMinStride = 16;

}  // namespace

// Copying row by row reads a transposed source one float per cache line, and with a
// stride of 4096 floats every line of a pass maps to the same few cache sets: each line is
// evicted before the next row comes back for its neighbour. In tiles of 16 × 32, each line
// brought in is used 16 times in a row instead. Each float is copied, never computed, so
// the order changes nothing but speed.
void copy_tiled(const float* src, std::span<const int64_t> shape, std::span<const int64_t> strides,
                float* dst) {
  const size_t nd = shape.size();
  if (nd < 2 || strides[nd - 1] <= kTileMinStride) {
    copy_naive(src, shape, strides, dst);
    return;
  }
  const Shape outer(shape.begin(), shape.end() - 2);
  const Strides outer_strides(strides.begin(), strides.end() - 2);
  if (numel(outer) == 0) return;
  const int64_t rows = shape[nd - 2], cols = shape[nd - 1];
  const int64_t row_stride = strides[nd - 2], col_stride = strides[nd - 1];
  std::vector<int64_t> index(outer.size(), 0);
  do {  // one (rows × cols) matrix per step of the odometer over the outer dimensions
    const float* matrix = src + offset_of(index, outer_strides);
    for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
      const int64_t r1 = std::min(r0 + kTileRows, rows);
      for (int64_t c0 = 0; c0 < cols; c0 += kTileCols) {
        const int64_t c1 = std::min(c0 + kTileCols, cols);
        for (int64_t r = r0; r < r1; ++r) {
          const float* in = matrix + r * row_stride;
          float* out = dst + r * cols;
          for (int64_t c = c0; c < c1; ++c) out[c] = in[c * col_stride];
        }
      }
    }
    dst += rows * cols;
  } while (next_index(index, outer));
}

}  // namespace byo
