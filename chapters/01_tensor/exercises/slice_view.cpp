/// @file
/// @brief Exercise 3: slicing with a step, as a view.
///
/// Three things change along `dim`: the offset moves to element `start`, the stride is
/// multiplied by `step`, and the size becomes the number of elements in [start, stop)
/// taken every `step`-th one (round up). First turn negative bounds into positive ones
/// (add the size) and clamp both to [0, size]; if stop < start the slice is empty.
#include "byo/check.h"
#include "ch01_exercises.h"

namespace byo::exercises {

NDArray slice_view([[maybe_unused]] const NDArray& a, [[maybe_unused]] int64_t dim,
                   [[maybe_unused]] int64_t start, [[maybe_unused]] int64_t stop,
                   [[maybe_unused]] int64_t step) {
  BYO_NOT_IMPLEMENTED();  // your view here
}

}  // namespace byo::exercises
