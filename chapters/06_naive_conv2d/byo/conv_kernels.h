/// @file
/// @brief The convolution kernels' seam: the loops that chapter 7 replaces with GEMMs.
///
/// As `byo::kernels()` of chapter 1 holds the matrix product, `byo::conv_kernels()` holds
/// the three loops of a convolution. The ops in byo/conv.h only ever call through this
/// table. This chapter fills it with the plain loops below; chapter 7's
/// `byo::use_fast_kernels()` refills it with im2col + GEMM, and the loops stay here as the
/// oracle the fast kernels are tested against.
///
/// All buffers are contiguous; the sizes come from a ConvGeometry.
#pragma once

#include "byo/conv_geometry.h"

namespace byo {

/// @brief out = conv(x, w) + bias. x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null,
///        out is (N,K,P,Q) and is overwritten.
using Conv2dForwardKernel = void (*)(const ConvGeometry& g, const float* x, const float* w,
                                     const float* bias, float* out);
/// @brief grad_x = ∂loss/∂x. grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W) and
///        is overwritten.
using Conv2dGradInputKernel = void (*)(const ConvGeometry& g, const float* grad_out, const float* w,
                                       float* grad_x);
/// @brief grad_w = ∂loss/∂w and grad_bias = ∂loss/∂bias. x is (N,C,H,W), grad_out is
///        (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K) or null; both are overwritten.
using Conv2dGradWeightKernel = void (*)(const ConvGeometry& g, const float* x,
                                        const float* grad_out, float* grad_w, float* grad_bias);

/// @brief The table of replaceable convolution kernels that chapter 6 declares.
struct ConvKernels {
  Conv2dForwardKernel forward;         ///< Used by conv2d's forward.
  Conv2dGradInputKernel grad_input;    ///< Used by conv2d's backward, for x.
  Conv2dGradWeightKernel grad_weight;  ///< Used by conv2d's backward, for w and bias.
  const char* name;                    ///< "naive" or the name of the installed set.
};

/// @brief The installed convolution kernels (the loops below until chapter 7 swaps them).
ConvKernels& conv_kernels();

/// @brief The naive loops, installed by default.
ConvKernels naive_conv_kernels();

/// @brief Forward as seven nested loops: out[n,k,p,q] = bias[k] + Σ_c Σ_r Σ_s x·w.
void conv2d_forward_naive(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                          float* out);
/// @brief Every output gradient scattered back onto the inputs its window read.
void conv2d_grad_input_naive(const ConvGeometry& g, const float* grad_out, const float* w,
                             float* grad_x);
/// @brief Every output gradient times the input under each filter tap, summed.
void conv2d_grad_weight_naive(const ConvGeometry& g, const float* x, const float* grad_out,
                              float* grad_w, float* grad_bias);

}  // namespace byo
