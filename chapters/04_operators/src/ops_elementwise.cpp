// Elementwise ops. Binary ops broadcast; each input's gradient is summed back to its shape.
#include <cmath>
#include <memory>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/elementwise.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// out = a + b: each input gets the output gradient, reduced to its own shape.
class AddBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const Edge* e = next_edges().data();
    return {needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            needs_input_grad(1) ? sum_to(g, e[1].shape) : NDArray()};
  }
  std::string name() const override { return "Add"; }
};

class SubBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const Edge* e = next_edges().data();
    return {needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            needs_input_grad(1) ? sum_to(-g, e[1].shape) : NDArray()};
  }
  std::string name() const override { return "Sub"; }
};

// out = a * b: d/da = g * b, d/db = g * a (saved: a, b).
class MulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {needs_input_grad(0) ? sum_to(g * b, a.shape()) : NDArray(),
            needs_input_grad(1) ? sum_to(g * a, b.shape()) : NDArray()};
  }
  std::string name() const override { return "Mul"; }
};

// out = a / b: d/da = g / b, d/db = -g * a / b² (saved: a, b).
class DivBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {needs_input_grad(0) ? sum_to(g / b, a.shape()) : NDArray(),
            needs_input_grad(1) ? sum_to(-g * a / (b * b), b.shape()) : NDArray()};
  }
  std::string name() const override { return "Div"; }
};

class NegBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override { return {-g}; }
  std::string name() const override { return "Neg"; }
};

// out = x^p: d/dx = g * p * x^(p-1) (saved: x).
class PowBackward : public Node {
 public:
  explicit PowBackward(float exponent) : exponent_(exponent) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const float p = exponent_;
    return {g.zip(saved(0), [p](float gi, float xi) { return gi * p * std::pow(xi, p - 1.0f); })};
  }
  std::string name() const override { return "Pow"; }

 private:
  float exponent_;
};

// The unary ops whose derivative is a function of the output y (saved: y).
class ExpBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * y; })};
  }
  std::string name() const override { return "Exp"; }
};

class SqrtBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * 0.5f / y; })};
  }
  std::string name() const override { return "Sqrt"; }
};

class SigmoidBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * y * (1.0f - y); })};
  }
  std::string name() const override { return "Sigmoid"; }
};

class TanhBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * (1.0f - y * y); })};
  }
  std::string name() const override { return "Tanh"; }
};

// Log and relu need the input x (saved: x).
class LogBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float x) { return gi / x; })};
  }
  std::string name() const override { return "Log"; }
};

class ReluBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float x) { return x > 0.0f ? gi : 0.0f; })};
  }
  std::string name() const override { return "Relu"; }
};

// A unary op whose backward saves one array (the input or the output).
template <typename NodeT>
Tensor unary(const Tensor& x, const NDArray& out, const NDArray& keep) {
  if (!any_requires_grad({x})) return Tensor(out);
  auto node = std::make_shared<NodeT>();
  node->save_for_backward({keep});
  return make_result(out, std::move(node), {x});
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Add", Phase::forward);
  detail::check_defined("add", a);
  detail::check_defined("add", b);
  detail::check_broadcastable("add", a.shape(), b.shape());
  return make_result(a.data() + b.data(), std::make_shared<AddBackward>(), {a, b});
}

Tensor sub(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Sub", Phase::forward);
  detail::check_defined("sub", a);
  detail::check_defined("sub", b);
  detail::check_broadcastable("sub", a.shape(), b.shape());
  return make_result(a.data() - b.data(), std::make_shared<SubBackward>(), {a, b});
}

Tensor mul(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Mul", Phase::forward);
  detail::check_defined("mul", a);
  detail::check_defined("mul", b);
  detail::check_broadcastable("mul", a.shape(), b.shape());
  NDArray out = a.data() * b.data();
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<MulBackward>();
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

Tensor div(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Div", Phase::forward);
  detail::check_defined("div", a);
  detail::check_defined("div", b);
  detail::check_broadcastable("div", a.shape(), b.shape());
  NDArray out = a.data() / b.data();
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<DivBackward>();
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

Tensor neg(const Tensor& x) {
  profiler::Scope scope("Neg", Phase::forward);
  detail::check_defined("neg", x);
  return make_result(-x.data(), std::make_shared<NegBackward>(), {x});
}

Tensor pow(const Tensor& x, float exponent) {
  profiler::Scope scope("Pow", Phase::forward);
  detail::check_defined("pow", x);
  NDArray out = byo::pow(x.data(), exponent);
  if (!any_requires_grad({x})) return Tensor(out);
  auto node = std::make_shared<PowBackward>(exponent);
  node->save_for_backward({x.data()});
  return make_result(out, std::move(node), {x});
}

Tensor exp(const Tensor& x) {
  profiler::Scope scope("Exp", Phase::forward);
  detail::check_defined("exp", x);
  NDArray y = byo::exp(x.data());
  return unary<ExpBackward>(x, y, y);
}

Tensor log(const Tensor& x) {
  profiler::Scope scope("Log", Phase::forward);
  detail::check_defined("log", x);
  return unary<LogBackward>(x, byo::log(x.data()), x.data());
}

Tensor sqrt(const Tensor& x) {
  profiler::Scope scope("Sqrt", Phase::forward);
  detail::check_defined("sqrt", x);
  NDArray y = byo::sqrt(x.data());
  return unary<SqrtBackward>(x, y, y);
}

Tensor sigmoid(const Tensor& x) {
  profiler::Scope scope("Sigmoid", Phase::forward);
  detail::check_defined("sigmoid", x);
  NDArray y = byo::sigmoid(x.data());
  return unary<SigmoidBackward>(x, y, y);
}

Tensor tanh(const Tensor& x) {
  profiler::Scope scope("Tanh", Phase::forward);
  detail::check_defined("tanh", x);
  NDArray y = byo::tanh(x.data());
  return unary<TanhBackward>(x, y, y);
}

Tensor relu(const Tensor& x) {
  profiler::Scope scope("Relu", Phase::forward);
  detail::check_defined("relu", x);
  return unary<ReluBackward>(x, byo::relu(x.data()), x.data());
}

}  // namespace byo
