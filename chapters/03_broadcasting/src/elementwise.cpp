/// @file
/// @brief Elementwise math, each function one line over `elementwise` or an activation kernel.
#include "byo/elementwise.h"

#include <cmath>

#include "byo/activation_kernels.h"
#include "byo/elementwise_loop.h"

namespace byo {

namespace {

// The installed kernel on contiguous floats; a strided input is copied first, so it takes
// the very same path as its contiguous copy.
NDArray activation(const char* op, const NDArray& a, ActivationKernel kernel) {
  BYO_CHECK(a.defined()) << op << ": undefined array";
  const NDArray x = a.contiguous();
  NDArray y = NDArray::empty(x.shape());
  kernel(x.data(), y.data(), x.numel());
  return y;
}

NDArray activation_grad(const char* op, const NDArray& grad, const NDArray& saved,
                        ActivationGradKernel kernel) {
  BYO_CHECK(grad.defined() && saved.defined()) << op << ": undefined array";
  BYO_CHECK(grad.shape() == saved.shape())
      << op << ": gradient of shape " << shape_str(grad.shape()) << " for a value of shape "
      << shape_str(saved.shape());
  const NDArray g = grad.contiguous();
  const NDArray s = saved.contiguous();
  NDArray out = NDArray::empty(g.shape());
  kernel(g.data(), s.data(), out.data(), g.numel());
  return out;
}

}  // namespace

NDArray exp(const NDArray& a) {
  return elementwise(
      "exp", [](float x) { return std::exp(x); }, a);
}

NDArray log(const NDArray& a) {
  return elementwise(
      "log", [](float x) { return std::log(x); }, a);
}

NDArray sqrt(const NDArray& a) {
  return elementwise(
      "sqrt", [](float x) { return std::sqrt(x); }, a);
}

NDArray tanh(const NDArray& a) {
  return elementwise(
      "tanh", [](float x) { return std::tanh(x); }, a);
}

NDArray sigmoid(const NDArray& a) { return activation("sigmoid", a, activation_kernels().sigmoid); }

NDArray relu(const NDArray& a) { return activation("relu", a, activation_kernels().relu); }

NDArray sigmoid_backward(const NDArray& grad, const NDArray& y) {
  return activation_grad("sigmoid_backward", grad, y, activation_kernels().sigmoid_backward);
}

NDArray relu_backward(const NDArray& grad, const NDArray& x) {
  return activation_grad("relu_backward", grad, x, activation_kernels().relu_backward);
}

NDArray pow(const NDArray& a, float exponent) {
  return elementwise(
      "pow", [exponent](float x) { return std::pow(x, exponent); }, a);
}

NDArray abs(const NDArray& a) {
  return elementwise(
      "abs", [](float x) { return std::fabs(x); }, a);
}

NDArray maximum(const NDArray& a, const NDArray& b) {
  return elementwise(
      "maximum", [](float x, float y) { return (x > y || std::isnan(x)) ? x : y; }, a, b);
}

NDArray minimum(const NDArray& a, const NDArray& b) {
  return elementwise(
      "minimum", [](float x, float y) { return (x < y || std::isnan(x)) ? x : y; }, a, b);
}

NDArray where(const NDArray& cond, const NDArray& a, const NDArray& b) {
  return elementwise(
      "where", [](float c, float x, float y) { return c != 0.0f ? x : y; }, cond, a, b);
}

}  // namespace byo
