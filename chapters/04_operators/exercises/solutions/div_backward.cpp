// Exercise 1, solution: the backward of a broadcasting division.
#include "byo/broadcast.h"
#include "byo/operators.h"
#include "ch04_exercises.h"

namespace byo::exercises {

std::vector<NDArray> div_backward(const NDArray& grad, const NDArray& a, const NDArray& b) {
  // Each gradient has out's (broadcast) shape until sum_to folds it back to its input's.
  return {sum_to(grad / b, a.shape()), sum_to(-grad * a / (b * b), b.shape())};
}

}  // namespace byo::exercises
