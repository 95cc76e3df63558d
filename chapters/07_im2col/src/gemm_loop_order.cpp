/// @file
/// @brief Rung 2 of the GEMM ladder: the same triple loop in i-k-j order.
#include "byo/gemm.h"
#include "gemm_util.h"

namespace byo {

// a is (M,K), b is (K,N), c is (M,N).
//
// The naive i-j-k loop walks a column of B for every element of C: K floats that are a
// row apart, one cache line each. Hoisting k out of j turns the inner loop into
// "row i of C += A(i,k) · row k of B": both rows are contiguous (for row-major B and C),
// so the compiler vectorises it, and every cache line it touches is used whole.
void gemm_loop_order(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  check_gemm_shapes("gemm_loop_order", a, b, c);
  detail::zero_unless(accumulate, c);
  for (int64_t i = 0; i < a.rows; ++i) {
    float* c_row = c.data + i * c.row_stride;
    for (int64_t k = 0; k < a.cols; ++k) {
      detail::axpy(b.cols, a(i, k), b.data + k * b.row_stride, b.col_stride, c_row, c.col_stride);
    }
  }
}

}  // namespace byo
