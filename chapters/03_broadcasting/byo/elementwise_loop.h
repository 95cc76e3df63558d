/// @file
/// @brief The one elementwise loop behind every broadcasting operation of this chapter.
///
/// `elementwise(op, f, a, b, ...)` computes `out[i] = f(a[i], b[i], ...)` over the
/// broadcast shape of its inputs, whatever their strides. It is PyTorch's TensorIterator
/// in miniature, and it is fast because it never computes an element's address from
/// scratch:
///
/// 1. Fast path: every input contiguous with the output's shape. One flat loop that the
///    compiler vectorises.
/// 2. Otherwise a loop *plan*: each input's strides are broadcast to the output shape
///    (stride 0 on stretched dimensions), size-1 dimensions are dropped, and adjacent
///    dimensions that every input walks in step are merged ("coalesced"). A contiguous
///    [64,16,28,28] plus a [1,16,1,1] becomes a loop over [64, 16, 784].
/// 3. An odometer walks the outer dimensions, moving one pointer per input; a tight inner
///    loop runs along the last dimension. The inner loop is compiled once per combination
///    of stride kinds (0, 1, or any) so that a stride-0 operand is read once per row and a
///    unit-stride one vectorises. A one-element operand (the scalar case) is simply stride
///    0 everywhere: after coalescing the whole loop is one row with its value hoisted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/ndarray.h"

namespace byo {
namespace detail {

/// @brief How an operand moves along the innermost dimension of a loop plan.
enum class StrideKind { kZero, kUnit, kAny };

/// @brief The kind of an inner stride.
inline StrideKind stride_kind(int64_t stride) {
  if (stride == 0) return StrideKind::kZero;
  return stride == 1 ? StrideKind::kUnit : StrideKind::kAny;
}

/// @brief Reads element j of one inner row; specialised per stride kind.
template <StrideKind K>
struct RowReader;

/// @brief Stride 0: the row is one value, read once before the loop.
template <>
struct RowReader<StrideKind::kZero> {
  /// @brief Reads the row's only value.
  RowReader(const float* p, int64_t /*stride*/) : value(*p) {}
  /// @brief The same value for every j.
  float operator[](int64_t /*j*/) const { return value; }
  float value;  ///< The broadcast value.
};

/// @brief Stride 1: plain indexing, so the loop vectorises.
template <>
struct RowReader<StrideKind::kUnit> {
  /// @brief Starts at `p`.
  RowReader(const float* p, int64_t /*stride*/) : data(p) {}
  /// @brief Element j.
  float operator[](int64_t j) const { return data[j]; }
  const float* data;  ///< First element of the row.
};

/// @brief Any other stride (a transposed or sliced input).
template <>
struct RowReader<StrideKind::kAny> {
  /// @brief Starts at `p`, steps by `s`.
  RowReader(const float* p, int64_t s) : data(p), stride(s) {}
  /// @brief Element j.
  float operator[](int64_t j) const { return data[j * stride]; }
  const float* data;  ///< First element of the row.
  int64_t stride;     ///< Floats between consecutive elements.
};

/// @brief A compile-time list of stride kinds, one per input.
template <StrideKind... Ks>
struct Kinds {};

/// @brief The loop over N inputs after broadcasting and coalescing.
template <size_t N>
struct LoopPlan {
  Shape sizes;                       ///< Loop dimensions, outermost first; never empty.
  std::array<Strides, N> strides;    ///< Each input's strides over `sizes` (0 = broadcast).
  std::array<const float*, N> data;  ///< Each input's first element.
};

/// @brief Broadcasts each input's strides to `shape`, drops size-1 dimensions and merges
///        the adjacent dimensions that every input (and the contiguous output) walks in step.
template <size_t N>
LoopPlan<N> make_plan(const Shape& shape, const std::array<const NDArray*, N>& inputs) {
  std::array<Strides, N> full;
  LoopPlan<N> plan;
  for (size_t k = 0; k < N; ++k) {
    full[k] = broadcast_strides(inputs[k]->shape(), inputs[k]->strides(), shape);
    plan.data[k] = inputs[k]->data();
  }
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;  // a size-1 dimension never moves any pointer
    // Dimension d merges into the last kept one if, for every input, one step along the
    // kept dimension equals a full sweep of d. The output is contiguous, so it always can.
    bool merge = !plan.sizes.empty();
    for (size_t k = 0; k < N && merge; ++k) {
      merge = plan.strides[k].back() == full[k][d] * shape[d];
    }
    if (merge) {
      plan.sizes.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) plan.strides[k].back() = full[k][d];
    } else {
      plan.sizes.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) plan.strides[k].push_back(full[k][d]);
    }
  }
  if (plan.sizes.empty()) {  // every dimension had size 1: a single element
    plan.sizes.push_back(1);
    for (size_t k = 0; k < N; ++k) plan.strides[k].push_back(0);
  }
  return plan;
}

/// @brief One inner row: out[j] = f(in0[j], in1[j], ...) for j < n.
template <StrideKind... Ks, size_t N, typename F, size_t... I>
inline void run_row(float* out, const std::array<const float*, N>& p,
                    const std::array<int64_t, N>& s, int64_t n, F& f, Kinds<Ks...>,
                    std::index_sequence<I...>) {
  const std::tuple<RowReader<Ks>...> in{RowReader<Ks>(p[I], s[I])...};
  for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(f(std::get<I>(in)[j]...));
}

/// @brief Runs a plan whose inner stride kinds are `Ks`: an odometer over the outer
///        dimensions moves one pointer per input; the output is written row after row.
template <size_t N, typename F, StrideKind... Ks>
void run_plan(const LoopPlan<N>& plan, float* out, F& f, Kinds<Ks...> kinds) {
  const size_t outer_dims = plan.sizes.size() - 1;
  const int64_t inner = plan.sizes.back();
  std::array<int64_t, N> inner_stride;
  for (size_t k = 0; k < N; ++k) inner_stride[k] = plan.strides[k].back();
  std::array<const float*, N> ptr = plan.data;
  Shape index(outer_dims, 0);
  int64_t rows = 1;
  for (size_t d = 0; d < outer_dims; ++d) rows *= plan.sizes[d];
  for (int64_t row = 0; row < rows; ++row, out += inner) {
    run_row(out, ptr, inner_stride, inner, f, kinds, std::make_index_sequence<N>{});
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

/// @brief Turns the runtime inner strides into compile-time kinds, one input at a time.
template <size_t N, typename F, StrideKind... Known>
void dispatch_plan(const LoopPlan<N>& plan, float* out, F& f, Kinds<Known...> known) {
  constexpr size_t k = sizeof...(Known);
  if constexpr (k == N) {
    run_plan(plan, out, f, known);
  } else {
    switch (stride_kind(plan.strides[k].back())) {
      case StrideKind::kZero:
        return dispatch_plan(plan, out, f, Kinds<Known..., StrideKind::kZero>{});
      case StrideKind::kUnit:
        return dispatch_plan(plan, out, f, Kinds<Known..., StrideKind::kUnit>{});
      case StrideKind::kAny:
        return dispatch_plan(plan, out, f, Kinds<Known..., StrideKind::kAny>{});
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
  // 1. Fast path: all inputs laid out exactly like the output.
  if (((inputs.shape() == out.shape() && inputs.is_contiguous()) && ...)) {
    auto flat = [&](const auto*... in) {
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(f(in[i]...));
    };
    flat(static_cast<const float*>(inputs.data())...);
    return;
  }
  // 2 and 3. Broadcast, coalesce, then odometer plus specialised inner loop.
  const detail::LoopPlan<N> plan = detail::make_plan<N>(out.shape(), {&inputs...});
  detail::dispatch_plan(plan, o, f, detail::Kinds<>{});
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
///        to broadcast and to run fast on any strides).
template <typename F>
NDArray broadcast_zip(const NDArray& a, const NDArray& b, F f) {
  return elementwise("broadcast_zip", f, a, b);
}

}  // namespace byo
