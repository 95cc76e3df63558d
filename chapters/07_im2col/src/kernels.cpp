/// @file
/// @brief The dispatcher seam: installs the fast or the naive kernels into chapter 1's GEMM
///        table and chapter 6's convolution and pooling tables.
#include "byo/conv_gemm.h"
#include "byo/gemm.h"
#include "byo/pool_fast.h"

namespace byo {

void use_fast_kernels() {
  kernels().gemm = gemm_parallel;
  kernels().name = "fast";
  conv_kernels() = gemm_conv_kernels();
  pool_kernels() = fast_pool_kernels();
}

void use_naive_kernels() {
  kernels().gemm = gemm_naive;
  kernels().name = "naive";
  conv_kernels() = naive_conv_kernels();
  pool_kernels() = naive_pool_kernels();
}

}  // namespace byo
