/// @file
/// @brief Broadcasting: NumPy's shape rules, stride-0 views, and `sum_to`, their adjoint.
///
/// Two shapes broadcast when, lined up from the right, every pair of sizes is equal or one
/// of them is 1 (a missing leading dimension counts as 1):
///
///     a      [8, 1, 6, 1]
///     b         [7, 1, 5]
///     result [8, 7, 6, 5]
///
/// An array is stretched to a broadcast shape without copying anything: the stretched
/// dimensions get stride 0, so every index along them reads the same element.
/// `sum_to` goes the other way, summing the stretched dimensions away; it is what the
/// gradient of every broadcasting binary operation needs (chapter 4).
#pragma once

#include <cstdint>
#include <string_view>

#include "byo/ndarray.h"
#include "byo/strides.h"

namespace byo {

/// @brief The shape that `a` and `b` broadcast to, by NumPy's rules.
///
/// Throws `byo::Error` naming both shapes and the dimension where they disagree.
Shape broadcast_shapes(const Shape& a, const Shape& b);

/// @brief As `broadcast_shapes(a, b)`, with the error message starting with `op` (the
///        operation that broadcasts, e.g. "add").
Shape broadcast_shapes(const Shape& a, const Shape& b, std::string_view op);

/// @brief True if `from` broadcasts to exactly `to` (what `broadcast_to` accepts).
bool is_broadcastable_to(const Shape& from, const Shape& to);

/// @brief The strides that view an array of `shape` and `strides` as the larger `target`:
///        the original strides, right-aligned, with 0 for every stretched or new dimension.
///
/// `shape` must broadcast to `target` (throws `byo::Error` otherwise).
Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& target);

/// @brief `a` viewed as `shape` (NumPy's `broadcast_to`): shares storage, stride 0 on every
///        stretched dimension. Throws if `a.shape()` does not broadcast to `shape`.
///
/// Several elements of the view are one element of the storage, so write through the
/// original array, never through the view.
NDArray broadcast_to(const NDArray& a, const Shape& shape);

/// @brief As `torch.Tensor.expand`: `broadcast_to`, where a size of -1 keeps that
///        dimension's size. New leading dimensions are allowed; -1 is not, for them.
NDArray expand(const NDArray& a, const Shape& shape);

/// @brief Sums `a` down to `shape`, the reduction that undoes `broadcast_to(x, a.shape())`.
///
/// Sums the leading dimensions that `shape` lacks and every dimension where `shape` has 1
/// and `a` has more. `shape` must broadcast to `a.shape()` (throws otherwise). When there
/// is nothing to sum, returns `a` itself (the same view, as PyTorch's `sum_to` does);
/// otherwise a new contiguous array.
///
/// It is broadcasting's adjoint: <broadcast_to(x, s), y> == <x, sum_to(y, x.shape())>.
NDArray sum_to(const NDArray& a, const Shape& shape);

}  // namespace byo
