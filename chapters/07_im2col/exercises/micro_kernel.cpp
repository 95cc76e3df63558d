/// @file
/// @brief Exercise 2: write the micro-kernel's inner loop.
///
/// The packed panels (byo/micro_kernel.h) are laid out so that step k of the A panel is
/// kTileRows consecutive floats a[k·MR + i], and step k of the B panel is kTileCols
/// consecutive floats b[k·b_row_stride + j] (b_row_stride is kTileCols when B is packed,
/// B's own row stride when gemm_packed reads a thin product's B in place). The tile is
/// their product:
///
///     tile[i][j] = sum over k of a[k·MR + i] · b[k·b_row_stride + j]
///
/// Keep the tile in registers: kTileRows × kTileVectors accumulators of type Vec. For each
/// k, load the kTileVectors vectors of B with load_vec, then for each row i multiply the
/// float a[k·MR + i] by each of them and add into acc[i][v] (`vec * float` broadcasts).
/// A scalar triple loop also passes the grader, but is several times slower: the grader
/// prints your kernel's GFLOP/s beside the library's.
///
/// Grade: cmake --build build --target ch07_grade
#include "byo/micro_kernel.h"
#include "byo/check.h"
#include "ch07_exercises.h"

namespace byo::exercises {

void micro_kernel([[maybe_unused]] int64_t kc, [[maybe_unused]] const float* a,
                  [[maybe_unused]] const float* b, [[maybe_unused]] int64_t b_row_stride,
                  float* tile) {
  Vec acc[kTileRows][kTileVectors] = {};

  // Your code here: the loop over k that fills acc.
  BYO_NOT_IMPLEMENTED();

  for (int64_t i = 0; i < kTileRows; ++i) {
    for (int64_t v = 0; v < kTileVectors; ++v) {
      store_vec(tile + i * kTileCols + v * kSimdWidth, acc[i][v]);
    }
  }
}

}  // namespace byo::exercises
