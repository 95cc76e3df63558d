// Exercise 1: the backward of a broadcasting division.
//
// out = a / b, where a and b broadcast to out's shape (say a is [3, 4] and b is [4]).
// Elementwise, d out/d a = 1/b and d out/d b = -a/b². Multiply by the incoming gradient,
// then reduce each result to its input's shape: an input that was stretched over a
// dimension received gradient from every copy, so those contributions add up.
// Useful: the operators of byo/operators.h and sum_to of byo/broadcast.h.
#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/operators.h"
#include "ch04_exercises.h"

namespace byo::exercises {

std::vector<NDArray> div_backward(const NDArray& grad, const NDArray& a, const NDArray& b) {
  (void)grad;
  (void)a;
  (void)b;
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
