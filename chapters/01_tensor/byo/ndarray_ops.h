/// @file
/// @brief The three primitives `map`, `zip` and `reduce` (templates, so the functor inlines).
///
/// Each one has two paths:
/// - contiguous inputs: one plain loop over `float*`, which GCC vectorises at -O3;
/// - anything else: an odometer over the outer dimensions (`detail::for_each_row`) and an
///   inner loop along the last dimension with its stride, so the per-element cost is an
///   add, not a multi-index computation.
/// Included at the end of byo/ndarray.h; do not include it directly.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "byo/ndarray.h"

namespace byo {
namespace detail {

/// @brief Calls `row(pos, n, inner)` once per row of the last dimension of `shape`.
///
/// For each of the N arrays walked together, `pos[k]` is the storage position of the row's
/// first element (starting at `start[k]`), `inner[k]` the stride along the row, and `n` the
/// row's length. Rows come in row-major order. A 0-d shape is one row of one element;
/// an empty shape has no rows.
template <size_t N, typename Row>
void for_each_row(const Shape& shape, const std::array<const Strides*, N>& strides,
                  std::array<int64_t, N> start, Row&& row) {
  if (byo::numel(shape) == 0) return;
  const int64_t nd = static_cast<int64_t>(shape.size());
  std::array<int64_t, N> inner{};
  if (nd == 0) {
    row(start, int64_t{1}, inner);
    return;
  }
  for (size_t k = 0; k < N; ++k) inner[k] = (*strides[k])[nd - 1];
  const int64_t n = shape[nd - 1];
  std::vector<int64_t> index(nd - 1, 0);  // the odometer over the outer dimensions
  std::array<int64_t, N> pos = start;
  while (true) {
    row(pos, n, inner);
    int64_t d = nd - 2;
    for (; d >= 0; --d) {  // advance the rightmost wheel; on wrap, rewind it and carry left
      for (size_t k = 0; k < N; ++k) pos[k] += (*strides[k])[d];
      if (++index[d] < shape[d]) break;
      for (size_t k = 0; k < N; ++k) pos[k] -= (*strides[k])[d] * shape[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

/// @brief Independent accumulators in the folding loop: a float add has a latency of
///        several cycles, and 16 lanes fill one or two SIMD registers.
inline constexpr int64_t kFoldLanes = 16;

/// @brief acc ⊕ x[0] ⊕ x[stride] ⊕ ... ⊕ x[(n-1)·stride], for an associative, commutative f.
///
/// A single running accumulator serialises every add behind the previous one and cannot be
/// vectorised (float addition is not associative, so the compiler may not reorder it).
/// On unit stride we therefore keep kFoldLanes partial results, which the compiler maps to
/// SIMD lanes, and combine them at the end. The order of additions differs from a plain
/// loop, by rounding only.
template <typename F>
float fold(const float* x, int64_t n, int64_t stride, float acc, F f) {
  if (stride == 1 && n >= 2 * kFoldLanes) {
    float lane[kFoldLanes];
    for (int64_t l = 0; l < kFoldLanes; ++l) lane[l] = x[l];
    int64_t i = kFoldLanes;
    for (; i + kFoldLanes <= n; i += kFoldLanes) {
      for (int64_t l = 0; l < kFoldLanes; ++l) lane[l] = f(lane[l], x[i + l]);
    }
    for (int64_t l = 0; l < kFoldLanes; ++l) acc = f(acc, lane[l]);
    for (; i < n; ++i) acc = f(acc, x[i]);
    return acc;
  }
  for (int64_t i = 0; i < n; ++i) acc = f(acc, x[i * stride]);
  return acc;
}

/// @brief The shape a reduction over `dims` leaves, and a mask of the reduced dimensions.
///        Empty `dims` means every dimension. Checks range and duplicates.
struct ReducePlan {
  Shape out_shape;            ///< Result shape (reduced dims removed, or 1 when keepdim).
  std::vector<bool> reduced;  ///< reduced[d]: dimension d is folded away.
};

/// @brief Builds the ReducePlan of reducing `shape` over `dims` (see ReducePlan).
ReducePlan plan_reduce(const Shape& shape, const std::vector<int64_t>& dims, bool keepdim,
                       const char* op);

}  // namespace detail

template <typename F>
NDArray NDArray::map(F f) const {
  NDArray out = NDArray::empty(shape_);
  float* __restrict dst = out.data();
  if (is_contiguous()) {
    const float* __restrict src = data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
    return out;
  }
  // `out` is contiguous and rows arrive in row-major order, so it is simply written in turn.
  const float* base = storage_->data();
  detail::for_each_row<1>(
      shape_, {&strides_}, {offset_},
      [&](const std::array<int64_t, 1>& pos, int64_t n, const std::array<int64_t, 1>& inner) {
        const float* src = base + pos[0];
        for (int64_t j = 0; j < n; ++j) dst[j] = f(src[j * inner[0]]);
        dst += n;
      });
  return out;
}

template <typename F>
NDArray NDArray::zip(const NDArray& other, F f) const {
  BYO_CHECK(shape_ == other.shape_)
      << "zip: shapes " << shape_str(shape_) << " and " << shape_str(other.shape_)
      << " differ (zip does not broadcast)";
  NDArray out = NDArray::empty(shape_);
  float* __restrict dst = out.data();
  if (is_contiguous() && other.is_contiguous()) {
    const float* __restrict x = data();
    const float* __restrict y = other.data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(x[i], y[i]);
    return out;
  }
  const float* xbase = storage_->data();
  const float* ybase = other.storage_->data();
  detail::for_each_row<2>(
      shape_, {&strides_, &other.strides_}, {offset_, other.offset_},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* x = xbase + pos[0];
        const float* y = ybase + pos[1];
        for (int64_t j = 0; j < n; ++j) {
          dst[j] = f(x[j * inner[0]], y[j * inner[1]]);
        }
        dst += n;
      });
  return out;
}

template <typename F>
NDArray NDArray::reduce(const std::vector<int64_t>& dims, bool keepdim, float init, F f) const {
  const detail::ReducePlan plan = detail::plan_reduce(shape_, dims, keepdim, "reduce");
  NDArray out = NDArray::full(plan.out_shape, init);
  float* acc = out.data();
  const float* base = storage_->data();

  const bool all = std::all_of(plan.reduced.begin(), plan.reduced.end(), [](bool r) { return r; });
  if (all && is_contiguous()) {
    acc[0] = detail::fold(data(), numel(), 1, init, f);
    return out;
  }

  // The trick: give the result the strides it would have inside the input's shape, with
  // stride 0 along every reduced dimension. Then input element i and result element o(i)
  // walk in lockstep, and "reduce" is just out[o(i)] = f(out[o(i)], in[i]) over all i.
  Strides out_strides(shape_.size(), 0);
  {
    int64_t step = 1;
    for (size_t d = shape_.size(); d-- > 0;) {
      if (plan.reduced[d]) continue;
      out_strides[d] = step;
      step *= shape_[d];
    }
  }
  detail::for_each_row<2>(
      shape_, {&strides_, &out_strides}, {offset_, 0},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* x = base + pos[0];
        float* o = acc + pos[1];
        if (inner[1] == 0) {  // the row folds into one result element
          *o = detail::fold(x, n, inner[0], *o, f);
        } else {  // the row maps onto a row of results
          for (int64_t j = 0; j < n; ++j) {
            o[j * inner[1]] = f(o[j * inner[1]], x[j * inner[0]]);
          }
        }
      });
  return out;
}

}  // namespace byo
