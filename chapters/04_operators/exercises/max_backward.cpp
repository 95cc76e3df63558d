// Exercise 3: the backward of max along a dim — mind the ties!
//
// out = max of x along dim. Each slice's gradient belongs to the element that was the
// maximum; the others get 0. With ties, e.g. max([1, 3, 3]), the tempting mask
// (x == max) selects BOTH 3s and doubles the gradient. Like torch.max(x, dim), send it to
// one element only: the first maximum, the index that NDArray::argmax returns.
// Useful: NDArray::argmax(dim, keepdim), NDArray::arange, reshape, unsqueeze, and the
// comparison operators of byo/operators.h (they give 0/1 masks and broadcast).
#include "byo/check.h"
#include "byo/operators.h"
#include "ch04_exercises.h"

namespace byo::exercises {

NDArray max_backward(const NDArray& grad, const NDArray& x, int64_t dim, bool keepdim) {
  (void)grad;
  (void)x;
  (void)dim;
  (void)keepdim;
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
