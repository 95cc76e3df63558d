/// @file
/// @brief The SIMD micro-kernel and the packing routines that feed it.
#include <algorithm>
#include <cstring>

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

namespace {

#ifdef BYO_HAVE_SHUFFLEVECTOR
// out[k*out_stride + l] = in[l*in_stride + k] for k, l in 0..7: an 8×8 transpose in
// registers, three rounds of shuffles (AVX2: unpack, shuffle, permute of 128-bit halves),
// so both the eight loads and the eight stores are whole vectors.
void transpose8x8(const float* in, int64_t in_stride, float* out, int64_t out_stride) {
  Float8 r[8], t[8], u[8];
  for (int i = 0; i < 8; ++i) r[i] = load8(in + i * in_stride);
  for (int i = 0; i < 8; i += 2) {  // interleave pairs of rows
    t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {  // interleave pairs of pairs
    for (int h = 0; h < 2; ++h) {
      u[i + 2 * h] = __builtin_shufflevector(t[i + h], t[i + 2 + h], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 2 * h + 1] =
          __builtin_shufflevector(t[i + h], t[i + 2 + h], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  }
  for (int i = 0; i < 4; ++i) {  // join 128-bit halves
    const Float8 lo = __builtin_shufflevector(u[i], u[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    const Float8 hi = __builtin_shufflevector(u[i], u[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    store8(out + i * out_stride, lo);
    store8(out + (i + 4) * out_stride, hi);
  }
}
#endif

// Packing A and B is one operation seen from two sides: cut a matrix into panels of
// `width` lanes (rows of A, columns of B) and write each panel step by step (k), the
// `width` lanes of one step side by side:
//
//   out[(p*steps + k)*width + l] = src[(p*width + l)*lane_stride + k*step_stride]
//
// with zeros for the lanes past `lanes` in the last panel, so that the micro-kernel never
// needs a short version: the padded part of its tile is computed and thrown away.
// Which loop order is fast depends on which stride is 1.
template <int64_t width>
void pack_panels(const float* src, int64_t lane_stride, int64_t step_stride, int64_t lanes,
                 int64_t steps, float* out) {
  int64_t first_general = 0;  // lanes before this are already packed
  if (lane_stride == 1) {
    // Lanes contiguous (row-major B, transposed A): each step of a full panel is one
    // contiguous copy. Walk step by step over all panels, so reads stream through memory.
    const int64_t full_panels = lanes / width;
    for (int64_t k = 0; k < steps; ++k) {
      const float* row = src + k * step_stride;
      for (int64_t p = 0; p < full_panels; ++p) {
        // A loop of constant length, not std::copy: GCC turned that into a call to memmove
        // per step, which costs more than the width floats it moves.
        const float* src_lanes = row + p * width;
        float* dst_lanes = out + (p * steps + k) * width;
        for (int64_t l = 0; l < width; ++l) dst_lanes[l] = src_lanes[l];
      }
    }
    first_general = full_panels * width;
  } else if (step_stride == 1) {
    // Steps contiguous (row-major A, transposed B): a transpose. Read 8 steps of each
    // lane with one contiguous load into a small tile, then write the tile out step by
    // step: contiguous reads and contiguous writes, instead of a strided gather per float.
    constexpr int64_t kSteps = 8;
    for (int64_t l0 = 0; l0 < lanes; l0 += width) {
      const int64_t valid = std::min(width, lanes - l0);
      float* panel = out + (l0 / width) * steps * width;
      int64_t k0 = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
      if constexpr (width % 8 == 0) {
        if (valid == width) {  // full panels of B: 8×8 blocks transposed in registers
          for (; k0 + 8 <= steps; k0 += 8) {
            for (int64_t l = 0; l < width; l += 8) {
              transpose8x8(src + (l0 + l) * lane_stride + k0, lane_stride, panel + k0 * width + l,
                           width);
            }
          }
        }
      }
#endif
      for (; k0 + kSteps <= steps; k0 += kSteps) {
        float tile[width][kSteps];
        for (int64_t l = 0; l < width; ++l) {
          const float* lane = src + (l0 + l) * lane_stride + k0;
          for (int64_t k = 0; k < kSteps; ++k) tile[l][k] = l < valid ? lane[k] : 0.0f;
        }
        for (int64_t k = 0; k < kSteps; ++k) {
          for (int64_t l = 0; l < width; ++l) panel[(k0 + k) * width + l] = tile[l][k];
        }
      }
      for (; k0 < steps; ++k0) {
        for (int64_t l = 0; l < width; ++l) {
          panel[k0 * width + l] = l < valid ? src[(l0 + l) * lane_stride + k0] : 0.0f;
        }
      }
    }
    return;
  }
  // Any other strides, and the last partial panel of the contiguous-lanes case.
  for (int64_t l0 = first_general; l0 < lanes; l0 += width) {
    const int64_t valid = std::min(width, lanes - l0);
    float* panel = out + (l0 / width) * steps * width;
    for (int64_t k = 0; k < steps; ++k) {
      const float* step = src + l0 * lane_stride + k * step_stride;
      for (int64_t l = 0; l < valid; ++l) panel[l] = step[l * lane_stride];
      for (int64_t l = valid; l < width; ++l) panel[l] = 0.0f;
      panel += width;
    }
  }
}

}  // namespace

// a is (mc, kc), out is ceil(mc/MR) panels of (kc, MR).
void pack_a(ConstMatrixView a, float* out) {
  pack_panels<kTileRows>(a.data, a.row_stride, a.col_stride, a.rows, a.cols, out);
}

// b is (kc, nc), out is ceil(nc/NR) panels of (kc, NR).
void pack_b(ConstMatrixView b, float* out) {
  pack_panels<kTileCols>(b.data, b.col_stride, b.row_stride, b.cols, b.rows, out);
}

}  // namespace byo
