// More elementwise ops and activations: abs, clamp, maximum/minimum, where, log1p,
// leaky_relu, gelu; and min/argmax along a dim. Each backward multiplies the output
// gradient by the local derivative, computed in one pass by chapter 3's broadcasting
// `elementwise` loop; binary ops then sum each gradient back to its input's shape.
#include <cmath>
#include <memory>
#include <numbers>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/elementwise.h"
#include "byo/elementwise_loop.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// A unary op y = f(x) whose derivative is a function of x alone: dx = g·df(x) (saved: x).
template <typename DF>
class PointwiseBackward : public Node {
 public:
  PointwiseBackward(const char* name, DF df) : name_(name), df_(df) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const DF df = df_;
    return {elementwise(
        name_, [df](float gi, float x) { return gi * df(x); }, g, saved(0))};
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
  DF df_;
};

// y = f(x) elementwise with derivative df; records the node when x requires grad.
template <typename F, typename DF>
Tensor pointwise(const char* name, const Tensor& x, F f, DF df) {
  profiler::Scope scope(name, Phase::forward);
  detail::check_defined(name, x);
  NDArray y = elementwise(name, f, x.data());
  if (!any_requires_grad({x})) return Tensor(y);
  auto node = std::make_shared<PointwiseBackward<DF>>(name, df);
  node->save_for_backward({x.data()});
  return make_result(y, std::move(node), {x});
}

// maximum (larger = true) or minimum: the gradient goes to the input that was chosen; on
// a tie, half to each (PyTorch's rule: the op is not differentiable there, and splitting
// keeps maximum(a, b) + minimum(a, b) = a + b true for the gradients too). (saved: a, b)
class ExtremumBackward : public Node {
 public:
  explicit ExtremumBackward(bool larger) : larger_(larger) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    const bool larger = larger_;
    // The share of the gradient that goes to a; b gets the rest.
    auto share = [larger](float x, float y) {
      if (x == y) return 0.5f;
      return (larger ? x > y : x < y) ? 1.0f : 0.0f;
    };
    NDArray grads[2];
    if (needs_input_grad(0)) {
      grads[0] = sum_to(
          elementwise(
              "maximum", [share](float gi, float x, float y) { return gi * share(x, y); }, g, a, b),
          a.shape());
    }
    if (needs_input_grad(1)) {
      grads[1] = sum_to(
          elementwise(
              "maximum", [share](float gi, float x, float y) { return gi * (1.0f - share(x, y)); },
              g, a, b),
          b.shape());
    }
    return {grads[0], grads[1]};
  }
  std::string name() const override { return larger_ ? "Maximum" : "Minimum"; }

 private:
  bool larger_;
};

// where(c, a, b): a gets g where c is nonzero, b where it is zero; c gets none (saved: c).
class WhereBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& c = saved(0);
    const Edge* e = next_edges().data();
    NDArray ga, gb;
    if (needs_input_grad(1)) {
      ga = sum_to(elementwise(
                      "where", [](float gi, float ci) { return ci != 0.0f ? gi : 0.0f; }, g, c),
                  e[1].shape);
    }
    if (needs_input_grad(2)) {
      gb = sum_to(elementwise(
                      "where", [](float gi, float ci) { return ci != 0.0f ? 0.0f : gi; }, g, c),
                  e[2].shape);
    }
    return {NDArray(), ga, gb};
  }
  std::string name() const override { return "Where"; }
};

Tensor extremum(const char* op, const Tensor& a, const Tensor& b, bool larger) {
  profiler::Scope scope(larger ? "Maximum" : "Minimum", Phase::forward);
  detail::check_defined(op, a);
  detail::check_defined(op, b);
  detail::check_broadcastable(op, a.shape(), b.shape());
  NDArray out = larger ? byo::maximum(a.data(), b.data()) : byo::minimum(a.data(), b.data());
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<ExtremumBackward>(larger);
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

// The standard normal density and distribution function, for gelu.
float normal_pdf(float x) {
  return std::exp(-0.5f * x * x) *
         static_cast<float>(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
}
float normal_cdf(float x) {
  return 0.5f * (1.0f + std::erf(x * static_cast<float>(1.0 / std::numbers::sqrt2)));
}

constexpr float kGeluTanhScale = 0.7978845608028654f;  // √(2/π)
constexpr float kGeluTanhCubic = 0.044715f;

}  // namespace

Tensor abs(const Tensor& x) {
  return pointwise(
      "Abs", x, [](float v) { return std::fabs(v); },
      [](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f); });
}

Tensor clamp(const Tensor& x, std::optional<float> min, std::optional<float> max) {
  BYO_CHECK(min.has_value() || max.has_value())
      << "clamp: at least one of min and max must be given (tensor of shape "
      << (x.defined() ? shape_str(x.shape()) : "undefined") << ")";
  const float lo = min.value_or(-INFINITY);
  const float hi = max.value_or(INFINITY);
  // As torch.clamp: min is applied first, so with min > max every element becomes max;
  // NaN stays NaN (every comparison with it fails).
  return pointwise(
      "Clamp", x,
      [lo, hi](float v) {
        const float low = v < lo ? lo : v;
        return low > hi ? hi : low;
      },
      [lo, hi](float v) { return v >= lo && v <= hi ? 1.0f : 0.0f; });
}

Tensor log1p(const Tensor& x) {
  return pointwise(
      "Log1p", x, [](float v) { return std::log1p(v); }, [](float v) { return 1.0f / (1.0f + v); });
}

Tensor leaky_relu(const Tensor& x, float negative_slope) {
  return pointwise(
      "LeakyRelu", x, [negative_slope](float v) { return v > 0.0f ? v : v * negative_slope; },
      [negative_slope](float v) { return v > 0.0f ? 1.0f : negative_slope; });
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
  BYO_CHECK(approximate == "none" || approximate == "tanh")
      << "gelu: approximate must be \"none\" or \"tanh\", got \"" << approximate << "\"";
  if (approximate == "none") {
    // y = x·Φ(x), dy/dx = Φ(x) + x·φ(x).
    return pointwise(
        "Gelu", x, [](float v) { return v * normal_cdf(v); },
        [](float v) { return normal_cdf(v) + v * normal_pdf(v); });
  }
  // y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³):
  // dy/dx = ½(1 + tanh u) + ½x(1 - tanh² u)·√(2/π)(1 + 3·0.044715x²).
  return pointwise(
      "Gelu", x,
      [](float v) {
        return 0.5f * v * (1.0f + std::tanh(kGeluTanhScale * (v + kGeluTanhCubic * v * v * v)));
      },
      [](float v) {
        const float t = std::tanh(kGeluTanhScale * (v + kGeluTanhCubic * v * v * v));
        return 0.5f * (1.0f + t) +
               0.5f * v * (1.0f - t * t) * kGeluTanhScale * (1.0f + 3.0f * kGeluTanhCubic * v * v);
      });
}

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum("maximum", a, b, true); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum("minimum", a, b, false); }

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Where", Phase::forward);
  detail::check_defined("where", condition);
  detail::check_defined("where", a);
  detail::check_defined("where", b);
  // The error names the op and the shapes that do not broadcast.
  (void)broadcast_shapes(broadcast_shapes(condition.shape(), a.shape(), "where"), b.shape(),
                         "where");
  NDArray out = byo::where(condition.data(), a.data(), b.data());
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<WhereBackward>();
  node->save_for_backward({condition.data()});
  return make_result(out, std::move(node), {condition, a, b});
}

// The smallest value is minus the largest of -x, and the first minimum of x is the first
// maximum of -x: min is two negations around max, and its gradient comes with them.
Tensor min(const Tensor& x, int64_t dim, bool keepdim) {
  detail::check_defined("min", x);
  BYO_CHECK(x.dim() > 0) << "min: a 0-d tensor has no dim " << dim;
  return neg(max(neg(x), dim, keepdim));
}

Tensor argmax(const Tensor& x) {
  profiler::Scope scope("Argmax", Phase::forward);
  detail::check_defined("argmax", x);
  BYO_CHECK(x.numel() > 0) << "argmax: the tensor of shape " << shape_str(x.shape()) << " is empty";
  return Tensor(x.data().reshape({-1}).argmax(0));
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  profiler::Scope scope("Argmax", Phase::forward);
  detail::check_defined("argmax", x);
  BYO_CHECK(x.dim() > 0) << "argmax: a 0-d tensor has no dim " << dim;
  const int64_t d = normalize_dim(dim, x.shape(), "argmax");
  BYO_CHECK(x.size(d) > 0) << "argmax: dim " << dim << " of " << shape_str(x.shape())
                           << " is empty";
  return Tensor(x.data().argmax(d, keepdim));
}

}  // namespace byo
