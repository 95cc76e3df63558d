/// @file
/// @brief Exercise 2: a new operation, softplus(x) = log(1 + e^x), forward and backward.
///
/// Make one node with Scalar::make (see byo/scalar.h): compute the value from x.data(),
/// and give it a backward that adds d(softplus)/dx * out.grad to out.input(0).grad.
/// Two things to work out:
///  - the derivative of log(1 + e^x): it is a function you have met in this chapter;
///  - a forward that stays finite: e^x overflows for x > 709, yet softplus(800) = 800.
///    Hint: log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), and std::log1p is accurate.
#include <cmath>

#include "byo/check.h"
#include "ch02_exercises.h"

namespace byo::scalar::exercises {

Scalar softplus([[maybe_unused]] const Scalar& x) {
  BYO_NOT_IMPLEMENTED();  // your operation here
}

}  // namespace byo::scalar::exercises
