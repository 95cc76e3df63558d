/// @file
/// @brief Rung 3 of the GEMM ladder: the i-k-j loops over cache-sized tiles.
#include <algorithm>

#include "byo/gemm.h"
#include "gemm_util.h"

namespace byo {

namespace {
// A kKBlock×kNBlock tile of B is 128 KiB: it stays in L2 (512 KiB or more on current
// x86 cores) while every row of A passes over it, and the kNBlock floats of a C row
// (2 KiB) stay in L1 across the kKBlock updates.
constexpr int64_t kKBlock = 128;
constexpr int64_t kNBlock = 256;
}  // namespace

// a is (M,K), b is (K,N), c is (M,N).
//
// gemm_loop_order reads all of B (K·N floats) once per row of A; at 1024² that is 4 MiB,
// more than L2, so B streams from L3 or memory M times. Here B is cut into tiles small
// enough for L2 and each tile is used by all M rows before moving on.
void gemm_blocked(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  check_gemm_shapes("gemm_blocked", a, b, c);
  detail::zero_unless(accumulate, c);
  const int64_t m = a.rows, k_total = a.cols, n = b.cols;
  for (int64_t j0 = 0; j0 < n; j0 += kNBlock) {
    const int64_t nb = std::min(kNBlock, n - j0);
    for (int64_t k0 = 0; k0 < k_total; k0 += kKBlock) {
      const int64_t kb = std::min(kKBlock, k_total - k0);
      for (int64_t i = 0; i < m; ++i) {
        float* c_row = c.data + i * c.row_stride + j0 * c.col_stride;
        for (int64_t k = k0; k < k0 + kb; ++k) {
          detail::axpy(nb, a(i, k), b.data + k * b.row_stride + j0 * b.col_stride, b.col_stride,
                       c_row, c.col_stride);
        }
      }
    }
  }
}

}  // namespace byo
