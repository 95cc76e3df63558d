/// @file
/// @brief The parts of gemm_packed: SIMD vectors, the register tile, packing, blocking.
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
#include <cstring>

#include "byo/kernels.h"

namespace byo {

#if defined(__GNUC__)
/// @brief Floats per SIMD vector: 16 with AVX-512, 8 with AVX, else 4 (SSE, NEON).
///
/// BYO_SIMD_WIDTH, set by the build of byo_ch07 and carried by its target, is the width the
/// library was compiled for; it wins, so a program built without -march=native that
/// includes this header agrees with the library on the tile's layout.
#if defined(BYO_SIMD_WIDTH)
inline constexpr int64_t kSimdWidth = BYO_SIMD_WIDTH;
#elif defined(__AVX512F__)
inline constexpr int64_t kSimdWidth = 16;
#elif defined(__AVX__)
inline constexpr int64_t kSimdWidth = 8;
#else
inline constexpr int64_t kSimdWidth = 4;
#endif
/// @brief A SIMD vector of kSimdWidth floats (a GCC/Clang vector extension): `+`, `*`
///        work lane by lane, and `vec * scalar` broadcasts the scalar.
typedef float Vec __attribute__((vector_size(kSimdWidth * sizeof(float))));
/// @brief Vectors per row of the register tile.
inline constexpr int64_t kTileVectors = 2;
#else
// Plain fallback for compilers without vector extensions: a "vector" of one float, so
// the same micro-kernel source compiles to scalar code with a 6×4 tile.
/// @brief Floats per "vector": 1, as this compiler has no vector extensions.
inline constexpr int64_t kSimdWidth = 1;
/// @brief The fallback "vector": one float.
using Vec = float;
/// @brief Vectors (here floats) per row of the register tile.
inline constexpr int64_t kTileVectors = 4;
#endif

/// @brief Rows of the register tile (MR): broadcasts of A per step of k.
inline constexpr int64_t kTileRows = 6;
/// @brief Columns of the register tile (NR): floats of B per step of k.
inline constexpr int64_t kTileCols = kTileVectors * kSimdWidth;

/// @brief Loads kSimdWidth floats from `p` (any alignment).
inline Vec load_vec(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// @brief Stores `v` to kSimdWidth floats at `p` (any alignment).
inline void store_vec(float* p, Vec v) { std::memcpy(p, &v, sizeof(v)); }

/// @brief Hints the CPU to start loading the cache line at `p` (no effect on results).
inline void prefetch(const float* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

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
