/// @file
/// @brief Copying short runs of floats in whole SIMD vectors; private to chapter 7's kernels.
#pragma once

#include <algorithm>
#include <cstdint>

#include "byo/simd.h"

namespace byo::detail {

/// @brief dst[0 .. n) = src[0 .. n).
///
/// Runs as short as LeNet's rows (10, 14 or 28 floats) are two vector copies, the second
/// overlapping the first (it writes some values again): no scalar tail and no call. A
/// copy loop, even of whole vectors, is what GCC turns into a call to memmove, which for
/// 28 floats costs more than the copy.
inline void copy_run(float* __restrict dst, const float* __restrict src, int64_t n) {
  if (n >= kSimdWidth && n <= 2 * kSimdWidth) {
    const Vec head = load_vec(src), tail = load_vec(src + n - kSimdWidth);
    store_vec(dst, head);
    store_vec(dst + n - kSimdWidth, tail);
    return;
  }
#ifdef BYO_HAVE_VECTOR8
  if (n >= 8 && n < kSimdWidth && n <= 16) {
    const Float8 head = load8(src), tail = load8(src + n - 8);
    store8(dst, head);
    store8(dst + n - 8, tail);
    return;
  }
#endif
  std::copy_n(src, n, dst);
}

/// @brief `rows` runs of `n` floats, `src_stride` floats apart in src, to `dst_stride`
///        floats apart in dst: an image into a wider, zero-bordered plane.
inline void copy_rows(float* dst, int64_t dst_stride, const float* src, int64_t src_stride,
                      int64_t rows, int64_t n) {
  for (int64_t i = 0; i < rows; ++i) copy_run(dst + i * dst_stride, src + i * src_stride, n);
}

}  // namespace byo::detail
