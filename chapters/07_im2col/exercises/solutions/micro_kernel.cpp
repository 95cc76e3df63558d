/// @file
/// @brief Exercise 2, reference solution: the register-tile loop over k.
#include "byo/micro_kernel.h"
#include "ch07_exercises.h"

namespace byo::exercises {

void micro_kernel(int64_t kc, const float* a, const float* b, int64_t b_row_stride, float* tile) {
  Vec acc[kTileRows][kTileVectors] = {};

  for (int64_t k = 0; k < kc; ++k) {
    Vec b_row[kTileVectors];
    for (int64_t v = 0; v < kTileVectors; ++v)
      b_row[v] = load_vec(b + k * b_row_stride + v * kSimdWidth);
    for (int64_t i = 0; i < kTileRows; ++i) {
      const float a_ik = a[k * kTileRows + i];
      for (int64_t v = 0; v < kTileVectors; ++v) acc[i][v] += a_ik * b_row[v];
    }
  }

  for (int64_t i = 0; i < kTileRows; ++i) {
    for (int64_t v = 0; v < kTileVectors; ++v) {
      store_vec(tile + i * kTileCols + v * kSimdWidth, acc[i][v]);
    }
  }
}

}  // namespace byo::exercises
