/// @file
/// @brief Exercise 1, solution: tanh's backward function.
#include <cmath>

#include "ch02_exercises.h"

namespace byo::scalar::exercises {

Scalar tanh_exercise(const Scalar& x) {
  return Scalar::make(std::tanh(x.data()), {x}, "tanh", [](const Node& out) {
    // d(tanh x)/dx = 1 - tanh(x)^2, and tanh(x) is this node's own value.
    out.input(0).grad += (1.0 - out.data * out.data) * out.grad;
  });
}

}  // namespace byo::scalar::exercises
