/// @file
/// @brief The activation table and the plain loops that chapter 3 installs in it.
#include "byo/activation_kernels.h"

#include <cmath>

namespace byo {

ActivationKernels naive_activation_kernels() {
  return {&sigmoid_naive, &sigmoid_backward_naive, &relu_naive, &relu_backward_naive, "naive"};
}

ActivationKernels& activation_kernels() {
  static ActivationKernels table = naive_activation_kernels();
  return table;
}

void sigmoid_naive(const float* x, float* y, int64_t n) {
  // 1/(1+e^-x) overflows e^-x for very negative x; there e^x/(1+e^x) is exact instead.
  // Each branch only ever calls exp on a non-positive number.
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] >= 0.0f) {
      y[i] = 1.0f / (1.0f + std::exp(-x[i]));
    } else {
      const float e = std::exp(x[i]);
      y[i] = e / (1.0f + e);
    }
  }
}

void sigmoid_backward_naive(const float* grad, const float* y, float* grad_x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) grad_x[i] = grad[i] * y[i] * (1.0f - y[i]);
}

void relu_naive(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void relu_backward_naive(const float* grad, const float* x, float* grad_x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) grad_x[i] = x[i] > 0.0f ? grad[i] : 0.0f;
}

}  // namespace byo
