// Shape ops: the forward is a view where the layout allows; the backward undoes the view.
#include <memory>

#include "byo/autograd.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// reshape, view, flatten: the gradient is the output gradient in the input's shape.
class ReshapeBackward : public Node {
 public:
  explicit ReshapeBackward(const char* name) : name_(name) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.reshape(next_edges()[0].shape)};
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
};

// permute, transpose: the gradient is permuted back by the inverse permutation.
class PermuteBackward : public Node {
 public:
  PermuteBackward(const std::vector<int64_t>& dims, const char* name)
      : inverse_(dims.size()), name_(name) {
    for (size_t i = 0; i < dims.size(); ++i) inverse_[dims[i]] = static_cast<int64_t>(i);
  }
  std::vector<NDArray> backward(const NDArray& g) override { return {g.permute(inverse_)}; }
  std::string name() const override { return name_; }

 private:
  std::vector<int64_t> inverse_;
  const char* name_;
};

Tensor record_reshape(const char* name, const Tensor& x, NDArray out) {
  return make_result(std::move(out), std::make_shared<ReshapeBackward>(name), {x});
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
  profiler::Scope scope("Reshape", Phase::forward);
  detail::check_defined("reshape", x);
  return record_reshape("Reshape", x, x.data().reshape(shape));
}

Tensor view(const Tensor& x, const Shape& shape) {
  profiler::Scope scope("View", Phase::forward);
  detail::check_defined("view", x);
  return record_reshape("View", x, x.data().view(shape));
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  profiler::Scope scope("Flatten", Phase::forward);
  detail::check_defined("flatten", x);
  return record_reshape("Flatten", x, x.data().flatten(start_dim, end_dim));
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  profiler::Scope scope("Permute", Phase::forward);
  detail::check_defined("permute", x);
  const std::vector<int64_t> normalised = check_permutation(dims, x.shape());
  return make_result(x.data().permute(normalised),
                     std::make_shared<PermuteBackward>(normalised, "Permute"), {x});
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  profiler::Scope scope("Transpose", Phase::forward);
  detail::check_defined("transpose", x);
  const int64_t d0 = normalize_dim(dim0, x.dim());
  const int64_t d1 = normalize_dim(dim1, x.dim());
  std::vector<int64_t> dims(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) dims[i] = i;
  std::swap(dims[d0], dims[d1]);
  return make_result(x.data().permute(dims), std::make_shared<PermuteBackward>(dims, "Transpose"),
                     {x});
}

}  // namespace byo
