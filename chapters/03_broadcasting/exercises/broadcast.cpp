/// @file
/// @brief Your code for the chapter 3 exercises (see ch03_exercises.h and the README).
#include "byo/check.h"
#include "ch03_exercises.h"

namespace byo::exercises {

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  // Hint: walk i = 0, 1, ... from the right; a size that is missing counts as 1.
  (void)a;
  (void)b;
  BYO_NOT_IMPLEMENTED();
}

NDArray broadcast_to(const NDArray& a, const Shape& shape) {
  // Hint: NDArray(a.storage(), shape, strides, a.offset()) is the view; only the strides
  // need working out.
  (void)a;
  (void)shape;
  BYO_NOT_IMPLEMENTED();
}

NDArray sum_to(const NDArray& a, const Shape& shape) {
  // Hint: collect the dimensions to sum, then a.sum(dims, /*keepdim=*/true).reshape(shape).
  (void)a;
  (void)shape;
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
