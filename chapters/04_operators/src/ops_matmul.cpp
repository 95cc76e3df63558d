// Matrix products: matmul (2-D and batched) and linear, both through the GEMM kernel seam.
#include <algorithm>
#include <cstring>
#include <memory>

#include "byo/autograd.h"
#include "byo/kernels.h"
#include "byo/ops.h"
#include "op_util.h"

namespace byo {

namespace {

using detail::Grads;
using detail::Op;

// A transposed view of the last two dims: what the gradients of a product multiply by.
NDArray mT(const NDArray& a) { return a.transpose(-2, -1); }

// A·B into a new contiguous array, through the installed GEMM.
NDArray product(ConstMatrixView a, ConstMatrixView b) {
  NDArray c = NDArray::empty({a.rows, b.cols});
  kernels().gemm(a, b, detail::as_mutable_matrix(c), /*accumulate=*/false);
  return c;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  Op op("Matmul", "matmul", {a, b});
  BYO_CHECK(a.dim() >= 2 && b.dim() >= 2)
      << "matmul: both operands need at least 2 dims, got " << shape_str(a.shape()) << " and "
      << shape_str(b.shape());
  BYO_CHECK(a.size(-1) == b.size(-2))
      << "matmul: shapes " << shape_str(a.shape()) << " and " << shape_str(b.shape())
      << " cannot be multiplied (" << a.size(-1) << " columns vs " << b.size(-2) << " rows)";

  if (a.dim() > 2 && b.dim() == 2) {
    // a (...,M,K) is folded to a2 (B·M, K) for one 2-D product. d/da = g·bᵀ unfolded back;
    // d/db = a2ᵀ·g2, which sums over the batch for free (saved: a2, b).
    const NDArray a2 = a.data().reshape({-1, a.size(-1)});
    Shape out_shape = a.shape();
    out_shape.back() = b.size(1);
    return op.record(matmul(a2, b.data()).reshape(out_shape), {a2, b.data()},
                     [](const Node& n, const NDArray& g) -> Grads {
                       const NDArray &a2 = n.saved(0), &b = n.saved(1);
                       const NDArray g2 = g.reshape({-1, b.size(1)});
                       return {n.needs_input_grad(0)
                                   ? matmul(g2, mT(b)).reshape(n.next_edges()[0].shape)
                                   : NDArray(),
                               n.needs_input_grad(1) ? matmul(mT(a2), g2) : NDArray()};
                     });
  }

  BYO_CHECK(a.dim() == b.dim() &&
            std::equal(a.shape().begin(), a.shape().end() - 2, b.shape().begin()))
      << "matmul: batch dimensions of " << shape_str(a.shape()) << " and " << shape_str(b.shape())
      << " differ (they must be equal, or b must be 2-D)";
  // d/da = g·bᵀ, d/db = aᵀ·g (saved: a, b). The transposes are views: no copies.
  return op.record(matmul(a.data(), b.data()), {a.data(), b.data()},
                   [](const Node& n, const NDArray& g) -> Grads {
                     const NDArray &a = n.saved(0), &b = n.saved(1);
                     return {n.needs_input_grad(0) ? matmul(g, mT(b)) : NDArray(),
                             n.needs_input_grad(1) ? matmul(mT(a), g) : NDArray()};
                   });
}

// out = x·Wᵀ + bias; x is (N,in), W is (out,in), bias is (out).
// d/dx = g·W, d/dW = gᵀ·x, d/dbias = sum of g over the batch (saved: x, W).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  Op op("Linear", "linear", {x, weight});
  op.add_input(bias);
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
  return op.record(out, {x.data(), weight.data()}, [](const Node& n, const NDArray& g) -> Grads {
    const NDArray &x = n.saved(0), &w = n.saved(1);
    Grads grads(n.next_edges().size());
    if (n.needs_input_grad(0)) grads[0] = product(detail::as_matrix(g), detail::as_matrix(w));
    if (n.needs_input_grad(1)) grads[1] = product(detail::as_matrix(g).t(), detail::as_matrix(x));
    if (grads.size() > 2 && n.needs_input_grad(2)) grads[2] = g.sum({0});
    return grads;
  });
}

}  // namespace byo
