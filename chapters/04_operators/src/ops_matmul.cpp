// Matrix products: matmul (2-D and batched) and linear, both through the GEMM kernel seam.
#include <algorithm>
#include <cstring>
#include <memory>

#include "byo/autograd.h"
#include "byo/kernels.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// A transposed view of the last two dims: what the gradients of a product multiply by.
NDArray mT(const NDArray& a) { return a.transpose(-2, -1); }

// out = a·b with the same number of dims (2-D, or batched with equal batch dims).
// d/da = g·bᵀ, d/db = aᵀ·g (saved: a, b). The transposes are views: no copies.
class MatmulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {needs_input_grad(0) ? matmul(g, mT(b)) : NDArray(),
            needs_input_grad(1) ? matmul(mT(a), g) : NDArray()};
  }
  std::string name() const override { return "Matmul"; }
};

// out = a·b with a (...,M,K) and b (K,N): a is folded to (B·M, K) for one 2-D product.
// d/da = g·bᵀ unfolded back; d/db = a2ᵀ·g2, which sums over the batch for free
// (saved: a2 = a folded, b).
class FoldedMatmulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a2 = saved(0);
    const NDArray& b = saved(1);
    const NDArray g2 = g.reshape({-1, b.size(1)});
    return {needs_input_grad(0) ? matmul(g2, mT(b)).reshape(next_edges()[0].shape) : NDArray(),
            needs_input_grad(1) ? matmul(mT(a2), g2) : NDArray()};
  }
  std::string name() const override { return "Matmul"; }
};

// out = x·Wᵀ + bias; x is (N,in), W is (out,in), bias is (out).
// d/dx = g·W, d/dW = gᵀ·x, d/dbias = sum of g over the batch (saved: x, W).
class LinearBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& x = saved(0);
    const NDArray& w = saved(1);
    std::vector<NDArray> grads(next_edges().size());
    if (needs_input_grad(0)) grads[0] = product(detail::as_matrix(g), detail::as_matrix(w));
    if (needs_input_grad(1)) grads[1] = product(detail::as_matrix(g).t(), detail::as_matrix(x));
    if (grads.size() > 2 && needs_input_grad(2)) grads[2] = g.sum({0});
    return grads;
  }
  std::string name() const override { return "Linear"; }

  // A·B into a new contiguous array, through the installed GEMM.
  static NDArray product(ConstMatrixView a, ConstMatrixView b) {
    NDArray c = NDArray::empty({a.rows, b.cols});
    kernels().gemm(a, b, detail::as_mutable_matrix(c), /*accumulate=*/false);
    return c;
  }
};

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Matmul", Phase::forward);
  detail::check_defined("matmul", a);
  detail::check_defined("matmul", b);
  BYO_CHECK(a.dim() >= 2 && b.dim() >= 2)
      << "matmul: both operands need at least 2 dims, got " << shape_str(a.shape()) << " and "
      << shape_str(b.shape());
  BYO_CHECK(a.size(-1) == b.size(-2))
      << "matmul: shapes " << shape_str(a.shape()) << " and " << shape_str(b.shape())
      << " cannot be multiplied (" << a.size(-1) << " columns vs " << b.size(-2) << " rows)";

  if (a.dim() > 2 && b.dim() == 2) {
    const NDArray a2 = a.data().reshape({-1, a.size(-1)});
    Shape out_shape = a.shape();
    out_shape.back() = b.size(1);
    NDArray out = matmul(a2, b.data()).reshape(out_shape);
    if (!any_requires_grad({a, b})) return Tensor(out);
    auto node = std::make_shared<FoldedMatmulBackward>();
    node->save_for_backward({a2, b.data()});
    return make_result(out, std::move(node), {a, b});
  }

  BYO_CHECK(a.dim() == b.dim() &&
            std::equal(a.shape().begin(), a.shape().end() - 2, b.shape().begin()))
      << "matmul: batch dimensions of " << shape_str(a.shape()) << " and " << shape_str(b.shape())
      << " differ (they must be equal, or b must be 2-D)";
  NDArray out = matmul(a.data(), b.data());
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<MatmulBackward>();
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  profiler::Scope scope("Linear", Phase::forward);
  detail::check_defined("linear", x);
  detail::check_defined("linear", weight);
  BYO_CHECK(x.dim() == 2 && weight.dim() == 2 && x.size(1) == weight.size(1))
      << "linear: input " << shape_str(x.shape()) << " and weight " << shape_str(weight.shape())
      << " do not fit (expected input (N, in) and weight (out, in))";
  const int64_t n = x.size(0);
  const int64_t out_features = weight.size(0);
  NDArray out = NDArray::empty({n, out_features});
  if (bias.defined()) {
    BYO_CHECK(bias.dim() == 1 && bias.size(0) == out_features)
        << "linear: bias " << shape_str(bias.shape()) << " does not fit weight "
        << shape_str(weight.shape()) << " (expected (" << out_features << "))";
    // Start every row at the bias, then accumulate x·Wᵀ on top: one pass, no temporary.
    const NDArray b = bias.data().contiguous();
    for (int64_t i = 0; i < n; ++i) {
      std::memcpy(out.data() + i * out_features, b.data(), sizeof(float) * out_features);
    }
  }
  // out is (N,out), x is (N,in), Wᵀ is (in,out): a view of W with its strides swapped.
  kernels().gemm(detail::as_matrix(x.data()), detail::as_matrix(weight.data()).t(),
                 detail::as_mutable_matrix(out), /*accumulate=*/bias.defined());

  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  if (!any_requires_grad(inputs)) return Tensor(out);
  auto node = std::make_shared<LinearBackward>();
  node->save_for_backward({x.data(), weight.data()});
  return make_result(out, std::move(node), inputs);
}

}  // namespace byo
