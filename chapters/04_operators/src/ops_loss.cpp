// Softmax, log_softmax and the losses. Each is one node with a fused loop, both for speed
// and for numerical stability: exponentials are always taken of x - max(x).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "byo/autograd.h"
#include "byo/ops.h"
#include "op_util.h"

namespace byo {

namespace {

using detail::Grads;
using detail::Op;

// A contiguous array seen as (outer, size, inner) around dimension `dim`: element
// (o, k, i) is at (o*size + k)*inner + i, and k runs along `dim`.
struct Slices {
  int64_t outer = 1;
  int64_t size = 1;
  int64_t inner = 1;

  Slices(const Shape& shape, int64_t dim) : size(shape[dim]) {
    for (int64_t d = 0; d < dim; ++d) outer *= shape[d];
    for (size_t d = dim + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  int64_t at(int64_t o, int64_t k, int64_t i) const { return (o * size + k) * inner + i; }
};

// y = log_softmax(x) or softmax(x) along the slices' middle dimension.
NDArray softmax_forward(const NDArray& x_in, int64_t dim, bool log) {
  const NDArray x = x_in.contiguous();
  const Slices s(x.shape(), dim);
  NDArray y = NDArray::empty(x.shape());
  const float* xp = x.data();
  float* yp = y.data();
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t i = 0; i < s.inner; ++i) {
      float m = xp[s.at(o, 0, i)];
      for (int64_t k = 1; k < s.size; ++k) m = std::max(m, xp[s.at(o, k, i)]);
      float total = 0.0f;
      for (int64_t k = 0; k < s.size; ++k) total += std::exp(xp[s.at(o, k, i)] - m);
      const float log_total = std::log(total);
      for (int64_t k = 0; k < s.size; ++k) {
        const float shifted = xp[s.at(o, k, i)] - m;
        yp[s.at(o, k, i)] = log ? shifted - log_total : std::exp(shifted) / total;
      }
    }
  }
  return y;
}

// y = log_softmax(x): dx = g - softmax(x)·sum(g) per slice, softmax(x) = exp(y).
// y = softmax(x):     dx = y·(g - sum(g·y)) per slice.
NDArray softmax_backward(const NDArray& y, const NDArray& g_in, int64_t dim, bool log) {
  const NDArray g = g_in.contiguous();  // y is contiguous: made by softmax_forward
  const Slices s(y.shape(), dim);
  NDArray dx = NDArray::empty(y.shape());
  const float* yp = y.data();
  const float* gp = g.data();
  float* dp = dx.data();
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t i = 0; i < s.inner; ++i) {
      float total = 0.0f;
      for (int64_t k = 0; k < s.size; ++k) {
        const int64_t j = s.at(o, k, i);
        total += log ? gp[j] : gp[j] * yp[j];
      }
      for (int64_t k = 0; k < s.size; ++k) {
        const int64_t j = s.at(o, k, i);
        dp[j] = log ? gp[j] - std::exp(yp[j]) * total : yp[j] * (gp[j] - total);
      }
    }
  }
  return dx;
}

Tensor softmax_op(const Tensor& x, int64_t dim, bool log) {
  const char* op_name = log ? "log_softmax" : "softmax";
  Op op(log ? "LogSoftmax" : "Softmax", op_name, {x});
  BYO_CHECK(x.dim() > 0) << op_name << ": needs at least one dim, got a 0-d tensor";
  const int64_t d = normalize_dim(dim, x.dim());
  const NDArray y = softmax_forward(x.data(), d, log);
  return op.record(y, {y}, [d, log](const Node& n, const NDArray& g) -> Grads {
    return {softmax_backward(n.saved(0), g, d, log)};
  });
}

}  // namespace

Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_op(x, dim, true); }
Tensor softmax(const Tensor& x, int64_t dim) { return softmax_op(x, dim, false); }

// loss = mean_i (logsumexp(x_i) - x_i[label_i]); dx_i = (softmax(x_i) - onehot(label_i))·g/N
// (saved: softmax of the logits, and the labels, checked to be class indices).
Tensor cross_entropy(const Tensor& logits, const Tensor& labels) {
  Op op("CrossEntropy", "cross_entropy", {logits, labels});
  BYO_CHECK(logits.dim() == 2 && logits.size(0) > 0 && logits.size(1) > 0)
      << "cross_entropy: logits must be (N, C) with N, C > 0, got " << shape_str(logits.shape());
  const int64_t n = logits.size(0);
  const int64_t c = logits.size(1);
  BYO_CHECK(labels.dim() == 1 && labels.size(0) == n)
      << "cross_entropy: labels must be (N) = (" << n << ") for logits "
      << shape_str(logits.shape()) << ", got " << shape_str(labels.shape());

  const NDArray classes = labels.data().contiguous();
  const float* label_values = classes.data();
  for (int64_t r = 0; r < n; ++r) {
    const float v = label_values[r];
    BYO_CHECK(std::isfinite(v) && v == std::floor(v))
        << "cross_entropy: label " << v << " at index " << r << " is not a class index";
    BYO_CHECK(v >= 0.0f && v < static_cast<float>(c))
        << "cross_entropy: label " << v << " at index " << r << " is out of range for " << c
        << " classes (logits " << shape_str(logits.shape()) << ")";
  }

  // One pass per row: log_softmax, then pick the label's entry.
  NDArray log_p = softmax_forward(logits.data(), 1, /*log=*/true);
  const float* lp = log_p.data();
  double total = 0.0;
  for (int64_t r = 0; r < n; ++r) total -= lp[r * c + static_cast<int64_t>(label_values[r])];
  NDArray loss = NDArray::scalar(static_cast<float>(total / static_cast<double>(n)));
  return op.record(loss, {log_p.map([](float v) { return std::exp(v); }), classes},
                   [](const Node& node, const NDArray& g) -> Grads {
                     const NDArray& p = node.saved(0);  // (N, C), contiguous
                     const float* label = node.saved(1).data();
                     const int64_t n = p.size(0), c = p.size(1);
                     const float scale = g.item() / static_cast<float>(n);
                     NDArray dx = NDArray::empty(p.shape());
                     const float* pp = p.data();
                     float* dp = dx.data();
                     for (int64_t i = 0; i < n * c; ++i) dp[i] = pp[i] * scale;
                     for (int64_t r = 0; r < n; ++r) {
                       dp[r * c + static_cast<int64_t>(label[r])] -= scale;
                     }
                     return {dx, NDArray()};  // labels get no gradient
                   });
}

// (input - target)² averaged: d/dinput = 2·(input - target)·g/n, d/dtarget its negative
// (saved: input - target).
Tensor mse_loss(const Tensor& input, const Tensor& target) {
  Op op("MseLoss", "mse_loss", {input, target});
  BYO_CHECK(input.shape() == target.shape())
      << "mse_loss: input " << shape_str(input.shape()) << " and target "
      << shape_str(target.shape()) << " must have the same shape";
  BYO_CHECK(input.numel() > 0) << "mse_loss: empty input " << shape_str(input.shape());
  NDArray diff = input.data().zip(target.data(), [](float a, float b) { return a - b; });
  const float* dp = diff.data();
  double total = 0.0;
  for (int64_t i = 0; i < diff.numel(); ++i) total += static_cast<double>(dp[i]) * dp[i];
  NDArray loss = NDArray::scalar(static_cast<float>(total / static_cast<double>(diff.numel())));
  return op.record(loss, {diff}, [](const Node& n, const NDArray& g) -> Grads {
    const NDArray& diff = n.saved(0);
    const float scale = 2.0f * g.item() / static_cast<float>(diff.numel());
    NDArray grad = diff.map([scale](float d) { return d * scale; });
    return {n.needs_input_grad(0) ? grad : NDArray(),
            n.needs_input_grad(1) ? grad.map([](float v) { return -v; }) : NDArray()};
  });
}

}  // namespace byo
