/// @file
/// @brief A kSimdWidth × kSimdWidth block of floats transposed in registers; private to
///        chapter 7's kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "byo/simd.h"

namespace byo::detail {

#ifdef BYO_HAVE_SHUFFLEVECTOR
template <int64_t H, size_t... L>
[[gnu::always_inline]] inline Vec first_of_pair(Vec a, Vec b, std::index_sequence<L...>) {
  return __builtin_shufflevector(a, b, ((L & H) ? kSimdWidth + L - H : L)...);
}
template <int64_t H, size_t... L>
[[gnu::always_inline]] inline Vec second_of_pair(Vec a, Vec b, std::index_sequence<L...>) {
  return __builtin_shufflevector(a, b, ((L & H) ? kSimdWidth + L : L + H)...);
}

/// @brief The block whose rows are `rows`, transposed in place. Step H: for every pair of
///        rows i and i + H (bit H of i clear), the H × H blocks off their diagonal change
///        places; after the steps kSimdWidth/2, ..., 2, 1 every row holds what was a
///        column. One two-vector shuffle per row per step.
template <int64_t H = kSimdWidth / 2>
[[gnu::always_inline]] inline void transpose(Vec (&rows)[kSimdWidth]) {
  constexpr auto lanes = std::make_index_sequence<kSimdWidth>{};
  for (int64_t i = 0; i < kSimdWidth; ++i) {
    if ((i & H) != 0) continue;
    const Vec a = rows[i], b = rows[i + H];
    rows[i] = first_of_pair<H>(a, b, lanes);
    rows[i + H] = second_of_pair<H>(a, b, lanes);
  }
  if constexpr (H > 1) transpose<H / 2>(rows);
}
#endif

}  // namespace byo::detail
