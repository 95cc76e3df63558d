/// @file
/// @brief The kernel table and the naive GEMM that chapter 1 installs in it.
#include "byo/kernels.h"

namespace byo {

Kernels& kernels() {
  // A function-local static: initialised on first use, so no order-of-initialisation
  // surprises between translation units. It starts naive; only an explicit call changes it.
  static Kernels table{&gemm_naive, "naive"};
  return table;
}

// a is (M,K), b is (K,N), c is (M,N)
void gemm_naive(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  for (int64_t i = 0; i < c.rows; ++i) {
    for (int64_t j = 0; j < c.cols; ++j) {
      float sum = 0.0f;
      for (int64_t k = 0; k < a.cols; ++k) sum += a(i, k) * b(k, j);
      c(i, j) = accumulate ? c(i, j) + sum : sum;
    }
  }
}

}  // namespace byo
