/// @file
/// @brief Chapter 6 exercises: write two backward loops yourself.
///
/// Edit max_pool_backward.cpp and conv_grad_weight.cpp in this folder, then grade them:
///
///     cmake --build build --target ch06_grade
///
/// The grader wraps your loop in a Tensor op and runs gradcheck on it.
#pragma once

#include <cstdint>

#include "byo/conv_geometry.h"

namespace byo::exercises {

/// @brief Exercise 1: route each output gradient of max pooling to the input cell that
///        won its window. grad_out and argmax are (N,C,P,Q); argmax holds h·W + w of the
///        winning cell within its (H,W) plane; grad_x is (N,C,H,W) and must be overwritten.
void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x);

/// @brief Exercise 2: the weight and bias gradients of conv2d. x is (N,C,H,W), grad_out is
///        (N,K,P,Q), grad_w is (K,C,R,S) and grad_bias is (K); overwrite both.
void conv2d_grad_weight(const ConvGeometry& g, const float* x, const float* grad_out, float* grad_w,
                        float* grad_bias);

}  // namespace byo::exercises
