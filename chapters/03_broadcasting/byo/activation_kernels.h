/// @file
/// @brief Chapter 3's kernel seam: the activations and their gradients, as replaceable loops.
///
/// The same idea as chapter 1's table (byo/kernels.h): `sigmoid`, `relu` and their
/// gradients never run a loop of their own; they call the installed kernel on contiguous
/// floats. A network spends much of its elementwise time here (every activation of
/// LeNet's first layer is 600 000 floats per batch), so chapter 7 refills the table with
/// threaded, vectorised loops. A strided input is made contiguous first, so an array and
/// its contiguous copy always go through the same kernel and give the same bits.
#pragma once

#include <cstdint>

namespace byo {

/// @brief y[i] = activation(x[i]) for i < n; x and y contiguous, x == y allowed.
using ActivationKernel = void (*)(const float* x, float* y, int64_t n);

/// @brief grad_x[i] = the activation's derivative at element i times grad[i], where
///        `saved` is what the derivative needs (the output y for sigmoid, the input x for
///        relu). All contiguous, n floats each.
using ActivationGradKernel = void (*)(const float* grad, const float* saved, float* grad_x,
                                      int64_t n);

/// @brief The table of activation kernels that chapter 3 declares.
struct ActivationKernels {
  ActivationKernel sigmoid;               ///< y = 1 / (1 + e^-x)
  ActivationGradKernel sigmoid_backward;  ///< grad_x = grad · y · (1 − y), saved = y
  ActivationKernel relu;                  ///< y = max(x, 0), NaN stays NaN
  ActivationGradKernel relu_backward;     ///< grad_x = x > 0 ? grad : 0, saved = x
  const char* name;                       ///< "naive" or "fast": which set is installed.
};

/// @brief The installed activation kernels (the naive loops until someone installs others).
ActivationKernels& activation_kernels();

/// @brief This chapter's plain loops as a table, name "naive".
ActivationKernels naive_activation_kernels();

/// @brief The oracle: σ(x) with std::exp, never overflowing.
void sigmoid_naive(const float* x, float* y, int64_t n);
/// @brief grad · y · (1 − y).
void sigmoid_backward_naive(const float* grad, const float* y, float* grad_x, int64_t n);
/// @brief x < 0 ? 0 : x.
void relu_naive(const float* x, float* y, int64_t n);
/// @brief x > 0 ? grad : 0.
void relu_backward_naive(const float* grad, const float* x, float* grad_x, int64_t n);

}  // namespace byo
