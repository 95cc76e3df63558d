// Shape ops: the forward is a view where the layout allows; the backward undoes the view.
#include <memory>

#include "byo/autograd.h"
#include "byo/ops.h"
#include "op_util.h"

namespace byo {

namespace {

using detail::Grads;
using detail::Op;

// reshape, view, flatten: the gradient is the output gradient in the input's shape.
Grads reshape_back(const Node& n, const NDArray& g) { return {g.reshape(n.next_edges()[0].shape)}; }

// permute, transpose: the gradient is permuted back by the inverse permutation.
Tensor record_permute(Op& op, const Tensor& x, const std::vector<int64_t>& dims) {
  std::vector<int64_t> inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) inverse[dims[i]] = static_cast<int64_t>(i);
  return op.record(x.data().permute(dims), {}, [inverse](const Node&, const NDArray& g) -> Grads {
    return {g.permute(inverse)};
  });
}

// Every dim in [0, ndim) exactly once, negatives allowed; returns them normalised.
std::vector<int64_t> check_permutation(const std::vector<int64_t>& dims, const Shape& shape) {
  const auto ndim = static_cast<int64_t>(shape.size());
  BYO_CHECK(static_cast<int64_t>(dims.size()) == ndim)
      << "permute: " << dims.size() << " dims given for a tensor of shape " << shape_str(shape);
  std::vector<int64_t> normalised(dims.size());
  std::vector<bool> used(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = normalize_dim(dims[i], ndim);
    BYO_CHECK(!used[d]) << "permute: dim " << dims[i] << " appears twice for shape "
                        << shape_str(shape);
    used[d] = true;
    normalised[i] = d;
  }
  return normalised;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  Op op("Reshape", "reshape", {x});
  return op.record(x.data().reshape(shape), {}, reshape_back);
}

Tensor view(const Tensor& x, const Shape& shape) {
  Op op("View", "view", {x});
  return op.record(x.data().view(shape), {}, reshape_back);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  Op op("Flatten", "flatten", {x});
  return op.record(x.data().flatten(start_dim, end_dim), {}, reshape_back);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  Op op("Permute", "permute", {x});
  return record_permute(op, x, check_permutation(dims, x.shape()));
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  Op op("Transpose", "transpose", {x});
  const int64_t d0 = normalize_dim(dim0, x.dim());
  const int64_t d1 = normalize_dim(dim1, x.dim());
  std::vector<int64_t> dims(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) dims[i] = i;
  std::swap(dims[d0], dims[d1]);
  return record_permute(op, x, dims);
}

}  // namespace byo
