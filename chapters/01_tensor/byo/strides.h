/// @file
/// @brief Stride arithmetic as small free functions, each tested on its own.
///
/// An N-dimensional array is a flat buffer plus three things: a shape, a stride per
/// dimension (how many floats to step to move one along that dimension), and an offset.
/// Element (i0, i1, ..., ik) lives at `offset + i0*stride0 + i1*stride1 + ... + ik*stridek`.
/// Every view (transpose, slice, expand, ...) is only a new shape, strides and offset.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace byo {

/// @brief Sizes of the dimensions, outermost first: {N, C, H, W}.
using Shape = std::vector<int64_t>;
/// @brief Floats to step per dimension; may be 0 (broadcast) but never negative here.
using Strides = std::vector<int64_t>;

/// @brief Number of elements of `shape` (1 for the 0-d shape {}).
int64_t numel(const Shape& shape);

/// @brief Row-major (C-contiguous) strides: the last dimension has stride 1.
Strides contiguous_strides(const Shape& shape);

/// @brief True if `strides` are the row-major strides of `shape` (size-1 dims don't count).
bool is_contiguous(const Shape& shape, const Strides& strides);

/// @brief Maps a possibly negative `dim` into [0, ndim); throws `byo::Error` if out of range.
int64_t normalize_dim(int64_t dim, int64_t ndim);

/// @brief As normalize_dim(dim, ndim), but the error names the operation and the shape:
///        "transpose: dimension 2 out of range for shape [2, 3] (expected one in [-2, 1])".
int64_t normalize_dim(int64_t dim, const Shape& shape, const char* op);

/// @brief Position in storage of the element at `index`: `base + sum(index[d] * strides[d])`.
int64_t offset_of(std::span<const int64_t> index, const Strides& strides, int64_t base = 0);

/// @brief The multi-index of the `flat`-th element in row-major order.
void unravel_index(int64_t flat, const Shape& shape, std::span<int64_t> index);

/// @brief Advances `index` to the next element in row-major order, like an odometer.
/// @return false once it wraps past the last element (and `index` is all zeros again).
bool next_index(std::span<int64_t> index, const Shape& shape);

/// @brief Resolves one -1 in `requested` from the element count of `from`; checks sizes.
Shape infer_reshape(const Shape& from, const Shape& requested);

/// @brief Strides that let an array of `shape`/`strides` be viewed as `new_shape` without a
///        copy, or nothing if no such strides exist (PyTorch's rule for `view`).
///
/// A view is possible when every group of old dimensions that merges or splits into new
/// ones is itself contiguous "within the group": a transposed matrix can be split along a
/// dimension, but cannot be flattened.
std::optional<Strides> view_strides(const Shape& shape, const Strides& strides,
                                    const Shape& new_shape);

/// @brief True if two different indices of `shape` reach the same element through
///        `strides`: a dimension of size > 1 with stride 0, as `expand` makes. Writing
///        through such a view is refused (several elements alias one float).
bool has_internal_overlap(const Shape& shape, const Strides& strides);

/// @brief "[2, 3, 4]": how every error message prints a shape.
std::string shape_str(const Shape& shape);

}  // namespace byo
