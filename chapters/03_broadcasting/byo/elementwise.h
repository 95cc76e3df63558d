/// @file
/// @brief Elementwise math on NDArrays: exp, log, sigmoid, relu, maximum, where, ...
///
/// Each is one line over the chapter's loop (`elementwise`), so each works on any strides
/// and the binary ones broadcast; sigmoid and relu, and their gradients, call the installed
/// activation kernels instead (byo/activation_kernels.h). These are the computations that
/// chapter 4 wraps with gradients.
#pragma once

#include "byo/ndarray.h"

namespace byo {

/// @brief e^x, elementwise.
NDArray exp(const NDArray& a);
/// @brief Natural logarithm, elementwise (-inf at 0, NaN below, as in IEEE).
NDArray log(const NDArray& a);
/// @brief Square root, elementwise (NaN below 0).
NDArray sqrt(const NDArray& a);
/// @brief Hyperbolic tangent, elementwise.
NDArray tanh(const NDArray& a);
/// @brief 1 / (1 + e^-x), computed without overflow for any x.
NDArray sigmoid(const NDArray& a);
/// @brief max(x, 0), elementwise (NaN stays NaN, as in PyTorch).
NDArray relu(const NDArray& a);
/// @brief The gradient of sigmoid: grad · y · (1 − y), where y = sigmoid(x); same shapes.
NDArray sigmoid_backward(const NDArray& grad, const NDArray& y);
/// @brief The gradient of relu: grad where x > 0, else 0; same shapes.
NDArray relu_backward(const NDArray& grad, const NDArray& x);
/// @brief x^exponent, elementwise (as `std::pow`).
NDArray pow(const NDArray& a, float exponent);
/// @brief |x|, elementwise.
NDArray abs(const NDArray& a);
/// @brief The larger of a and b, elementwise and broadcasting; NaN if either is NaN.
NDArray maximum(const NDArray& a, const NDArray& b);
/// @brief The smaller of a and b, elementwise and broadcasting; NaN if either is NaN.
NDArray minimum(const NDArray& a, const NDArray& b);
/// @brief a where `cond` is nonzero, else b; the three shapes broadcast together.
NDArray where(const NDArray& cond, const NDArray& a, const NDArray& b);

}  // namespace byo
