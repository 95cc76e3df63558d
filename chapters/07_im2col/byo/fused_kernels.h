/// @file
/// @brief This chapter's own seam: kernels that span several of the earlier chapters',
///        the weight gradient of a first layer taken straight from the gradient of the
///        pooling after it.
///
/// Apart, the pooling's backward (and the sigmoid's, in classic LeNet) write the gradient of
/// the convolution's output, and the convolution's weight gradient reads it back:
///
///     grad of pooled (N,K,P',Q') ──max_backward──▶ grad_z (N,K,P,Q) ──grad_weight──▶ grad_w
///
/// For LeNet's first layer grad_z is 19 KB an image, four times the pooled gradient, and
/// its weight gradient (src/conv_lanes.cpp) reads it only to copy it into its own layout.
/// A fused kernel builds that layout from the pooled gradient directly (and, after a
/// sigmoid, from the y the forward saved). It computes the same values and sums the same
/// products in the same order, so the bits are those of the kernels apart.
///
/// The table follows the other four (byo/fast_kernels.h), with one difference: it has no
/// naive loops of its own. Its naive entries are null, and the ops then run the installed
/// pooling, activation and convolution kernels one after the other (src/fused.cpp).
#pragma once

#include <cstdint>

#include "byo/conv_geometry.h"

namespace byo {

/// @brief The gradient a max pooling's backward receives, and what its forward recorded.
struct MaxPoolGrad {
  ConvGeometry pool;       ///< The pooling: its input is the convolution's output.
  const float* grad;       ///< (N,K,P',Q'): the gradient of the pooling's output.
  const int64_t* winners;  ///< (N,K,P',Q'): the cell h·Q + w of each window's maximum.
};

/// @brief The gradient an average pooling's backward receives, and the sigmoid's output
///        that came before it.
struct SigmoidAvgPoolGrad {
  ConvGeometry pool;  ///< The pooling: its input is σ of the convolution's output.
  const float* grad;  ///< (N,K,P',Q'): the gradient of the pooling's output.
  const float* y;     ///< (N,K,P,Q): σ(z), the sigmoid's output, saved by the forward.
};

/// @brief grad_w and grad_bias of the convolution `g` whose output went through the max
///        pooling of `pooled`, as if the pooling's backward had written grad_z (N,K,P,Q)
///        and conv_kernels().grad_weight read it. x is (N,C,H,W), grad_w is (K,C,R,S),
///        grad_bias is (K) or null; both are overwritten.
using Conv2dGradWeightMaxPoolKernel = void (*)(const ConvGeometry& g, const float* x,
                                               const MaxPoolGrad& pooled, float* grad_w,
                                               float* grad_bias);

/// @brief grad_w and grad_bias of the convolution `g` whose output z went through a sigmoid
///        and an average pooling, as if their backwards had written grad_z (N,K,P,Q) and
///        conv_kernels().grad_weight read it. x is (N,C,H,W), grad_w is (K,C,R,S), grad_bias
///        is (K) or null; both are overwritten.
using Conv2dGradWeightSigmoidAvgPoolKernel = void (*)(const ConvGeometry& g, const float* x,
                                                      const SigmoidAvgPoolGrad& pooled,
                                                      float* grad_w, float* grad_bias);

/// @brief The table of kernels that span several of the earlier chapters' tables.
struct FusedKernels {
  /// Used by conv2d_max_pool2d's backward when x needs no gradient; null: run the pooling's
  /// and the convolution's installed kernels apart.
  Conv2dGradWeightMaxPoolKernel grad_weight_max_pool;
  /// Used by conv2d_sigmoid_avg_pool2d's backward when x needs no gradient; null: run the
  /// pooling's, the sigmoid's and the convolution's installed kernels apart.
  Conv2dGradWeightSigmoidAvgPoolKernel grad_weight_sigmoid_avg_pool;
  const char* name;  ///< "naive" or the name of the installed set.
};

/// @brief The installed fused kernels (the naive table until use_fast_kernels()).
FusedKernels& fused_kernels();

/// @brief Null entries: every op runs its kernels apart.
FusedKernels naive_fused_kernels();

/// @brief The fast table: conv2d_grad_weight_max_pool_fast and
///        conv2d_grad_weight_sigmoid_avg_pool_fast.
FusedKernels fast_fused_kernels();

/// @brief The images-in-lanes weight gradient (conv2d_grad_weight_lanes) where it applies,
///        its output gradient built from the pooled one in its own layout; elsewhere
///        max_pool2d_backward_fast, then conv2d_grad_weight_gemm.
void conv2d_grad_weight_max_pool_fast(const ConvGeometry& g, const float* x,
                                      const MaxPoolGrad& pooled, float* grad_w, float* grad_bias);

/// @brief The images-in-lanes weight gradient where it applies, its output gradient
///        computed from the pooled one and y in its own layout; elsewhere
///        avg_pool2d_backward_fast, sigmoid_backward_fast, then conv2d_grad_weight_gemm.
void conv2d_grad_weight_sigmoid_avg_pool_fast(const ConvGeometry& g, const float* x,
                                              const SigmoidAvgPoolGrad& pooled, float* grad_w,
                                              float* grad_bias);

}  // namespace byo
