/// @file
/// @brief Exercise 1: write tanh's backward function.
///
/// The forward pass is written: the new node holds tanh(x) in `out.data`. Replace the
/// BYO_NOT_IMPLEMENTED() line by the chain rule: add d(tanh x)/dx times `out.grad` to the
/// gradient of the input, `out.input(0).grad`. Hint: tanh'(x) = 1 - tanh(x)^2, and tanh(x)
/// is already computed. Add (+=), don't assign: x may be used elsewhere in the graph too.
#include <cmath>

#include "byo/check.h"
#include "ch02_exercises.h"

namespace byo::scalar::exercises {

Scalar tanh_exercise(const Scalar& x) {
  return Scalar::make(std::tanh(x.data()), {x}, "tanh", []([[maybe_unused]] const Node& out) {
    BYO_NOT_IMPLEMENTED();  // your backward here
  });
}

}  // namespace byo::scalar::exercises
