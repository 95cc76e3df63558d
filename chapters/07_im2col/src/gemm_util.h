/// @file
/// @brief Small loops shared by the cache-level rungs (loop order, blocked); private.
#pragma once

#include <cstdint>

#include "byo/kernels.h"

namespace byo::detail {

/// @brief y += alpha·x over n floats with strides; the unit-stride case vectorises.
inline void axpy(int64_t n, float alpha, const float* x, int64_t incx, float* y, int64_t incy) {
  if (incx == 1 && incy == 1) {
    // __restrict: x (a row of B) and y (a row of C) never overlap, so the compiler may
    // keep the loop in SIMD registers without a run-time overlap check.
    const float* __restrict xs = x;
    float* __restrict ys = y;
    for (int64_t j = 0; j < n; ++j) ys[j] += alpha * xs[j];
  } else {
    for (int64_t j = 0; j < n; ++j) y[j * incy] += alpha * x[j * incx];
  }
}

/// @brief C = 0 unless `accumulate`: the rungs that add into C start from zero.
inline void zero_unless(bool accumulate, MatrixView c) {
  if (accumulate) return;
  for (int64_t i = 0; i < c.rows; ++i) {
    for (int64_t j = 0; j < c.cols; ++j) c(i, j) = 0.0f;
  }
}

}  // namespace byo::detail
