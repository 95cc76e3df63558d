/// @file
/// @brief Broadcasting rules, stride-0 views and `sum_to`.
#include "byo/broadcast.h"

#include "byo/elementwise_loop.h"
#include "byo/kernels.h"

#include <algorithm>
#include <string>
#include <vector>

namespace byo {
namespace {

// Size of dimension i counted from the right (i = 0 is the last); missing dimensions are 1.
int64_t size_from_right(const Shape& shape, size_t i) {
  return i < shape.size() ? shape[shape.size() - 1 - i] : 1;
}

void check_sizes(const Shape& shape, std::string_view op) {
  for (int64_t s : shape) {
    BYO_CHECK(s >= 0) << op << ": negative size in shape " << shape_str(shape);
  }
}

// The view of `a` as `shape`, which `a.shape()` must broadcast to. `op` names the caller.
NDArray broadcast_view(const NDArray& a, const Shape& shape, std::string_view op) {
  BYO_CHECK(a.defined()) << op << ": the array is undefined";
  check_sizes(shape, op);
  const Shape& from = a.shape();
  BYO_CHECK(from.size() <= shape.size())
      << op << ": cannot broadcast shape " << shape_str(from) << " to " << shape_str(shape)
      << ": the target has fewer dimensions";
  for (size_t i = 0; i < from.size(); ++i) {
    const int64_t f = size_from_right(from, i);
    const int64_t t = size_from_right(shape, i);
    BYO_CHECK(f == t || f == 1) << op << ": cannot broadcast shape " << shape_str(from) << " to "
                                << shape_str(shape) << ": dimension " << from.size() - 1 - i
                                << " has size " << f << ", which is neither " << t << " nor 1";
  }
  return NDArray(a.storage(), shape, broadcast_strides(from, a.strides(), shape), a.offset());
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b, std::string_view op) {
  check_sizes(a, op);
  check_sizes(b, op);
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {  // from the right, as NumPy lines shapes up
    const int64_t sa = size_from_right(a, i);
    const int64_t sb = size_from_right(b, i);
    BYO_CHECK(sa == sb || sa == 1 || sb == 1)
        << op << ": shapes " << shape_str(a) << " and " << shape_str(b)
        << " do not broadcast: at dimension " << n - 1 - i << " of the result (dimension -" << i + 1
        << " from the right) the sizes are " << sa << " and " << sb
        << "; they must be equal, or one of them 1";
    out[n - 1 - i] = sa == 1 ? sb : sa;
  }
  return out;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  return broadcast_shapes(a, b, "broadcast_shapes");
}

bool is_broadcastable_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (size_t i = 0; i < from.size(); ++i) {
    const int64_t f = size_from_right(from, i);
    if (f != 1 && f != size_from_right(to, i)) return false;
  }
  return true;
}

Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& target) {
  BYO_CHECK(shape.size() == strides.size())
      << "broadcast_strides: shape " << shape_str(shape) << " and strides " << shape_str(strides)
      << " differ in length";
  BYO_CHECK(is_broadcastable_to(shape, target)) << "broadcast_strides: shape " << shape_str(shape)
                                                << " does not broadcast to " << shape_str(target);
  // New leading dimensions and stretched size-1 dimensions read the same element for
  // every index: stride 0.
  Strides out(target.size(), 0);
  const size_t lead = target.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == target[lead + d]) out[lead + d] = strides[d];
  }
  return out;
}

NDArray broadcast_to(const NDArray& a, const Shape& shape) {
  return broadcast_view(a, shape, "broadcast_to");
}

NDArray expand(const NDArray& a, const Shape& shape) {
  BYO_CHECK(a.defined()) << "expand: the array is undefined";
  BYO_CHECK(static_cast<int64_t>(shape.size()) >= a.dim())
      << "expand: the target " << shape_str(shape) << " has fewer dimensions than the array "
      << shape_str(a.shape());
  const size_t lead = shape.size() - static_cast<size_t>(a.dim());
  Shape resolved = shape;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] != -1) continue;
    BYO_CHECK(d >= lead) << "expand: -1 in " << shape_str(shape) << " at the new leading dimension "
                         << d << "; -1 only keeps the size of an existing dimension of "
                         << shape_str(a.shape());
    resolved[d] = a.shape()[d - lead];
  }
  return broadcast_view(a, resolved, "expand");
}

NDArray sum_to(const NDArray& a, const Shape& shape) {
  BYO_CHECK(a.defined()) << "sum_to: the array is undefined";
  BYO_CHECK(is_broadcastable_to(shape, a.shape()))
      << "sum_to: shape " << shape_str(shape) << " does not broadcast to the array's shape "
      << shape_str(a.shape()) << ", so it cannot be what the array was broadcast from";
  // Broadcasting copied each element along the new leading dimensions and the stretched
  // size-1 ones; the adjoint adds those copies back together.
  const size_t lead = a.shape().size() - shape.size();
  std::vector<int64_t> dims;
  for (size_t d = 0; d < a.shape().size(); ++d) {
    if (d < lead || (shape[d - lead] == 1 && a.shape()[d] != 1)) {
      dims.push_back(static_cast<int64_t>(d));
    }
  }
  if (dims.empty()) return a;  // nothing was broadcast: already the right shape
  NDArray out = NDArray::zeros(shape);
  if (a.numel() == 0) return out;
  // Coalescing merges different dimensions for different layouts, and with them the rows
  // that each sum sees; a strided input is therefore summed as its contiguous copy, so
  // that both give the same bits.
  const NDArray src = a.contiguous();
  // The broadcast loop with the roles swapped. broadcast_to(x) reads x at the address
  // p(i) that stride-0 strides give position i; sum_to adds a[i] into out at that same
  // p(i). So: view `out` with its broadcast strides (0 on every summed dimension), walk
  // both over a's shape, and accumulate.
  const Strides out_strides = broadcast_strides(shape, contiguous_strides(shape), a.shape());
  const detail::LoopPlan<2> plan = detail::coalesce<2>(a.shape(), {src.strides(), out_strides});
  const size_t outer_dims = plan.sizes.size() - 1;
  const int64_t inner = plan.sizes.back();
  const int64_t a_step = plan.strides[0].back();
  const int64_t out_step = plan.strides[1].back();
  const float* pa = src.data();
  float* po = out.data();
  Shape index(outer_dims, 0);
  int64_t rows = 1;
  for (size_t d = 0; d < outer_dims; ++d) rows *= plan.sizes[d];
  for (int64_t row = 0; row < rows; ++row) {
    if (out_step == 0) {
      *po = kernels().sum(pa, inner, a_step, *po);  // a summed dimension: the row folds into one
    } else {
      for (int64_t j = 0; j < inner; ++j) po[j * out_step] += pa[j * a_step];
    }
    for (size_t d = outer_dims; d-- > 0;) {  // odometer over the outer dimensions
      if (++index[d] < plan.sizes[d]) {
        pa += plan.strides[0][d];
        po += plan.strides[1][d];
        break;
      }
      index[d] = 0;
      pa -= (plan.sizes[d] - 1) * plan.strides[0][d];
      po -= (plan.sizes[d] - 1) * plan.strides[1][d];
    }
  }
  return out;
}

}  // namespace byo
