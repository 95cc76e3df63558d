/// @file
/// @brief Chapter 4 exercises: backward functions to write, graded by gradcheck.
///
/// Each function is one half of an op; grade.cpp wraps it in a Node (the extension point
/// of byo/autograd.h) and compares it to central differences. Edit the files in this
/// folder (not solutions/), then run:
///
///     cmake --build build --target ch04_grade
#pragma once

#include <cstdint>
#include <vector>

#include "byo/ndarray.h"

namespace byo::exercises {

/// @brief Exercise 1 (div_backward.cpp): the gradients of out = a / b, where a and b
///        broadcast to out's shape. Returns {d/da, d/db}, each in its input's shape.
std::vector<NDArray> div_backward(const NDArray& grad, const NDArray& a, const NDArray& b);

/// @brief Exercise 2a (logsumexp.cpp): log(sum(exp(x))) along `dim` (removed from the
///        result), finite even when x holds values like 1000 or -1000.
NDArray logsumexp_forward(const NDArray& x, int64_t dim);

/// @brief Exercise 2b (logsumexp.cpp): the gradient of logsumexp with respect to x, given
///        the output's gradient `grad`, the input `x` and the forward's output `out`.
NDArray logsumexp_backward(const NDArray& grad, const NDArray& x, const NDArray& out, int64_t dim);

/// @brief Exercise 3 (max_backward.cpp): the gradient of out = max of x along `dim`
///        (`keepdim` as in the forward). As torch.max(x, dim) and byo::max: the whole
///        gradient of a slice goes to ONE element, the first maximum (where argmax points).
NDArray max_backward(const NDArray& grad, const NDArray& x, int64_t dim, bool keepdim);

}  // namespace byo::exercises
