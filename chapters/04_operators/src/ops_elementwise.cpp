// Elementwise ops, each its forward and its backward side by side. Binary ops broadcast;
// each input's gradient is summed back to its shape (sum_to).
#include <cmath>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/elementwise.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "op_util.h"

namespace byo {

using detail::Grads;
using detail::Op;

// out = a + b: each input gets the output gradient, reduced to its own shape.
Tensor add(const Tensor& a, const Tensor& b) {
  Op op("Add", "add", {a, b});
  op.check_broadcastable();
  return op.record(a.data() + b.data(), {}, [](const Node& n, const NDArray& g) -> Grads {
    const Edge* e = n.next_edges().data();
    return {n.needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            n.needs_input_grad(1) ? sum_to(g, e[1].shape) : NDArray()};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Op op("Sub", "sub", {a, b});
  op.check_broadcastable();
  return op.record(a.data() - b.data(), {}, [](const Node& n, const NDArray& g) -> Grads {
    const Edge* e = n.next_edges().data();
    return {n.needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            n.needs_input_grad(1) ? sum_to(-g, e[1].shape) : NDArray()};
  });
}

// out = a * b: d/da = g * b, d/db = g * a (saved: a, b).
Tensor mul(const Tensor& a, const Tensor& b) {
  Op op("Mul", "mul", {a, b});
  op.check_broadcastable();
  return op.record(a.data() * b.data(), {a.data(), b.data()},
                   [](const Node& n, const NDArray& g) -> Grads {
                     const NDArray &x = n.saved(0), &y = n.saved(1);
                     return {n.needs_input_grad(0) ? sum_to(g * y, x.shape()) : NDArray(),
                             n.needs_input_grad(1) ? sum_to(g * x, y.shape()) : NDArray()};
                   });
}

// out = a / b: d/da = g / b, d/db = -g * a / b² (saved: a, b).
Tensor div(const Tensor& a, const Tensor& b) {
  Op op("Div", "div", {a, b});
  op.check_broadcastable();
  return op.record(
      a.data() / b.data(), {a.data(), b.data()}, [](const Node& n, const NDArray& g) -> Grads {
        const NDArray &x = n.saved(0), &y = n.saved(1);
        return {n.needs_input_grad(0) ? sum_to(g / y, x.shape()) : NDArray(),
                n.needs_input_grad(1) ? sum_to(-g * x / (y * y), y.shape()) : NDArray()};
      });
}

Tensor neg(const Tensor& x) {
  Op op("Neg", "neg", {x});
  return op.record(-x.data(), {}, [](const Node&, const NDArray& g) -> Grads { return {-g}; });
}

// out = x^p: d/dx = g * p * x^(p-1) (saved: x).
Tensor pow(const Tensor& x, float exponent) {
  Op op("Pow", "pow", {x});
  return op.record(byo::pow(x.data(), exponent), {x.data()},
                   [p = exponent](const Node& n, const NDArray& g) -> Grads {
                     return {g.zip(n.saved(0), [p](float gi, float xi) {
                       return gi * p * std::pow(xi, p - 1.0f);
                     })};
                   });
}

// The unary ops whose derivative is a function of the output y (saved: y).
Tensor exp(const Tensor& x) {
  Op op("Exp", "exp", {x});
  const NDArray y = byo::exp(x.data());
  return op.record(y, {y}, [](const Node& n, const NDArray& g) -> Grads {
    return {g.zip(n.saved(0), [](float gi, float yi) { return gi * yi; })};
  });
}

Tensor sqrt(const Tensor& x) {
  Op op("Sqrt", "sqrt", {x});
  const NDArray y = byo::sqrt(x.data());
  return op.record(y, {y}, [](const Node& n, const NDArray& g) -> Grads {
    return {g.zip(n.saved(0), [](float gi, float yi) { return gi * 0.5f / yi; })};
  });
}

Tensor sigmoid(const Tensor& x) {
  Op op("Sigmoid", "sigmoid", {x});
  const NDArray y = byo::sigmoid(x.data());
  return op.record(y, {y}, [](const Node& n, const NDArray& g) -> Grads {
    return {sigmoid_backward(g, n.saved(0))};
  });
}

Tensor tanh(const Tensor& x) {
  Op op("Tanh", "tanh", {x});
  const NDArray y = byo::tanh(x.data());
  return op.record(y, {y}, [](const Node& n, const NDArray& g) -> Grads {
    return {g.zip(n.saved(0), [](float gi, float yi) { return gi * (1.0f - yi * yi); })};
  });
}

// Log and relu need the input x (saved: x).
Tensor log(const Tensor& x) {
  Op op("Log", "log", {x});
  return op.record(byo::log(x.data()), {x.data()}, [](const Node& n, const NDArray& g) -> Grads {
    return {g.zip(n.saved(0), [](float gi, float xi) { return gi / xi; })};
  });
}

Tensor relu(const Tensor& x) {
  Op op("Relu", "relu", {x});
  return op.record(byo::relu(x.data()), {x.data()}, [](const Node& n, const NDArray& g) -> Grads {
    return {relu_backward(g, n.saved(0))};
  });
}

}  // namespace byo
