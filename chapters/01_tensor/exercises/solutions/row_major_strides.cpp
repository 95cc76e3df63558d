/// @file
/// @brief Exercise 1, reference solution: the row-major strides of a shape.
#include "ch01_exercises.h"

namespace byo::exercises {

Strides row_major_strides(const Shape& shape) {
  Strides strides(shape.size());
  int64_t step = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = step;
    step *= shape[d] > 0 ? shape[d] : 1;
  }
  return strides;
}

}  // namespace byo::exercises
