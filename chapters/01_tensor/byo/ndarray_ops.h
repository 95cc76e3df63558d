/// @file
/// @brief The three primitives `map`, `zip` and `reduce` (templates, so the functor inlines).
///
/// Each one has two paths:
/// - contiguous inputs: one plain loop over `float*`, which the compiler vectorises;
/// - anything else: an odometer over the outer dimensions (`detail::for_each_row`) and an
///   inner loop along the last dimension with its stride, so the per-element cost is an
///   add, not a multi-index computation.
/// Both visit the elements in row-major order, so a strided array gives the same bits as
/// its contiguous copy. Making strided loops fast (tiles that keep a transpose in cache)
/// is chapter 7's business, not this one's.
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

/// @brief The shape a reduction over `dims` leaves, and a mask of the reduced dimensions.
///        Empty `dims` means every dimension. Checks range and duplicates.
struct ReducePlan {
  Shape out_shape;            ///< Result shape (reduced dims removed, or 1 when keepdim).
  std::vector<bool> reduced;  ///< reduced[d]: dimension d is folded away.
};

/// @brief Builds the ReducePlan of reducing `shape` over `dims` (see ReducePlan).
ReducePlan plan_reduce(const Shape& shape, const std::vector<int64_t>& dims, bool keepdim,
                       const char* op);

/// @brief Reduces `in` over `dims` with f (associative and commutative), starting every
///        result element at `init`. `fold(x, n, stride, acc)` folds one row into one result
///        element; sum passes the installed kernel (kernels().sum), others a plain loop.
///
/// The trick: give the result the strides it would have inside the input's shape, with
/// stride 0 along every reduced dimension. Then input element i and result element o(i)
/// walk in lockstep, and "reduce" is just out[o(i)] = f(out[o(i)], in[i]) over all i,
/// in row-major order. A reduction over everything folds the contiguous copy as one row,
/// so a strided input gives the bits of its contiguous copy there too.
template <typename F, typename Fold>
NDArray reduce_with(const NDArray& in, const char* op, const std::vector<int64_t>& dims,
                    bool keepdim, float init, F f, Fold fold) {
  BYO_CHECK(in.defined()) << op << ": undefined array";
  const ReducePlan plan = plan_reduce(in.shape(), dims, keepdim, op);
  NDArray out = NDArray::full(plan.out_shape, init);
  float* acc = out.data();
  if (std::all_of(plan.reduced.begin(), plan.reduced.end(), [](bool r) { return r; })) {
    const NDArray flat = in.contiguous();
    acc[0] = fold(flat.data(), flat.numel(), 1, init);
    return out;
  }
  const Shape& shape = in.shape();
  Strides out_strides(shape.size(), 0);
  int64_t step = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (plan.reduced[d]) continue;
    out_strides[d] = step;
    step *= shape[d];
  }
  const float* base = in.storage()->data();
  for_each_row<2>(
      shape, {&in.strides(), &out_strides}, {in.offset(), 0},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* x = base + pos[0];
        float* o = acc + pos[1];
        if (inner[1] == 0) {  // the row folds into one result element
          *o = fold(x, n, inner[0], *o);
        } else {
          for (int64_t j = 0; j < n; ++j) o[j * inner[1]] = f(o[j * inner[1]], x[j * inner[0]]);
        }
      });
  return out;
}

}  // namespace detail

template <typename F>
NDArray NDArray::map(F f) const {
  BYO_CHECK(defined()) << "map: undefined array";
  NDArray out = NDArray::empty(shape_);
  float* dst = out.data();
  if (is_contiguous()) {
    const float* src = data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
    return out;
  }
  // Rows come in row-major order, so the contiguous result is written straight through.
  const float* base = storage_->data();
  detail::for_each_row<1>(
      shape_, {&strides_}, {offset_},
      [&](const std::array<int64_t, 1>& pos, int64_t n, const std::array<int64_t, 1>& inner) {
        const float* src = base + pos[0];
        for (int64_t j = 0; j < n; ++j) *dst++ = f(src[j * inner[0]]);
      });
  return out;
}

template <typename F>
NDArray NDArray::zip(const NDArray& other, F f) const {
  BYO_CHECK(defined() && other.defined()) << "zip: undefined array";
  BYO_CHECK(shape_ == other.shape_)
      << "zip: shapes " << shape_str(shape_) << " and " << shape_str(other.shape_)
      << " differ (zip does not broadcast)";
  NDArray out = NDArray::empty(shape_);
  float* dst = out.data();
  if (is_contiguous() && other.is_contiguous()) {
    const float* x = data();
    const float* y = other.data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(x[i], y[i]);
    return out;
  }
  const float* x_base = storage_->data();
  const float* y_base = other.storage_->data();
  detail::for_each_row<2>(
      shape_, {&strides_, &other.strides_}, {offset_, other.offset_},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* x = x_base + pos[0];
        const float* y = y_base + pos[1];
        for (int64_t j = 0; j < n; ++j) *dst++ = f(x[j * inner[0]], y[j * inner[1]]);
      });
  return out;
}

template <typename F>
NDArray NDArray::reduce(const std::vector<int64_t>& dims, bool keepdim, float init, F f) const {
  return reduce_as("reduce", dims, keepdim, init, f);
}

template <typename F>
NDArray NDArray::reduce_as(const char* op, const std::vector<int64_t>& dims, bool keepdim,
                           float init, F f) const {
  auto fold = [f](const float* x, int64_t n, int64_t stride, float acc) {
    for (int64_t i = 0; i < n; ++i) acc = f(acc, x[i * stride]);
    return acc;
  };
  return detail::reduce_with(*this, op, dims, keepdim, init, f, fold);
}

}  // namespace byo
