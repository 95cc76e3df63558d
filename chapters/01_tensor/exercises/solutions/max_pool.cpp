/// @file
/// @brief Exercise 4, reference solution: 2x2 max pooling through a window view.
#include <limits>

#include "ch01_exercises.h"

namespace byo::exercises {

NDArray max_pool_2x2(const NDArray& x) {
  BYO_CHECK(x.dim() == 2 && x.size(0) % 2 == 0 && x.size(1) % 2 == 0)
      << "max_pool_2x2: needs a 2-D array with even sizes, got " << shape_str(x.shape());
  // Moving one window right skips two columns, one window down two rows; inside a window,
  // the steps are x's own. Every stride comes from x, none from its shape.
  const int64_t s0 = x.strides()[0];
  const int64_t s1 = x.strides()[1];
  const NDArray windows(x.storage(), {x.size(0) / 2, x.size(1) / 2, 2, 2}, {2 * s0, 2 * s1, s0, s1},
                        x.offset());
  return windows.reduce({2, 3}, false, -std::numeric_limits<float>::infinity(),
                        [](float a, float b) { return a > b ? a : b; });
}

}  // namespace byo::exercises
