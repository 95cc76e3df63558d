/// @file
/// @brief The SIMD micro-kernel and the packing routines that feed it.
#include <algorithm>

#include "byo/micro_kernel.h"

namespace byo {

// a is (kc, MR) packed, b is (kc, NR) with row stride b_row_stride, tile is (MR, NR).
//
// acc is MR×kTileVectors vectors: 12 of the 16 AVX2 registers, leaving room for the
// two vectors of B and one broadcast of A. The loops over i and v have constant trip
// counts, so the compiler unrolls them and keeps every accumulator in a register;
// `ai * b_row[v]` broadcasts the float ai and, with -ffp-contract=fast (set for this
// chapter in CMake), each `acc += ai * b` becomes one fused multiply-add.
//
// When B is read in place (b_row_stride is B's row stride), consecutive calls walk
// along B's rows, one tile width at a time; the prefetch asks for the row's data a few
// tiles ahead. On packed B it reaches a few steps ahead in the same panel, already in L1.
void micro_kernel(int64_t kc, const float* a, const float* b, int64_t b_row_stride, float* tile) {
  Vec acc[kTileRows][kTileVectors] = {};
  for (int64_t k = 0; k < kc; ++k) {
    prefetch(b + 4 * kTileCols);
    Vec b_row[kTileVectors];
    for (int64_t v = 0; v < kTileVectors; ++v) b_row[v] = load_vec(b + v * kSimdWidth);
    for (int64_t i = 0; i < kTileRows; ++i) {
      const float ai = a[i];
      for (int64_t v = 0; v < kTileVectors; ++v) acc[i][v] += ai * b_row[v];
    }
    a += kTileRows;
    b += b_row_stride;
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
  const int64_t full_panels = b.col_stride == 1 ? b.cols / kTileCols : 0;
  // Row-major B: walk it row by row, so that reads stream through memory; each row's
  // floats are dealt out, NR at a time, to the panels.
  for (int64_t k = 0; k < kc; ++k) {
    const float* row = b.data + k * b.row_stride;
    for (int64_t p = 0; p < full_panels; ++p) {
      std::copy(row + p * kTileCols, row + (p + 1) * kTileCols, out + (p * kc + k) * kTileCols);
    }
  }
  // Everything else (a transposed B, the last partial panel): element by element, zero-padded.
  for (int64_t j0 = full_panels * kTileCols; j0 < b.cols; j0 += kTileCols) {
    const int64_t cols = std::min(kTileCols, b.cols - j0);
    const float* src = b.data + j0 * b.col_stride;
    float* panel = out + (j0 / kTileCols) * kc * kTileCols;
    for (int64_t k = 0; k < kc; ++k) {
      const float* row = src + k * b.row_stride;
      for (int64_t j = 0; j < cols; ++j) panel[j] = row[j * b.col_stride];
      for (int64_t j = cols; j < kTileCols; ++j) panel[j] = 0.0f;
      panel += kTileCols;
    }
  }
}

}  // namespace byo
