/// @file
/// @brief ch07_demo: im2col on a tiny image, a convolution as one GEMM, and the ladder's speed.
#include <cstdio>
#include <vector>

#include "byo/gemm.h"
#include "byo/im2col.h"
#include "byo/random.h"
#include "byo/timer.h"

namespace {

void print_matrix(const char* title, const std::vector<float>& m, int64_t rows, int64_t cols) {
  std::printf("%s (%lld x %lld)\n", title, static_cast<long long>(rows),
              static_cast<long long>(cols));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) std::printf(" %4g", m[static_cast<size_t>(i * cols + j)]);
    std::printf("\n");
  }
  std::printf("\n");
}

}  // namespace

int main() {
  // One 1-channel 4×4 image and a 3×3 window with stride 1: four windows, four columns.
  const byo::ConvGeometry g = byo::conv2d_geometry({1, 1, 4, 4}, {1, 1, 3, 3}, {1, 1}, {0, 0});
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  print_matrix("image x", x, 4, 4);
  std::vector<float> col(static_cast<size_t>(byo::col_rows(g) * byo::col_cols(g)));
  byo::im2col(x, g, col);
  print_matrix("im2col(x): one column per window", col, byo::col_rows(g), byo::col_cols(g));

  // Two filters: a box blur and a vertical edge detector, as the rows of a (2, 9) matrix.
  const std::vector<float> w = {1,  1, 1, 1,  1, 1, 1,  1, 1,  //
                                -1, 0, 1, -1, 0, 1, -1, 0, 1};
  std::vector<float> out(static_cast<size_t>(2 * byo::col_cols(g)));
  byo::gemm_naive({w.data(), 2, 9, 9, 1}, {col.data(), 9, 4, 4, 1}, {out.data(), 2, 4, 4, 1},
                  false);
  print_matrix("weight (2, 9) . col (9, 4) = two 2x2 output maps, one per row", out, 2, 4);

  // The ladder at 512³, one run each (ch07_bench measures properly).
  const int64_t n = 512;
  byo::Generator gen(0);
  std::vector<float> a(static_cast<size_t>(n * n)), b(a.size()), c(a.size());
  for (float& v : a) v = static_cast<float>(gen.uniform(-1.0, 1.0));
  for (float& v : b) v = static_cast<float>(gen.uniform(-1.0, 1.0));
  struct Rung {
    const char* name;
    byo::GemmKernel gemm;
  };
  const Rung rungs[] = {{"gemm_naive", byo::gemm_naive},
                        {"gemm_loop_order", byo::gemm_loop_order},
                        {"gemm_blocked", byo::gemm_blocked},
                        {"gemm_packed", byo::gemm_packed},
                        {"gemm_parallel", byo::gemm_parallel}};
  std::printf("C = A.B at %lld x %lld x %lld, one run each (wall clock):\n",
              static_cast<long long>(n), static_cast<long long>(n), static_cast<long long>(n));
  for (const Rung& rung : rungs) {
    const byo::Timer timer;
    rung.gemm({a.data(), n, n, n, 1}, {b.data(), n, n, n, 1}, {c.data(), n, n, n, 1}, false);
    const double seconds = timer.seconds();
    std::printf("  %-16s %8.2f ms  %6.1f GFLOP/s\n", rung.name, seconds * 1e3,
                2.0 * static_cast<double>(n * n * n) / seconds * 1e-9);
  }
  return 0;
}
