/// @file
/// @brief The SIMD micro-kernel and the packing routines that feed it.
#include <algorithm>

#include "byo/micro_kernel.h"

namespace byo {

// a is (kc, MR) packed, b is (kc, NR) packed, tile is (MR, NR) row-major.
//
// acc is MR×kTileVectors vectors: 12 of the 16 AVX2 registers, leaving room for the
// two vectors of B and one broadcast of A. The loops over i and v have constant trip
// counts, so the compiler unrolls them and keeps every accumulator in a register;
// `ai * b_row[v]` broadcasts the float ai and, with -ffp-contract=fast (set for this
// chapter in CMake), each `acc += ai * b` becomes one fused multiply-add.
void micro_kernel(int64_t kc, const float* a, const float* b, float* tile) {
  Vec acc[kTileRows][kTileVectors] = {};
  for (int64_t k = 0; k < kc; ++k) {
    Vec b_row[kTileVectors];
    for (int64_t v = 0; v < kTileVectors; ++v) b_row[v] = load_vec(b + v * kSimdWidth);
    for (int64_t i = 0; i < kTileRows; ++i) {
      const float ai = a[i];
      for (int64_t v = 0; v < kTileVectors; ++v) acc[i][v] += ai * b_row[v];
    }
    a += kTileRows;
    b += kTileCols;
  }
  for (int64_t i = 0; i < kTileRows; ++i) {
    for (int64_t v = 0; v < kTileVectors; ++v) {
      store_vec(tile + i * kTileCols + v * kSimdWidth, acc[i][v]);
    }
  }
}

// a is (mc, kc), out is ceil(mc/MR) panels of (kc, MR).
void pack_a(ConstMatrixView a, float* out) {
  const int64_t kc = a.cols;
  for (int64_t i0 = 0; i0 < a.rows; i0 += kTileRows) {
    const int64_t rows = std::min(kTileRows, a.rows - i0);
    const float* src = a.data + i0 * a.row_stride;
    for (int64_t k = 0; k < kc; ++k) {
      const float* col = src + k * a.col_stride;
      for (int64_t i = 0; i < rows; ++i) out[i] = col[i * a.row_stride];
      // The last panel is padded with zeros, so the micro-kernel never needs a short
      // version: the padded rows of its tile are computed and thrown away.
      for (int64_t i = rows; i < kTileRows; ++i) out[i] = 0.0f;
      out += kTileRows;
    }
  }
}

// b is (kc, nc), out is ceil(nc/NR) panels of (kc, NR).
void pack_b(ConstMatrixView b, float* out) {
  const int64_t kc = b.rows;
  for (int64_t j0 = 0; j0 < b.cols; j0 += kTileCols) {
    const int64_t cols = std::min(kTileCols, b.cols - j0);
    const float* src = b.data + j0 * b.col_stride;
    for (int64_t k = 0; k < kc; ++k) {
      const float* row = src + k * b.row_stride;
      if (cols == kTileCols && b.col_stride == 1) {
        std::copy(row, row + kTileCols, out);  // the common case: one cache line
      } else {
        for (int64_t j = 0; j < cols; ++j) out[j] = row[j * b.col_stride];
        for (int64_t j = cols; j < kTileCols; ++j) out[j] = 0.0f;
      }
      out += kTileCols;
    }
  }
}

}  // namespace byo
