/// @file
/// @brief Chapter 3 exercises: write broadcasting's three building blocks yourself.
///
/// Edit exercises/broadcast.cpp, then grade it:
///
///     cmake --build build --target ch03_grade
///
/// The grader compares your functions with the library's `byo::broadcast_shapes`,
/// `byo::broadcast_to` and `byo::sum_to` on a table of shapes (don't call those; that would
/// be cheating yourself), and checks that bad shapes throw `byo::Error`.
#pragma once

#include "byo/ndarray.h"

/// @brief The learner's versions of this chapter's functions.
namespace byo::exercises {

/// @brief Exercise 1: NumPy's rule. Line the shapes up from the right; each pair of sizes
///        must be equal or one of them 1; missing leading sizes count as 1. Throw
///        `byo::Error` (with `BYO_CHECK`) naming both shapes when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

/// @brief Exercise 2: `a` viewed as `shape` with no copy: build an NDArray over
///        `a.storage()` with `a.offset()` and strides that are 0 on every new or stretched
///        dimension. Throw `byo::Error` if `a.shape()` does not broadcast to `shape`.
NDArray broadcast_to(const NDArray& a, const Shape& shape);

/// @brief Exercise 3: the adjoint of exercise 2: sum `a` down to `shape` (sum the leading
///        dimensions `shape` lacks and those where `shape` has 1), e.g. with `a.sum(dims,
///        true)` and a reshape. Throw `byo::Error` if `shape` does not broadcast to `a`.
NDArray sum_to(const NDArray& a, const Shape& shape);

}  // namespace byo::exercises
