/// @file
/// @brief A convolution and the pooling after it as one op, run a chunk of images at a
///        time so that what one kernel writes, the next reads from the cache:
///        `conv2d_sigmoid_avg_pool2d` (classic LeNet) and `conv2d_max_pool2d` (modern).
///
/// Apart, the ops pass full activations through memory: the convolution writes its
/// output z and the next op reads it back. For LeNet's first layer at batch 128 that is
/// 2.4 MB, more than a core's L2 cache, and the sigmoid and the pooling do so little per
/// float that the traffic is their time. Fused, a chunk's z never leaves the cache: with
/// max pooling it is not written out at all, since the backward needs only which cell of
/// each window won; with the sigmoid only y = σ(z), which its backward needs, is. The
/// backward runs the pooling's (and the sigmoid's) backward, chunk by chunk where it pays,
/// then the convolution's over the whole batch. Every step is the installed kernels' own
/// (chapter 6's seams), on fewer images at a time, so the bits are those of the ops apart.
/// In a first layer with max pooling, whose x needs no gradient, the pooling's backward and
/// the weight gradient are one installed kernel instead (byo/fused_kernels.h), with the same
/// bits.
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

/// @brief max_pool2d(conv2d(x, weight, bias, stride, padding), pool) (windows that tile)
///        in one pass over the images: the convolution's output stays in the cache and is
///        never written out, since the max pooling's backward needs only which cell of
///        each window won. x is (N,C,H,W), weight (K,C,R,S), bias (K) or undefined; the
///        result is (N,K,P',Q'). A ReLU after the pooling gives modern LeNet's
///        relu(max_pool2d(conv2d(...))), which equals max_pool2d(relu(conv2d(...))).
Tensor conv2d_max_pool2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
                         Size2 padding, Size2 pool);

}  // namespace byo
