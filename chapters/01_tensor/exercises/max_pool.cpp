/// @file
/// @brief Exercise 4: 2x2 max pooling through a window view, correct for any layout.
///
/// Window (p, q) covers x[2p + i, 2q + j] for i, j in {0, 1}. Build one 4-D view,
/// shape (H/2, W/2, 2, 2), over x's storage, so that element (p, q, i, j) of the view is
/// x[2p + i, 2q + j]; then take the maximum over its last two dimensions with
/// reduce({2, 3}, ...). The chapter's README shows what goes wrong when the view's strides
/// are computed from the shape: derive them from x.strides() and x.offset() instead.
#include "byo/check.h"
#include "ch01_exercises.h"

namespace byo::exercises {

NDArray max_pool_2x2([[maybe_unused]] const NDArray& x) {
  BYO_NOT_IMPLEMENTED();  // your window view here
}

}  // namespace byo::exercises
