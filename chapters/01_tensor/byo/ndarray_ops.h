/// @file
/// @brief The three primitives `map`, `zip` and `reduce` (templates, so the functor inlines).
///
/// Each one has two paths:
/// - contiguous inputs: one plain loop over `float*`, which GCC vectorises at -O3;
/// - anything else: an odometer over the outer dimensions (`detail::for_each_row`) and an
///   inner loop along the last dimension with its stride, so the per-element cost is an
///   add, not a multi-index computation. When an operand steps through memory with a
///   large stride in that inner loop (a transpose), `detail::for_each_tile` walks the last
///   two dimensions in small tiles, so the cache lines and pages a tile touches are reused
///   before they are evicted; `reduce` instead reorders its loops to follow the input.
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

/// @brief Rows per tile of for_each_tile: one 64-byte cache line of a transposed operand.
inline constexpr int64_t kTileRows = 16;
/// @brief Columns per tile of for_each_tile: the lines a tile touches stay in L1 even when
///        a power-of-two stride maps them all to one cache set (8 ways).
inline constexpr int64_t kTileCols = 32;
/// @brief Inner strides up to this many floats (one cache line) are walked row by row.
inline constexpr int64_t kTileMinStride = 16;

/// @brief As for_each_row, but may split rows into segments and visit them in tiles.
///
/// If every operand has a small stride (at most kTileMinStride) along the last dimension,
/// this is for_each_row. Otherwise the last two dimensions are cut into kTileRows × kTileCols
/// tiles, and `row` is called once per row segment of each tile: a transposed operand
/// then reads each cache line 16 times in a row instead of once per pass over a 16 KB
/// stride. Segments do not come in row-major order, so each operand (the output too)
/// needs its own strides; use it only where the visiting order does not matter.
template <size_t N, typename Row>
void for_each_tile(const Shape& shape, const std::array<const Strides*, N>& strides,
                   std::array<int64_t, N> start, Row&& row) {
  const size_t nd = shape.size();
  bool small_inner = true;
  for (size_t k = 0; k < N && nd > 0; ++k) {
    small_inner = small_inner && (*strides[k])[nd - 1] <= kTileMinStride;
  }
  if (nd < 2 || small_inner) {
    for_each_row<N>(shape, strides, start, row);
    return;
  }
  // Walk every dimension but the last with for_each_row: each of its "rows" is one
  // (rows × cols) matrix of the last two dimensions, which is then cut into tiles.
  const Shape outer_shape(shape.begin(), shape.end() - 1);
  std::array<Strides, N> outer_strides;
  std::array<const Strides*, N> outer_ptrs;
  std::array<int64_t, N> col_step;
  for (size_t k = 0; k < N; ++k) {
    outer_strides[k].assign(strides[k]->begin(), strides[k]->end() - 1);
    outer_ptrs[k] = &outer_strides[k];
    col_step[k] = strides[k]->back();
  }
  const int64_t cols = shape.back();
  auto matrix = [&](const std::array<int64_t, N>& pos, int64_t rows,
                    const std::array<int64_t, N>& row_step) {
    for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
      const int64_t r1 = std::min(r0 + kTileRows, rows);
      for (int64_t c0 = 0; c0 < cols; c0 += kTileCols) {
        const int64_t n = std::min(kTileCols, cols - c0);
        for (int64_t r = r0; r < r1; ++r) {
          std::array<int64_t, N> p;
          for (size_t k = 0; k < N; ++k) p[k] = pos[k] + r * row_step[k] + c0 * col_step[k];
          row(p, n, col_step);
        }
      }
    }
  };
  for_each_row<N>(outer_shape, outer_ptrs, start, matrix);
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

/// @brief Reorders the dimensions of `shape` and both stride lists so that `in_strides`
///        decrease: the innermost loop then follows the input's memory.
void order_by_input_stride(Shape& shape, Strides& in_strides, Strides& out_strides);

}  // namespace detail

template <typename F>
NDArray NDArray::map(F f) const {
  BYO_CHECK(defined()) << "map: undefined array";
  NDArray out = NDArray::empty(shape_);
  if (is_contiguous()) {
    float* __restrict dst = out.data();
    const float* __restrict src = data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(src[i]);
    return out;
  }
  const float* src_base = storage_->data();
  float* dst_base = out.data();
  const Strides out_strides = contiguous_strides(shape_);
  detail::for_each_tile<2>(
      shape_, {&strides_, &out_strides}, {offset_, 0},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* src = src_base + pos[0];
        float* dst = dst_base + pos[1];
        if (inner[0] == 1 && inner[1] == 1) {  // rows of a slice: vectorisable
          for (int64_t j = 0; j < n; ++j) dst[j] = f(src[j]);
        } else {
          for (int64_t j = 0; j < n; ++j) dst[j * inner[1]] = f(src[j * inner[0]]);
        }
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
  if (is_contiguous() && other.is_contiguous()) {
    float* __restrict dst = out.data();
    const float* __restrict x = data();
    const float* __restrict y = other.data();
    const int64_t n = numel();
    for (int64_t i = 0; i < n; ++i) dst[i] = f(x[i], y[i]);
    return out;
  }
  const float* x_base = storage_->data();
  const float* y_base = other.storage_->data();
  float* dst_base = out.data();
  const Strides out_strides = contiguous_strides(shape_);
  detail::for_each_tile<3>(
      shape_, {&strides_, &other.strides_, &out_strides}, {offset_, other.offset_, 0},
      [&](const std::array<int64_t, 3>& pos, int64_t n, const std::array<int64_t, 3>& inner) {
        const float* x = x_base + pos[0];
        const float* y = y_base + pos[1];
        float* dst = dst_base + pos[2];
        if (inner[0] == 1 && inner[1] == 1 && inner[2] == 1) {
          for (int64_t j = 0; j < n; ++j) dst[j] = f(x[j], y[j]);
        } else {
          for (int64_t j = 0; j < n; ++j) dst[j * inner[2]] = f(x[j * inner[0]], y[j * inner[1]]);
        }
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
  BYO_CHECK(defined()) << op << ": undefined array";
  const detail::ReducePlan plan = detail::plan_reduce(shape_, dims, keepdim, op);
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
  int64_t step = 1;
  for (size_t d = shape_.size(); d-- > 0;) {
    if (plan.reduced[d]) continue;
    out_strides[d] = step;
    step *= shape_[d];
  }
  // Any visiting order gives the same result (f is associative and commutative), so walk
  // the input in memory order: a transposed input is then read as if it were contiguous.
  Shape walk_shape = shape_;
  Strides in_strides = strides_;
  detail::order_by_input_stride(walk_shape, in_strides, out_strides);
  detail::for_each_row<2>(
      walk_shape, {&in_strides, &out_strides}, {offset_, 0},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        const float* x = base + pos[0];
        float* o = acc + pos[1];
        if (inner[1] == 0) {  // the row folds into one result element
          *o = detail::fold(x, n, inner[0], *o, f);
        } else if (inner[0] == 1 && inner[1] == 1) {  // a row onto a row of results
          for (int64_t j = 0; j < n; ++j) o[j] = f(o[j], x[j]);
        } else {
          for (int64_t j = 0; j < n; ++j) o[j * inner[1]] = f(o[j * inner[1]], x[j * inner[0]]);
        }
      });
  return out;
}

}  // namespace byo
