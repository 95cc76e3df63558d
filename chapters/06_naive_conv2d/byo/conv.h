/// @file
/// @brief The differentiable ops of chapter 6: conv2d, avg_pool2d and max_pool2d.
///
/// Each is a chapter 4 op: a forward on NDArrays, and a Node whose backward turns the
/// output's gradient into the inputs' gradients. The heavy loops live in
/// byo/conv_kernels.h (convolution, replaceable) and byo/pool_kernels.h (pooling).
#pragma once

#include <vector>

#include "byo/conv_geometry.h"
#include "byo/tensor.h"

namespace byo {

/// @brief 2-D convolution (really cross-correlation, as in every framework).
///        x is (N,C,H,W), weight is (K,C,R,S), bias is (K) or undefined; the result is
///        (N,K,P,Q). Shapes that cannot work are a byo::Error naming them.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride = {1, 1},
              Size2 padding = {0, 0});

/// @brief conv2d's backward, also the last step of every op that ends in a convolution
///        (chapter 7's fused convolution-and-pooling ops). From grad_output (N,K,P,Q),
///        contiguous, and the forward's contiguous x (N,C,H,W) and weight (K,C,R,S): the
///        gradients of x, weight and, if `has_bias`, bias (K), each computed only if
///        `node` needs it and undefined otherwise.
std::vector<NDArray> conv2d_backward(const Node& node, const ConvGeometry& g, const NDArray& x,
                                     const NDArray& weight, bool has_bias,
                                     const NDArray& grad_output);

/// @brief Mean over each kernel window of each channel; x is (N,C,H,W). As PyTorch, the
///        divisor counts padded cells (`count_include_pad=True`).
Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding = {0, 0});
/// @brief avg_pool2d with stride equal to the kernel (non-overlapping windows).
Tensor avg_pool2d(const Tensor& x, Size2 kernel);

/// @brief Max over each kernel window of each channel; x is (N,C,H,W). Ties go to the first
///        cell in row-major order, which alone receives the gradient.
Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding = {0, 0});
/// @brief max_pool2d with stride equal to the kernel (non-overlapping windows).
Tensor max_pool2d(const Tensor& x, Size2 kernel);

}  // namespace byo
