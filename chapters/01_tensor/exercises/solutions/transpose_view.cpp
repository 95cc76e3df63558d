/// @file
/// @brief Exercise 2, reference solution: transpose as a view.
#include <utility>

#include "ch01_exercises.h"

namespace byo::exercises {

NDArray transpose_view(const NDArray& a, int64_t dim0, int64_t dim1) {
  const int64_t d0 = normalize_dim(dim0, a.dim());
  const int64_t d1 = normalize_dim(dim1, a.dim());
  Shape shape = a.shape();
  Strides strides = a.strides();
  std::swap(shape[d0], shape[d1]);
  std::swap(strides[d0], strides[d1]);
  return NDArray(a.storage(), shape, strides, a.offset());
}

}  // namespace byo::exercises
