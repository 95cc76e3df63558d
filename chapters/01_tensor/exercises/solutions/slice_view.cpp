/// @file
/// @brief Exercise 3, reference solution: slicing with a step, as a view.
#include <algorithm>

#include "ch01_exercises.h"

namespace byo::exercises {

NDArray slice_view(const NDArray& a, int64_t dim, int64_t start, int64_t stop, int64_t step) {
  const int64_t d = normalize_dim(dim, a.dim());
  BYO_CHECK(step > 0) << "slice_view: step must be positive, got " << step;
  const int64_t size = a.shape()[d];
  auto clamp = [size](int64_t i) { return std::clamp(i < 0 ? i + size : i, int64_t{0}, size); };
  start = clamp(start);
  stop = std::max(clamp(stop), start);
  Shape shape = a.shape();
  Strides strides = a.strides();
  shape[d] = (stop - start + step - 1) / step;
  strides[d] *= step;
  return NDArray(a.storage(), shape, strides, a.offset() + start * a.strides()[d]);
}

}  // namespace byo::exercises
