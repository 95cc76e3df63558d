/// @file
/// @brief The one elementwise loop behind every broadcasting operation of this chapter.
///
/// `elementwise(op, f, a, b, ...)` computes `out[i] = f(a[i], b[i], ...)` over the
/// broadcast shape of its inputs, whatever their strides. It is PyTorch's TensorIterator
/// in miniature, and it never computes an element's address from scratch:
///
/// 1. Every input contiguous with the output's shape: one flat loop.
/// 2. Otherwise a loop *plan*: each input's strides are broadcast to the output shape
///    (stride 0 on stretched dimensions), size-1 dimensions are dropped, and adjacent
///    dimensions that every input walks in step are merged ("coalesced"). A contiguous
///    [64,16,28,28] plus a [1,16,1,1] becomes a loop over [64, 16, 784].
/// 3. An odometer walks the outer dimensions, moving one pointer per input; an inner loop
///    runs along the last dimension, each input with its own stride. A one-element operand
///    (the scalar case) is simply stride 0 everywhere: after coalescing, the whole loop is
///    one row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/ndarray.h"

namespace byo {
namespace detail {

/// @brief The loop over N inputs after broadcasting and coalescing.
template <size_t N>
struct LoopPlan {
  Shape sizes;                         ///< Loop dimensions, outermost first; never empty.
  std::array<Strides, N> strides;      ///< Each input's strides over `sizes` (0 = broadcast).
  std::array<const float*, N> data{};  ///< Each input's first element.
};

/// @brief Drops the size-1 dimensions of a loop over `shape` and merges the adjacent
///        dimensions that every operand walks in step. `strides[k]` are operand k's strides
///        over `shape` (0 where it is broadcast). The plan's `data` is left for the caller.
template <size_t N>
LoopPlan<N> coalesce(const Shape& shape, const std::array<Strides, N>& strides) {
  LoopPlan<N> plan;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;  // a size-1 dimension never moves any pointer
    // Dimension d merges into the last kept one if, for every operand, one step along the
    // kept dimension equals a full sweep of d.
    bool merge = !plan.sizes.empty();
    for (size_t k = 0; k < N && merge; ++k) {
      merge = plan.strides[k].back() == strides[k][d] * shape[d];
    }
    if (merge) {
      plan.sizes.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) plan.strides[k].back() = strides[k][d];
    } else {
      plan.sizes.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) plan.strides[k].push_back(strides[k][d]);
    }
  }
  if (plan.sizes.empty()) {  // every dimension had size 1: a single element
    plan.sizes.push_back(1);
    for (size_t k = 0; k < N; ++k) plan.strides[k].push_back(0);
  }
  return plan;
}

/// @brief The plan for writing a contiguous output of `shape` from `inputs`: each input's
///        strides broadcast to `shape`, then coalesced. The output needs no strides of its
///        own: being contiguous, it merges wherever the inputs do.
template <size_t N>
LoopPlan<N> make_plan(const Shape& shape, const std::array<const NDArray*, N>& inputs) {
  std::array<Strides, N> full;
  for (size_t k = 0; k < N; ++k) {
    full[k] = broadcast_strides(inputs[k]->shape(), inputs[k]->strides(), shape);
  }
  LoopPlan<N> plan = coalesce<N>(shape, full);
  for (size_t k = 0; k < N; ++k) plan.data[k] = inputs[k]->data();
  return plan;
}

/// @brief One inner row: out[j] = f(in0[j·s0], in1[j·s1], ...) for j < n.
template <size_t N, typename F, size_t... I>
inline void run_row(float* out, const std::array<const float*, N>& p,
                    const std::array<int64_t, N>& s, int64_t n, F& f, std::index_sequence<I...>) {
  for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(f(p[I][j * s[I]]...));
}

/// @brief Runs a plan: an odometer over the outer dimensions moves one pointer per input;
///        the output is written row after row.
template <size_t N, typename F>
void run_plan(const LoopPlan<N>& plan, float* out, F& f) {
  const size_t outer_dims = plan.sizes.size() - 1;
  const int64_t inner = plan.sizes.back();
  std::array<int64_t, N> inner_stride;
  for (size_t k = 0; k < N; ++k) inner_stride[k] = plan.strides[k].back();
  std::array<const float*, N> ptr = plan.data;
  Shape index(outer_dims, 0);
  int64_t rows = 1;
  for (size_t d = 0; d < outer_dims; ++d) rows *= plan.sizes[d];
  for (int64_t row = 0; row < rows; ++row, out += inner) {
    run_row(out, ptr, inner_stride, inner, f, std::make_index_sequence<N>{});
    for (size_t d = outer_dims; d-- > 0;) {  // odometer: bump the last outer digit
      if (++index[d] < plan.sizes[d]) {
        for (size_t k = 0; k < N; ++k) ptr[k] += plan.strides[k][d];
        break;
      }
      index[d] = 0;
      for (size_t k = 0; k < N; ++k) ptr[k] -= (plan.sizes[d] - 1) * plan.strides[k][d];
    }
  }
}

}  // namespace detail

/// @brief Writes f(in0, in1, ...) elementwise into `out`, a contiguous array whose shape
///        every input broadcasts to. `op` names the operation in error messages.
///
/// `out` may be one of the inputs (an in-place update): each element is read before it is
/// written. It must not otherwise share storage with an input.
template <typename F, typename... Arrays>
void elementwise_into(std::string_view op, const NDArray& out, F f, const Arrays&... inputs) {
  static_assert(sizeof...(Arrays) > 0 && (std::is_same_v<Arrays, NDArray> && ...),
                "elementwise_into takes NDArray inputs");
  constexpr size_t N = sizeof...(Arrays);
  BYO_CHECK(out.defined()) << op << ": the output array is undefined";
  BYO_CHECK(out.is_contiguous()) << op << ": the output must be contiguous, it has shape "
                                 << shape_str(out.shape()) << " and strides "
                                 << shape_str(out.strides());
  auto check_input = [&](const NDArray& x) {
    BYO_CHECK(x.defined()) << op << ": an input array is undefined";
    BYO_CHECK(is_broadcastable_to(x.shape(), out.shape()))
        << op << ": input of shape " << shape_str(x.shape())
        << " does not broadcast to the output shape " << shape_str(out.shape());
  };
  (check_input(inputs), ...);
  const int64_t n = out.numel();
  if (n == 0) return;
  float* o = out.data();
  // 1. All inputs laid out exactly like the output: one flat loop.
  if (((inputs.shape() == out.shape() && inputs.is_contiguous()) && ...)) {
    auto flat = [&](const auto*... in) {
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(f(in[i]...));
    };
    flat(static_cast<const float*>(inputs.data())...);
    return;
  }
  // 2 and 3. Broadcast, coalesce, then odometer plus inner loop.
  const detail::LoopPlan<N> plan = detail::make_plan<N>(out.shape(), {&inputs...});
  detail::run_plan(plan, o, f);
}

/// @brief f(in0, in1, ...) elementwise over the broadcast shape of the inputs, into a new
///        contiguous array. `op` names the operation in error messages.
template <typename F, typename... Arrays>
NDArray elementwise(std::string_view op, F f, const Arrays&... inputs) {
  static_assert(sizeof...(Arrays) > 0 && (std::is_same_v<Arrays, NDArray> && ...),
                "elementwise takes NDArray inputs");
  Shape shape;
  bool first = true;
  auto combine = [&](const NDArray& x) {
    BYO_CHECK(x.defined()) << op << ": an input array is undefined";
    shape = first ? x.shape() : broadcast_shapes(shape, x.shape(), op);
    first = false;
  };
  (combine(inputs), ...);
  NDArray out = NDArray::empty(shape);
  elementwise_into(op, out, f, inputs...);
  return out;
}

/// @brief f(a, b) for every element of the broadcast shape of `a` and `b`, into a new
///        contiguous array: the binary primitive of this chapter (chapter 1's `zip`, made
///        to broadcast).
template <typename F>
NDArray broadcast_zip(const NDArray& a, const NDArray& b, F f) {
  return elementwise("broadcast_zip", f, a, b);
}

}  // namespace byo
