// Softmax, log_softmax and the losses. Each is one node with a fused loop, both for speed
// and for numerical stability: exponentials are always taken of x - max(x).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "byo/autograd.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

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

// y = log_softmax(x): dx = g - softmax(x)·sum(g) per slice, softmax(x) = exp(y) (saved: y).
// y = softmax(x):     dx = y·(g - sum(g·y)) per slice (saved: y).
class SoftmaxBackward : public Node {
 public:
  SoftmaxBackward(int64_t dim, bool log) : dim_(dim), log_(log) {}
  std::vector<NDArray> backward(const NDArray& g_in) override {
    const NDArray& y = saved(0);  // contiguous: made by softmax_forward
    const NDArray g = g_in.contiguous();
    const Slices s(y.shape(), dim_);
    NDArray dx = NDArray::empty(y.shape());
    const float* yp = y.data();
    const float* gp = g.data();
    float* dp = dx.data();
    for (int64_t o = 0; o < s.outer; ++o) {
      for (int64_t i = 0; i < s.inner; ++i) {
        float total = 0.0f;
        for (int64_t k = 0; k < s.size; ++k) {
          const int64_t j = s.at(o, k, i);
          total += log_ ? gp[j] : gp[j] * yp[j];
        }
        for (int64_t k = 0; k < s.size; ++k) {
          const int64_t j = s.at(o, k, i);
          dp[j] = log_ ? gp[j] - std::exp(yp[j]) * total : yp[j] * (gp[j] - total);
        }
      }
    }
    return {dx};
  }
  std::string name() const override { return log_ ? "LogSoftmax" : "Softmax"; }

 private:
  int64_t dim_;
  bool log_;
};

Tensor softmax_op(const Tensor& x, int64_t dim, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  profiler::Scope scope(log ? "LogSoftmax" : "Softmax", Phase::forward);
  detail::check_defined(op, x);
  BYO_CHECK(x.dim() > 0) << op << ": needs at least one dim, got a 0-d tensor";
  const int64_t d = normalize_dim(dim, x.dim());
  NDArray y = softmax_forward(x.data(), d, log);
  if (!any_requires_grad({x})) return Tensor(y);
  auto node = std::make_shared<SoftmaxBackward>(d, log);
  node->save_for_backward({y});
  return make_result(y, std::move(node), {x});
}

// loss = mean_i (logsumexp(x_i) - x_i[label_i]); dx_i = (softmax(x_i) - onehot(label_i))·g/N
// (saved: softmax of the logits; the labels as integers).
class CrossEntropyBackward : public Node {
 public:
  explicit CrossEntropyBackward(std::vector<int64_t> labels) : labels_(std::move(labels)) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& p = saved(0);  // (N, C), contiguous
    const int64_t n = p.size(0);
    const int64_t c = p.size(1);
    const float scale = g.item() / static_cast<float>(n);
    NDArray dx = NDArray::empty(p.shape());
    const float* pp = p.data();
    float* dp = dx.data();
    for (int64_t i = 0; i < n * c; ++i) dp[i] = pp[i] * scale;
    for (int64_t r = 0; r < n; ++r) dp[r * c + labels_[r]] -= scale;
    return {dx, NDArray()};  // labels get no gradient
  }
  std::string name() const override { return "CrossEntropy"; }
  void release_saved() override {
    Node::release_saved();
    labels_ = {};
  }

 private:
  std::vector<int64_t> labels_;
};

// (input - target)² averaged: d/dinput = 2·(input - target)·g/n, d/dtarget its negative
// (saved: input - target).
class MseLossBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& diff = saved(0);
    const float scale = 2.0f * g.item() / static_cast<float>(diff.numel());
    NDArray grad = diff.map([scale](float d) { return d * scale; });
    return {needs_input_grad(0) ? grad : NDArray(),
            needs_input_grad(1) ? grad.map([](float v) { return -v; }) : NDArray()};
  }
  std::string name() const override { return "MseLoss"; }
};

}  // namespace

Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_op(x, dim, true); }
Tensor softmax(const Tensor& x, int64_t dim) { return softmax_op(x, dim, false); }

Tensor cross_entropy(const Tensor& logits, const Tensor& labels) {
  profiler::Scope scope("CrossEntropy", Phase::forward);
  detail::check_defined("cross_entropy", logits);
  detail::check_defined("cross_entropy", labels);
  BYO_CHECK(logits.dim() == 2 && logits.size(0) > 0 && logits.size(1) > 0)
      << "cross_entropy: logits must be (N, C) with N, C > 0, got " << shape_str(logits.shape());
  const int64_t n = logits.size(0);
  const int64_t c = logits.size(1);
  BYO_CHECK(labels.dim() == 1 && labels.size(0) == n)
      << "cross_entropy: labels must be (N) = (" << n << ") for logits "
      << shape_str(logits.shape()) << ", got " << shape_str(labels.shape());

  std::vector<int64_t> classes(n);
  const std::vector<float> label_values = labels.data().to_vector();
  for (int64_t r = 0; r < n; ++r) {
    const float v = label_values[r];
    BYO_CHECK(std::isfinite(v) && v == std::floor(v))
        << "cross_entropy: label " << v << " at index " << r << " is not a class index";
    BYO_CHECK(v >= 0.0f && v < static_cast<float>(c))
        << "cross_entropy: label " << v << " at index " << r << " is out of range for " << c
        << " classes (logits " << shape_str(logits.shape()) << ")";
    classes[r] = static_cast<int64_t>(v);
  }

  // One pass per row: log_softmax, then pick the label's entry.
  NDArray log_p = softmax_forward(logits.data(), 1, /*log=*/true);
  const float* lp = log_p.data();
  double total = 0.0;
  for (int64_t r = 0; r < n; ++r) total -= lp[r * c + classes[r]];
  NDArray loss = NDArray::scalar(static_cast<float>(total / static_cast<double>(n)));
  if (!any_requires_grad({logits, labels})) return Tensor(loss);
  auto node = std::make_shared<CrossEntropyBackward>(std::move(classes));
  node->save_for_backward({log_p.map([](float v) { return std::exp(v); })});
  return make_result(loss, std::move(node), {logits, labels});
}

Tensor mse_loss(const Tensor& input, const Tensor& target) {
  profiler::Scope scope("MseLoss", Phase::forward);
  detail::check_defined("mse_loss", input);
  detail::check_defined("mse_loss", target);
  BYO_CHECK(input.shape() == target.shape())
      << "mse_loss: input " << shape_str(input.shape()) << " and target "
      << shape_str(target.shape()) << " must have the same shape";
  BYO_CHECK(input.numel() > 0) << "mse_loss: empty input " << shape_str(input.shape());
  NDArray diff = input.data().zip(target.data(), [](float a, float b) { return a - b; });
  const float* dp = diff.data();
  double total = 0.0;
  for (int64_t i = 0; i < diff.numel(); ++i) total += static_cast<double>(dp[i]) * dp[i];
  NDArray loss = NDArray::scalar(static_cast<float>(total / static_cast<double>(diff.numel())));
  if (!any_requires_grad({input, target})) return Tensor(loss);
  auto node = std::make_shared<MseLossBackward>();
  node->save_for_backward({diff});
  return make_result(loss, std::move(node), {input, target});
}

}  // namespace byo
