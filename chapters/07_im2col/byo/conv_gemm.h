/// @file
/// @brief Convolution as matrix products: the fast kernels chapter 7 installs into chapter
///        6's seam (`byo::conv_kernels()`).
///
/// For a block of nb images, im2col turns the input into a (C·R·S, nb·P·Q) matrix whose
/// column j holds the window under output pixel j. Then each of chapter 6's three loops is
/// one GEMM per block:
///
///     forward       prod (K, nb·P·Q)     = W (K, C·R·S)      · col (C·R·S, nb·P·Q)  [+ bias]
///     grad input    dcol (C·R·S, nb·P·Q) = Wᵀ (C·R·S, K)     · dout (K, nb·P·Q),  then col2im
///     grad weight   dW   (K, C·R·S)     += dout (K, nb·P·Q)  · colᵀ (nb·P·Q, C·R·S)
///
/// Transposed operands are strided views (ConstMatrixView::t()), never copies. Blocks are
/// spread over the OpenMP threads, each running the single-threaded packed GEMM. The
/// blocks do not depend on the thread count and the weight gradient adds their sums in
/// block order, so every result is the same bits for any number of threads.
#pragma once

#include "byo/conv_kernels.h"
#include "byo/fused_kernels.h"

namespace byo {

/// @brief im2col + GEMM forward. x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null,
///        out is (N,K,P,Q).
void conv2d_forward_gemm(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                         float* out);
/// @brief GEMM + col2im input gradient. grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is
///        (N,C,H,W).
void conv2d_grad_input_gemm(const ConvGeometry& g, const float* grad_out, const float* w,
                            float* grad_x);
/// @brief im2col + GEMM weight gradient. x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is
///        (K,C,R,S), grad_bias is (K) or null.
void conv2d_grad_weight_gemm(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias);

/// @brief Whether the direct kernels below apply: one input channel, stride 1, and padding
///        smaller than the kernel (LeNet's first layer). The three kernels above then call
///        them.
bool conv2d_direct_applies(const ConvGeometry& g);
/// @brief Direct forward for conv2d_direct_applies(g): each filter tap one vector load and
///        one FMA on a zero-bordered copy of the image, no im2col.
void conv2d_forward_direct(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                           float* out);
/// @brief Direct input gradient for conv2d_direct_applies(g): the bordered output gradient
///        convolved with the flipped filters, no col2im.
void conv2d_grad_input_direct(const ConvGeometry& g, const float* grad_out, const float* w,
                              float* grad_x);
/// @brief Direct weight and bias gradient for conv2d_direct_applies(g), no im2col.
void conv2d_grad_weight_direct(const ConvGeometry& g, const float* x, const float* grad_out,
                               float* grad_w, float* grad_bias);

/// @brief Whether the forward below applies: several input channels, stride 1, SIMD
///        vectors of 8 floats or more, and at most 1024 output pixels per plane (small
///        layers such as LeNet's second, the kind it was measured on). The forward above
///        then calls it.
bool conv2d_wide_applies(const ConvGeometry& g);
/// @brief Forward for conv2d_wide_applies(g), the filters in the SIMD lanes: per tap one
///        vector of weights and a broadcast FMA per output pixel, no im2col
///        (src/conv_wide.cpp).
void conv2d_forward_wide(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                         float* out);

/// @brief Whether the weight gradient below applies: as conv2d_wide_applies, with
///        kernels of at most 5×5.
bool conv2d_wide_grad_weight_applies(const ConvGeometry& g);
/// @brief Weight and bias gradient for conv2d_wide_grad_weight_applies(g), the filters in
///        the SIMD lanes, no im2col.
void conv2d_grad_weight_wide(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias);

/// @brief Whether the wide-row input gradient applies: as conv2d_wide_applies, with an
///        output plane that, as wide as the bordered input, fits in 9 SIMD vectors.
bool conv2d_wide_grad_input_applies(const ConvGeometry& g);
/// @brief Input gradient for conv2d_wide_grad_input_applies(g): pixels in the lanes, each
///        tap's sum over the filters added to the bordered gradient at its shift, no col2im.
void conv2d_grad_input_wide(const ConvGeometry& g, const float* grad_out, const float* w,
                            float* grad_x);

/// @brief Whether the images-in-lanes input gradient applies: AVX2 or AVX-512, a batch of at
///        least one vector of images, stride 1, no padding, windows five wide and output
///        rows of at most 11 pixels (LeNet's second layer).
bool conv2d_lanes_grad_input_applies(const ConvGeometry& g);
/// @brief Input gradient for conv2d_lanes_grad_input_applies(g): one image per SIMD lane,
///        so that no lane is idle (src/conv_lanes.cpp).
void conv2d_grad_input_lanes(const ConvGeometry& g, const float* grad_out, const float* w,
                             float* grad_x);

/// @brief Whether the images-in-lanes weight gradient applies: AVX2 or AVX-512, a batch of at
///        least one vector of images, conv2d_direct_applies(g) and windows five wide
///        (LeNet's first layer).
bool conv2d_lanes_grad_weight_applies(const ConvGeometry& g);
/// @brief Weight and bias gradient for conv2d_lanes_grad_weight_applies(g): one image per
///        SIMD lane (src/conv_lanes.cpp).
void conv2d_grad_weight_lanes(const ConvGeometry& g, const float* x, const float* grad_out,
                              float* grad_w, float* grad_bias);
/// @brief Whether the two weight gradients below apply: conv2d_lanes_grad_weight_applies(g),
///        and `pool` takes 2×2 windows that tile g's output (LeNet's first layer).
bool conv2d_lanes_grad_weight_pool_applies(const ConvGeometry& g, const ConvGeometry& pool);
/// @brief conv2d_grad_weight_lanes of the output gradient a max pooling's backward would
///        give, without writing it: each window's gradient goes from the pooled gradient
///        into the images-in-lanes layout (byo/fused_kernels.h). The same bits as
///        max_pool2d_backward_fast, then conv2d_grad_weight_lanes.
void conv2d_grad_weight_lanes_max_pool(const ConvGeometry& g, const float* x,
                                       const MaxPoolGrad& pooled, float* grad_w, float* grad_bias);
/// @brief conv2d_grad_weight_lanes of the output gradient that an average pooling's and a
///        sigmoid's backward would give, computed in the images-in-lanes layout without
///        writing it. The same bits as avg_pool2d_backward_fast, sigmoid_backward_fast,
///        then conv2d_grad_weight_lanes.
void conv2d_grad_weight_lanes_sigmoid_avg_pool(const ConvGeometry& g, const float* x,
                                               const SigmoidAvgPoolGrad& pooled, float* grad_w,
                                               float* grad_bias);

/// @brief The three kernels above as a table for `conv_kernels()`.
ConvKernels fast_conv_kernels();

}  // namespace byo
