/// @file
/// @brief Exercise 2, solution: softplus(x) = log(1 + e^x) as one operation.
#include <algorithm>
#include <cmath>

#include "ch02_exercises.h"

namespace byo::scalar::exercises {

Scalar softplus(const Scalar& x) {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| <= 1 never overflows.
  const double value = std::max(x.data(), 0.0) + std::log1p(std::exp(-std::abs(x.data())));
  return Scalar::make(value, {x}, "softplus", [](const Node& out) {
    // d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x), also in a form that cannot overflow.
    Node& x = out.input(0);
    const double z = std::exp(-std::abs(x.data));
    const double sigmoid = x.data >= 0.0 ? 1.0 / (1.0 + z) : z / (1.0 + z);
    x.grad += sigmoid * out.grad;
  });
}

}  // namespace byo::scalar::exercises
