/// @file
/// @brief Rung 5 of the GEMM ladder: gemm_packed on stripes of C, one OpenMP thread each.
#include <algorithm>

#include "byo/gemm.h"
#include "byo/micro_kernel.h"
#include "threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo {

namespace {
// Below about two million flops (ten microseconds on one core) waking a second thread
// costs more than it saves: LeNet's 64×120 · 120×84 (1.3 MFLOP) took 0.84–0.94 times as
// long on one thread as on two, 128×128 · 128×128 (4.2 MFLOP) 1.34 times as long.
constexpr int64_t kMinParallelFlops = int64_t{1} << 21;
}  // namespace

// a is (M,K), b is (K,N), c is (M,N).
//
// C is cut into as many stripes as there are threads, along N when N ≥ M (LeNet's
// convolutions: M = 6 or 16 output channels, N = 100 000 pixels) and along M otherwise,
// in whole register tiles. Stripes share nothing they write, so no locks and no
// reductions: each thread runs gemm_packed on its stripe with its own packing buffers.
// Every element is computed exactly as gemm_packed computes it (see gemm_packed.cpp), so
// the result does not depend on the thread count.
void gemm_parallel(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  check_gemm_shapes("gemm_parallel", a, b, c);
  const int64_t m = a.rows, n = b.cols, k = a.cols;
  // Called from inside a parallel region (say, a loop over a batch), the caller's
  // threads are already busy: thread_count() is 1 there, and this runs on this one.
  const int max_threads = detail::thread_count();
  if (max_threads == 1 || 2 * m * n * k < kMinParallelFlops) {
    gemm_packed(a, b, c, accumulate);
    return;
  }
  const bool split_n = n >= m;
  const int64_t extent = split_n ? n : m;
  const int64_t unit = split_n ? kTileCols : kTileRows;
  const int64_t units = (extent + unit - 1) / unit;
  const int requested = static_cast<int>(std::min<int64_t>(max_threads, units));
  detail::RegionErrors errors;  // gemm_packed allocates its packing buffers
#ifdef _OPENMP
#pragma omp parallel num_threads(requested)
#endif
  errors.run([&] {
#ifdef _OPENMP
    // The team may be smaller than requested (OMP_DYNAMIC): split by what we got.
    const int64_t parts = omp_get_num_threads(), t = omp_get_thread_num();
#else
    const int64_t parts = 1, t = 0;
#endif
    const int64_t begin = std::min(extent, units * t / parts * unit);
    const int64_t end = std::min(extent, units * (t + 1) / parts * unit);
    if (begin < end) {
      if (split_n) {
        const ConstMatrixView b_part{b.data + begin * b.col_stride, b.rows, end - begin,
                                     b.row_stride, b.col_stride};
        const MatrixView c_part{c.data + begin * c.col_stride, c.rows, end - begin, c.row_stride,
                                c.col_stride};
        gemm_packed(a, b_part, c_part, accumulate);
      } else {
        const ConstMatrixView a_part{a.data + begin * a.row_stride, end - begin, a.cols,
                                     a.row_stride, a.col_stride};
        const MatrixView c_part{c.data + begin * c.row_stride, end - begin, c.cols, c.row_stride,
                                c.col_stride};
        gemm_packed(a_part, b, c_part, accumulate);
      }
    }
  });
  errors.rethrow();
}

}  // namespace byo
