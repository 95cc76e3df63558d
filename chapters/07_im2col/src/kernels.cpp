/// @file
/// @brief The dispatcher seam: installs the fast or the naive kernels into chapter 1's GEMM
///        table and chapter 6's convolution table.
#include "byo/conv_gemm.h"
#include "byo/gemm.h"

namespace byo {

void use_fast_kernels() {
  kernels().gemm = gemm_parallel;
  kernels().name = "fast";
  conv_kernels() = gemm_conv_kernels();
}

void use_naive_kernels() {
  kernels().gemm = gemm_naive;
  kernels().name = "naive";
  conv_kernels() = naive_conv_kernels();
}

}  // namespace byo
