/// @file
/// @brief `conv2d_sigmoid_avg_pool2d`: a convolution, its sigmoid and the average pooling
///        after it as one op, run a chunk of images at a time so that what one kernel
///        writes, the next reads from the cache.
///
/// Apart, the three ops pass two full activations through memory: the convolution writes
/// its output z and the sigmoid reads it back, and the pooling reads back the sigmoid's y.
/// For LeNet's first layer at batch 128 each is 2.4 MB, more than a core's L2 cache, and
/// the sigmoid and the pooling do so little per float that the traffic is their time.
/// Fused, a chunk's z never leaves the cache; only y, which the sigmoid's backward needs,
/// is written out. The backward runs the pooling's and the sigmoid's backward chunk by
/// chunk the same way, then the convolution's over the whole batch. Every step is the
/// installed kernels' own (chapter 6's seams), on fewer images at a time, so the bits are
/// those of `avg_pool2d(sigmoid(conv2d(x, weight, bias, stride, padding)), pool)`.
#pragma once

#include "byo/conv_geometry.h"
#include "byo/tensor.h"

namespace byo {

/// @brief avg_pool2d(sigmoid(conv2d(x, weight, bias, stride, padding)), pool) (pooling
///        windows that tile: stride = pool, no padding) in one pass over the images. x is
///        (N,C,H,W), weight (K,C,R,S), bias (K) or undefined; the result is (N,K,P',Q').
///        Shapes that cannot work are a byo::Error naming them, as in conv2d and
///        avg_pool2d.
Tensor conv2d_sigmoid_avg_pool2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                 Size2 stride, Size2 padding, Size2 pool);

}  // namespace byo
