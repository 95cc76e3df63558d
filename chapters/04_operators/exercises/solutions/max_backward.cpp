// Exercise 3, solution: the backward of max along a dim, ties included.
#include "byo/operators.h"
#include "ch04_exercises.h"

namespace byo::exercises {

NDArray max_backward(const NDArray& grad, const NDArray& x, int64_t dim, bool keepdim) {
  const int64_t d = normalize_dim(dim, x.dim());
  // positions is 0, 1, ..., size-1 along dim (size 1 elsewhere); comparing it with the
  // argmax (keepdim) gives a one-hot mask with exactly one 1 per slice, even with ties.
  Shape positions_shape(x.dim(), 1);
  positions_shape[d] = x.size(d);
  const NDArray positions =
      NDArray::arange(0.0f, static_cast<float>(x.size(d))).reshape(positions_shape);
  const NDArray one_hot = positions == x.argmax(d, /*keepdim=*/true);
  return one_hot * (keepdim ? grad : grad.unsqueeze(d));
}

}  // namespace byo::exercises
