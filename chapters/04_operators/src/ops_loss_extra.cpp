// nll_loss and binary_cross_entropy_with_logits, with PyTorch's three reductions. Each is
// one node: the loss per element, then the reduction, and a backward that undoes both.
#include <cmath>
#include <memory>
#include <vector>

#include "byo/autograd.h"
#include "byo/elementwise_loop.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

enum class Reduction { none, mean, sum };

Reduction parse_reduction(const char* op, const std::string& reduction) {
  if (reduction == "mean") return Reduction::mean;
  if (reduction == "sum") return Reduction::sum;
  if (reduction == "none") return Reduction::none;
  BYO_CHECK(false) << op << ": reduction must be \"mean\", \"sum\" or \"none\", got \"" << reduction
                   << "\"";
  return Reduction::none;
}

// The losses of `per_element` reduced; double accumulation, as cross_entropy.
NDArray reduce_losses(const NDArray& per_element, Reduction reduction) {
  if (reduction == Reduction::none) return per_element;
  const float* p = per_element.data();  // contiguous: made by the caller
  double total = 0.0;
  for (int64_t i = 0; i < per_element.numel(); ++i) total += p[i];
  if (reduction == Reduction::mean) total /= static_cast<double>(per_element.numel());
  return NDArray::scalar(static_cast<float>(total));
}

// The output gradient as one value per element of `shape`: g itself for "none", g spread
// evenly (mean) or copied (sum) for a scalar loss.
NDArray spread_grad(const NDArray& g, const Shape& shape, Reduction reduction) {
  if (reduction == Reduction::none) return g.contiguous();
  const float scale = reduction == Reduction::mean ? 1.0f / static_cast<float>(numel(shape)) : 1.0f;
  return NDArray::full(shape, g.item() * scale);
}

// loss_i = -input[i, t_i]: only the picked entries get a gradient, -g_i (the target none).
class NllLossBackward : public Node {
 public:
  NllLossBackward(std::vector<int64_t> classes, Reduction reduction)
      : classes_(std::move(classes)), reduction_(reduction) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const Shape& shape = next_edges()[0].shape;  // (N, C)
    const int64_t n = shape[0];
    const int64_t c = shape[1];
    const NDArray per_row = spread_grad(g, {n}, reduction_);
    NDArray dx = NDArray::zeros(shape);
    float* dp = dx.data();
    const float* gp = per_row.data();
    for (int64_t r = 0; r < n; ++r) dp[r * c + classes_[r]] = -gp[r];
    return {dx, NDArray()};
  }
  std::string name() const override { return "NllLoss"; }
  void release_saved() override {
    Node::release_saved();
    classes_ = {};
  }

 private:
  std::vector<int64_t> classes_;
  Reduction reduction_;
};

// loss = max(x,0) - x·t + log(1 + e^-|x|): d/dx = σ(x) - t, d/dt = -x (saved: x, t).
class BceWithLogitsBackward : public Node {
 public:
  explicit BceWithLogitsBackward(Reduction reduction) : reduction_(reduction) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& x = saved(0);
    const NDArray& t = saved(1);
    const NDArray gi = spread_grad(g, x.shape(), reduction_);
    NDArray dx, dt;
    if (needs_input_grad(0)) {
      dx = elementwise(
          "binary_cross_entropy_with_logits",
          [](float gv, float xv, float tv) { return gv * (1.0f / (1.0f + std::exp(-xv)) - tv); },
          gi, x, t);
    }
    if (needs_input_grad(1)) {
      dt = elementwise(
          "binary_cross_entropy_with_logits", [](float gv, float xv) { return -gv * xv; }, gi, x);
    }
    return {dx, dt};
  }
  std::string name() const override { return "BinaryCrossEntropyWithLogits"; }

 private:
  Reduction reduction_;
};

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const std::string& reduction) {
  profiler::Scope scope("NllLoss", Phase::forward);
  detail::check_defined("nll_loss", input);
  detail::check_defined("nll_loss", target);
  const Reduction how = parse_reduction("nll_loss", reduction);
  BYO_CHECK(input.dim() == 2 && input.size(0) > 0 && input.size(1) > 0)
      << "nll_loss: input must be (N, C) with N, C > 0, got " << shape_str(input.shape());
  const int64_t n = input.size(0);
  const int64_t c = input.size(1);
  BYO_CHECK(target.dim() == 1 && target.size(0) == n)
      << "nll_loss: target must be (N) = (" << n << ") for input " << shape_str(input.shape())
      << ", got " << shape_str(target.shape());
  std::vector<int64_t> classes(n);
  const std::vector<float> values = target.data().to_vector();
  for (int64_t r = 0; r < n; ++r) {
    const float v = values[r];
    BYO_CHECK(std::isfinite(v) && v == std::floor(v) && v >= 0.0f && v < static_cast<float>(c))
        << "nll_loss: target " << v << " at index " << r << " is not a class index in [0, " << c
        << ") (input " << shape_str(input.shape()) << ")";
    classes[r] = static_cast<int64_t>(v);
  }
  const NDArray x = input.data().contiguous();
  NDArray per_row = NDArray::empty({n});
  for (int64_t r = 0; r < n; ++r) per_row.data()[r] = -x.data()[r * c + classes[r]];
  NDArray loss = reduce_losses(per_row, how);
  if (!any_requires_grad({input})) return Tensor(loss);
  return make_result(loss, std::make_shared<NllLossBackward>(std::move(classes), how),
                     {input, target});
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const std::string& reduction) {
  profiler::Scope scope("BinaryCrossEntropyWithLogits", Phase::forward);
  const char* op = "binary_cross_entropy_with_logits";
  detail::check_defined(op, input);
  detail::check_defined(op, target);
  const Reduction how = parse_reduction(op, reduction);
  BYO_CHECK(input.shape() == target.shape())
      << op << ": target " << shape_str(target.shape()) << " must have the shape of input "
      << shape_str(input.shape());
  BYO_CHECK(how == Reduction::none || input.numel() > 0)
      << op << ": empty input " << shape_str(input.shape());
  // log(1 + e^-|x|) never overflows, and max(x, 0) - x·t is exact for large |x|.
  NDArray per_element = elementwise(
      op,
      [](float x, float t) {
        return (x > 0.0f ? x : 0.0f) - x * t + std::log1p(std::exp(-std::fabs(x)));
      },
      input.data(), target.data());
  NDArray loss = reduce_losses(per_element, how);
  if (!any_requires_grad({input, target})) return Tensor(loss);
  auto node = std::make_shared<BceWithLogitsBackward>(how);
  node->save_for_backward({input.data(), target.data()});
  return make_result(loss, std::move(node), {input, target});
}

}  // namespace byo
