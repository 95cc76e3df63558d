/// @file
/// @brief Exercise 1: the row-major strides of a shape.
///
/// Walk the dimensions from the last to the first, keeping the number of floats one step
/// along the current dimension skips: 1 for the last one, then times each size you pass.
/// Shape {2, 3, 4} has strides {12, 4, 1}. A size of 0 multiplies as if it were 1.
#include "byo/check.h"
#include "ch01_exercises.h"

namespace byo::exercises {

Strides row_major_strides([[maybe_unused]] const Shape& shape) {
  BYO_NOT_IMPLEMENTED();  // your loop here
}

}  // namespace byo::exercises
