// Reductions: sum, mean, max over dims. Their gradients spread the output gradient back
// over the reduced dims: broadcast (sum, mean) or to one element per slice (max).
#include <algorithm>
#include <memory>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "op_util.h"

namespace byo {

std::vector<int64_t> detail::normalize_dims(const char* op, const std::vector<int64_t>& dims,
                                            int64_t ndim) {
  std::vector<int64_t> result;
  if (dims.empty()) {
    for (int64_t d = 0; d < ndim; ++d) result.push_back(d);
    return result;
  }
  for (int64_t d : dims) {
    BYO_CHECK(d >= -ndim && d < ndim)
        << op << ": dim " << d << " is out of range for a tensor with " << ndim << " dims";
    result.push_back(d < 0 ? d + ndim : d);
  }
  std::sort(result.begin(), result.end());
  BYO_CHECK(std::adjacent_find(result.begin(), result.end()) == result.end())
      << op << ": a dim appears twice";
  return result;
}

namespace {

using detail::Grads;
using detail::Op;

// The shape of a keepdim result: the reduced dims of `shape` set to 1.
Shape keepdim_shape(const Shape& shape, const std::vector<int64_t>& dims) {
  Shape kept = shape;
  for (int64_t d : dims) kept[d] = 1;
  return kept;
}

// out = sum or mean of x over dims: every element of x gets its slice's gradient (divided
// by the slice's size for mean). The result is a broadcast view, so nothing is copied.
Tensor reduce_sum(const char* op_name, const Tensor& x, const std::vector<int64_t>& dims,
                  bool keepdim, bool mean) {
  Op op(mean ? "Mean" : "Sum", op_name, {x});
  std::vector<int64_t> all = detail::normalize_dims(op_name, dims, x.dim());
  int64_t count = 1;
  for (int64_t d : all) count *= x.shape()[d];
  const float scale = mean ? 1.0f / static_cast<float>(count) : 1.0f;
  return op.record(mean ? x.data().mean(all, keepdim) : x.data().sum(all, keepdim), {},
                   [all, scale](const Node& n, const NDArray& g) -> Grads {
                     const Shape& x_shape = n.next_edges()[0].shape;
                     NDArray spread = broadcast_to(g.reshape(keepdim_shape(x_shape, all)), x_shape);
                     return {scale == 1.0f ? spread : spread * scale};
                   });
}

// The gradient of max along dim: the output gradient goes to the position of the (first)
// maximum of each slice, zero elsewhere (saved: the argmax indices, keepdim).
NDArray max_backward(const Shape& x_shape, int64_t dim, const NDArray& argmax, const NDArray& g) {
  const NDArray index = argmax.contiguous();  // (outer, 1, inner) as floats
  const NDArray grad_kept = g.reshape(index.shape()).contiguous();
  int64_t outer = 1;
  int64_t inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= x_shape[d];
  for (size_t d = dim + 1; d < x_shape.size(); ++d) inner *= x_shape[d];
  const int64_t size = x_shape[dim];
  // grad is x's shape viewed as (outer, size, inner); index and g are (outer, 1, inner).
  NDArray grad = NDArray::zeros(x_shape);
  float* out = grad.data();
  const float* idx = index.data();
  const float* gi = grad_kept.data();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const auto k = static_cast<int64_t>(idx[o * inner + i]);
      out[(o * size + k) * inner + i] = gi[o * inner + i];
    }
  }
  return grad;
}

}  // namespace

Tensor sum(const Tensor& x) { return reduce_sum("sum", x, {}, false, false); }
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_sum("sum", x, dims, keepdim, false);
}
Tensor mean(const Tensor& x) { return reduce_sum("mean", x, {}, false, true); }
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_sum("mean", x, dims, keepdim, true);
}

Tensor max(const Tensor& x, int64_t dim, bool keepdim) {
  Op op("Max", "max", {x});
  BYO_CHECK(x.dim() > 0) << "max: a 0-d tensor has no dim " << dim;
  const int64_t d = normalize_dim(dim, x.dim());
  BYO_CHECK(x.size(d) > 0) << "max: dim " << dim << " of " << shape_str(x.shape()) << " is empty";
  return op.record(x.data().max(d, keepdim), {x.data().argmax(d, /*keepdim=*/true)},
                   [d](const Node& n, const NDArray& g) -> Grads {
                     return {max_backward(n.next_edges()[0].shape, d, n.saved(0), g)};
                   });
}

}  // namespace byo
