// Exercise 2, solution: logsumexp along a dim, forward and backward.
#include "byo/elementwise.h"
#include "byo/operators.h"
#include "ch04_exercises.h"

namespace byo::exercises {

NDArray logsumexp_forward(const NDArray& x, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim());
  const NDArray m = x.max(d, /*keepdim=*/true);  // shift so every exponent is <= 0
  return (log(exp(x - m).sum({d}, /*keepdim=*/true)) + m).squeeze(d);
}

NDArray logsumexp_backward(const NDArray& grad, const NDArray& x, const NDArray& out, int64_t dim) {
  const int64_t d = normalize_dim(dim, x.dim());
  // softmax(x) = exp(x - logsumexp(x)): never overflows, since x <= logsumexp(x).
  return grad.unsqueeze(d) * exp(x - out.unsqueeze(d));
}

}  // namespace byo::exercises
