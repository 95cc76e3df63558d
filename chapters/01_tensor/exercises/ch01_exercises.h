/// @file
/// @brief Chapter 1's exercises: the functions you write, which the grader checks.
///
/// Each function is declared here and defined twice: in exercises/NAME.cpp, the file you
/// edit (it starts as a stub that throws byo::NotImplemented), and in
/// exercises/solutions/NAME.cpp, the reference. Grade your files with
///
///     cmake --build build --target ch01_grade
#pragma once

#include <cstdint>

#include "byo/ndarray.h"

/// @brief The learner's side of chapter 1's exercises.
namespace byo::exercises {

/// @brief Exercise 1 (row_major_strides.cpp): the strides of a contiguous array of `shape`.
///
/// The last dimension has stride 1; each dimension's stride is the next one's stride times
/// the next one's size (a size of 0 counts as 1, as in PyTorch).
Strides row_major_strides(const Shape& shape);

/// @brief Exercise 2 (transpose_view.cpp): `a` with dimensions `dim0` and `dim1` swapped, as
///        a view: the same storage, no element copied. Negative dims count from the end.
NDArray transpose_view(const NDArray& a, int64_t dim0, int64_t dim1);

/// @brief Exercise 3 (slice_view.cpp): elements start, start+step, ... < stop along `dim`,
///        as a view. Negative start/stop count from the end; both are then clamped to
///        [0, size], as Python slices are. `step` is positive.
NDArray slice_view(const NDArray& a, int64_t dim, int64_t start, int64_t stop, int64_t step);

/// @brief Exercise 4 (max_pool.cpp): 2x2 max pooling of a 2-D array (even sizes) in any
///        memory layout, through a (H/2, W/2, 2, 2) window view over its storage.
NDArray max_pool_2x2(const NDArray& x);

}  // namespace byo::exercises
