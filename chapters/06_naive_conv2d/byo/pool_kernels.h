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
///
/// As the convolution's (byo/conv_kernels.h), the pooling ops call these loops through a
/// table, `byo::pool_kernels()`, which chapter 7's `byo::use_fast_kernels()` refills; the
/// loops below stay the oracle.
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
///        (as PyTorch's `return_indices`). x is (N,C,H,W), out and argmax are (N,C,P,Q);
///        argmax may be null when no gradient is wanted (inference), and is then skipped.
void max_pool2d_forward(const ConvGeometry& g, const float* x, float* out, int64_t* argmax);

/// @brief Routes each output gradient to the one cell its forward chose. grad_out and argmax
///        are (N,C,P,Q), grad_x is (N,C,H,W) and is overwritten.
void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x);

/// @brief out = avg_pool(x). x is (N,C,H,W), out is (N,C,P,Q).
using AvgPool2dForwardKernel = void (*)(const ConvGeometry& g, const float* x, float* out);
/// @brief grad_x from grad_out (N,C,P,Q); grad_x (N,C,H,W) is overwritten.
using AvgPool2dBackwardKernel = void (*)(const ConvGeometry& g, const float* grad_out,
                                         float* grad_x);
/// @brief out = max_pool(x) and, unless argmax is null, the argmax of each window (h·W + w).
using MaxPool2dForwardKernel = void (*)(const ConvGeometry& g, const float* x, float* out,
                                        int64_t* argmax);
/// @brief grad_x from grad_out and argmax (N,C,P,Q); grad_x (N,C,H,W) is overwritten.
using MaxPool2dBackwardKernel = void (*)(const ConvGeometry& g, const float* grad_out,
                                         const int64_t* argmax, float* grad_x);

/// @brief The table of replaceable pooling kernels that chapter 6 declares.
struct PoolKernels {
  AvgPool2dForwardKernel avg_forward;    ///< Used by avg_pool2d's forward.
  AvgPool2dBackwardKernel avg_backward;  ///< Used by avg_pool2d's backward.
  MaxPool2dForwardKernel max_forward;    ///< Used by max_pool2d's forward.
  MaxPool2dBackwardKernel max_backward;  ///< Used by max_pool2d's backward.
  const char* name;                      ///< "naive" or the name of the installed set.
};

/// @brief The installed pooling kernels (the loops above until chapter 7 swaps them).
PoolKernels& pool_kernels();

/// @brief The loops above, installed by default.
PoolKernels naive_pool_kernels();

}  // namespace byo
