/// @file
/// @brief Pooling kernels for chapter 6's seam (`byo::pool_kernels()`), threaded over images.
///
/// Same results as chapter 6's loops (byo/pool_kernels.h), bit for bit: each window is
/// summed, or searched for its first maximum, in the same order. What changes is the work
/// around it: the window bounds of every output row and column are worked out once per
/// call instead of once per output, image planes are spread over the OpenMP threads, and
/// the common case of LeNet — windows that tile the input (stride = kernel, no padding) —
/// has loops without bounds checks that the compiler vectorises.
#pragma once

#include <cstdint>

#include "byo/pool_kernels.h"

namespace byo {

/// @brief avg_pool2d forward. x is (N,C,H,W), out is (N,C,P,Q).
void avg_pool2d_forward_fast(const ConvGeometry& g, const float* x, float* out);
/// @brief avg_pool2d backward. grad_out is (N,C,P,Q), grad_x is (N,C,H,W), overwritten.
void avg_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, float* grad_x);
/// @brief max_pool2d forward with argmax (h·W + w). x is (N,C,H,W), out, argmax (N,C,P,Q).
void max_pool2d_forward_fast(const ConvGeometry& g, const float* x, float* out, int64_t* argmax);
/// @brief max_pool2d backward. grad_out, argmax are (N,C,P,Q), grad_x is (N,C,H,W).
void max_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                              float* grad_x);

/// @brief The four kernels above as a table for `pool_kernels()`.
PoolKernels fast_pool_kernels();

}  // namespace byo
