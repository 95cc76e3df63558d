/// @file
/// @brief Exercise 2: transpose as a view.
///
/// A view is an NDArray over the same storage with a new shape, strides and offset:
///     NDArray(a.storage(), shape, strides, offset)
/// Swapping two dimensions swaps their sizes and their strides; nothing else changes.
/// byo::normalize_dim (byo/strides.h) turns -1 into the last dimension and checks ranges.
#include "byo/check.h"
#include "ch01_exercises.h"

namespace byo::exercises {

NDArray transpose_view([[maybe_unused]] const NDArray& a, [[maybe_unused]] int64_t dim0,
                       [[maybe_unused]] int64_t dim1) {
  BYO_NOT_IMPLEMENTED();  // your view here
}

}  // namespace byo::exercises
