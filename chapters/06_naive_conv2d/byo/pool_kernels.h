/// @file
/// @brief Average and max pooling as loops over windows, forward and backward.
///
/// Pooling slides a window over each channel on its own (a ConvGeometry with K = C and no
/// weights). Both follow PyTorch's conventions, so results match `torch.nn.functional`:
/// - avg_pool2d divides by the window's size including padded cells that lie within the
///   padded border (PyTorch's default `count_include_pad=True`).
/// - max_pool2d picks the first largest value in the window in row-major order (a tie goes
///   to the earliest cell, and only that cell receives the gradient); a NaN in the window
///   wins, so NaNs propagate.
#pragma once

#include <cstdint>

#include "byo/conv_geometry.h"

namespace byo {

/// @brief out[n,c,p,q] = mean of the window. x is (N,C,H,W), out is (N,C,P,Q).
void avg_pool2d_forward(const ConvGeometry& g, const float* x, float* out);

/// @brief Spreads each output gradient evenly over its window. grad_out is (N,C,P,Q),
///        grad_x is (N,C,H,W) and is overwritten.
void avg_pool2d_backward(const ConvGeometry& g, const float* grad_out, float* grad_x);

/// @brief out[n,c,p,q] = max of the window; argmax[n,c,p,q] = h·W + w of the cell chosen
///        (as PyTorch's `return_indices`). x is (N,C,H,W), out and argmax are (N,C,P,Q).
void max_pool2d_forward(const ConvGeometry& g, const float* x, float* out, int64_t* argmax);

/// @brief Routes each output gradient to the one cell its forward chose. grad_out and argmax
///        are (N,C,P,Q), grad_x is (N,C,H,W) and is overwritten.
void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x);

}  // namespace byo
