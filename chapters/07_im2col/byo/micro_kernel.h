/// @file
/// @brief The parts of gemm_packed: the register tile, packing, blocking (vectors: simd.h).
///
/// The Goto/BLIS design. C is computed one MR×NR register tile at a time by a
/// micro-kernel that keeps the whole tile in vector registers while it walks k:
///
///                 B micro-panel: kc rows of NR floats (two vectors)
///                 [b b b b b b b b|b b b b b b b b]  k = 0
///                 [b b b b b b b b|b b b b b b b b]  k = 1 ...
///     A micro-panel
///     (kc columns    a0 | c c c c c c c c|c c c c c c c c |
///      of MR floats) a1 | c c c c c c c c|c c c c c c c c |   12 accumulators
///                    .. |       ...      |      ...       |   (MR=6 × 2 vectors)
///                    a5 | c c c c c c c c|c c c c c c c c |
///
/// For each k: load two vectors of B, and for each of the MR rows broadcast one float of
/// A and do two fused multiply-adds. That is 2·MR FMAs per 2 loads + MR broadcasts, all
/// from L1, which is what lets the FPU run at full speed. Packing copies the blocks of A
/// and B that the micro-kernel will read into exactly this order, contiguous and
/// aligned, once per block; it reads the caller's matrices through their strides, which
/// is why transposed operands cost nothing extra.
#pragma once

#include <cstdint>

#include "byo/kernels.h"
#include "byo/simd.h"

namespace byo {

/// @brief Vectors per row of the register tile: two of AVX's 8 floats, or four floats
///        when the compiler has no vector types (then a 6×4 tile of scalars).
inline constexpr int64_t kTileVectors = kSimdWidth == 1 ? 4 : 2;

/// @brief Rows of the register tile (MR): broadcasts of A per step of k.
inline constexpr int64_t kTileRows = 6;
/// @brief Columns of the register tile (NR): floats of B per step of k.
inline constexpr int64_t kTileCols = kTileVectors * kSimdWidth;

/// @brief Cache blocking of gemm_packed: the sizes of the packed blocks.
///
/// kc·NR floats of B (one micro-panel) stay in L1 while the micro-kernel sweeps the A
/// block; the mc×kc block of A stays in L2; the kc×nc block of B stays in L3.
struct GemmBlocking {
  int64_t mc = 144;   ///< Rows of A per packed block (a multiple of kTileRows).
  int64_t kc = 256;   ///< Depth of a packed block: the k loop of one micro-kernel call.
  int64_t nc = 3072;  ///< Columns of B per packed block (a multiple of kTileCols).
};

/// @brief The micro-kernel's contract: tile = A_panel · B_panel, a kTileRows×kTileCols
///        row-major tile, overwritten.
///
/// `a` holds kc groups of kTileRows floats (column k of the A micro-panel, packed).
/// Row k of the B micro-panel is the kTileCols floats at `b + k*b_row_stride`: packed
/// (b_row_stride = kTileCols), or read in place from a row-major B (its row stride).
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, int64_t b_row_stride,
                             float* tile);

/// @brief The SIMD micro-kernel: kTileRows×kTileVectors vector accumulators, FMA per k.
void micro_kernel(int64_t kc, const float* a, const float* b, int64_t b_row_stride, float* tile);

/// @brief Packs A (mc, kc) into micro-panels of kTileRows rows, zero-padding the last.
///
/// Output: panel p, step k, row i at `out[(p*kc + k)*kTileRows + i]` = A(p*MR + i, k).
void pack_a(ConstMatrixView a, float* out);

/// @brief Packs B (kc, nc) into micro-panels of kTileCols columns, zero-padding the last.
///
/// Output: panel p, step k, column j at `out[(p*kc + k)*kTileCols + j]` = B(k, p*NR + j).
void pack_b(ConstMatrixView b, float* out);

/// @brief gemm_packed with a given micro-kernel and blocking (one thread).
///
/// The exercise plugs the learner's micro-kernel in here; the benchmark tries blockings.
void gemm_packed_with(MicroKernel kernel, const GemmBlocking& blocking, ConstMatrixView a,
                      ConstMatrixView b, MatrixView c, bool accumulate);

}  // namespace byo
