/// @file
/// @brief The dispatcher seam: the fast tables, and the calls that install whole tables.
#include "byo/conv_gemm.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "byo/pool_fast.h"

namespace byo {

Kernels fast_kernels() {
  return {&gemm_parallel, &allocate_cached, &release_cached, &sum_lanes, &copy_tiled, "fast"};
}

FusedKernels& fused_kernels() {
  static FusedKernels table = naive_fused_kernels();
  return table;
}

FusedKernels naive_fused_kernels() { return {nullptr, nullptr, "naive"}; }

FusedKernels fast_fused_kernels() {
  return {&conv2d_grad_weight_max_pool_fast, &conv2d_grad_weight_sigmoid_avg_pool_fast, "fast"};
}

ActivationKernels fast_activation_kernels() {
  return {&sigmoid_fast, &sigmoid_backward_fast, &relu_fast, &relu_backward_fast, "fast"};
}

void use_fast_kernels() {
  kernels() = fast_kernels();
  activation_kernels() = fast_activation_kernels();
  conv_kernels() = fast_conv_kernels();
  pool_kernels() = fast_pool_kernels();
  fused_kernels() = fast_fused_kernels();
}

void use_naive_kernels() {
  kernels() = naive_kernels();
  activation_kernels() = naive_activation_kernels();
  conv_kernels() = naive_conv_kernels();
  pool_kernels() = naive_pool_kernels();
  fused_kernels() = naive_fused_kernels();
}

KernelsGuard::KernelsGuard(KernelSet set)
    : kernels_(kernels()),
      activations_(activation_kernels()),
      conv_(conv_kernels()),
      pool_(pool_kernels()),
      fused_(fused_kernels()) {
  if (set == KernelSet::fast) {
    use_fast_kernels();
  } else {
    use_naive_kernels();
  }
}

KernelsGuard::~KernelsGuard() {
  kernels() = kernels_;
  activation_kernels() = activations_;
  conv_kernels() = conv_;
  pool_kernels() = pool_;
  fused_kernels() = fused_;
}

}  // namespace byo
