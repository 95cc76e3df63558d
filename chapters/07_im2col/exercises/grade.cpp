/// @file
/// @brief Grades chapter 7's exercises against their naive twins.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "byo/gemm.h"
#include "byo/grader.h"
#include "byo/micro_kernel.h"
#include "byo/random.h"
#include "byo/timer.h"
#include "ch07_exercises.h"

namespace {

std::vector<float> random_vector(int64_t size, byo::Generator& gen) {
  std::vector<float> v(static_cast<size_t>(size));
  for (float& x : v) x = static_cast<float>(gen.uniform(-1.0, 1.0));
  return v;
}

// The naive twin of col2im: walk im2col's definition and scatter-add each entry.
std::vector<float> col2im_reference(const std::vector<float>& col, const byo::ConvGeometry& g) {
  std::vector<float> x(static_cast<size_t>(byo::numel(g.input_shape())), 0.0f);
  const int64_t out_h = g.out_h, out_w = g.out_w;
  for (int64_t row = 0; row < byo::col_rows(g); ++row) {
    const int64_t c = row / (g.kernel_h * g.kernel_w), r = row / g.kernel_w % g.kernel_h,
                  s = row % g.kernel_w;
    for (int64_t column = 0; column < byo::col_cols(g); ++column) {
      const int64_t n = column / (out_h * out_w), p = column / out_w % out_h, q = column % out_w;
      const int64_t h = p * g.stride_h - g.pad_h + r, w = q * g.stride_w - g.pad_w + s;
      if (h < 0 || h >= g.in_h || w < 0 || w >= g.in_w) continue;
      x[static_cast<size_t>(((n * g.in_channels + c) * g.in_h + h) * g.in_w + w)] +=
          col[static_cast<size_t>(row * byo::col_cols(g) + column)];
    }
  }
  return x;
}

byo::GradeResult grade_col2im() {
  // (N, C, H, W, R, S, stride_h, stride_w, pad_h, pad_w): LeNet's convolutions, a 1×1
  // kernel, stride 2, padding, and a non-square window.
  struct Case {
    byo::Shape x;
    byo::Size2 kernel, stride, padding;
  };
  const Case cases[] = {
      {{2, 1, 28, 28}, {5, 5}, {1, 1}, {2, 2}}, {{2, 6, 14, 14}, {5, 5}, {1, 1}, {0, 0}},
      {{1, 3, 7, 7}, {1, 1}, {1, 1}, {0, 0}},   {{2, 2, 9, 8}, {3, 3}, {2, 2}, {1, 1}},
      {{1, 2, 6, 9}, {2, 4}, {1, 3}, {0, 2}},   {{3, 1, 5, 5}, {5, 5}, {2, 2}, {2, 2}}};
  byo::Generator gen(7);
  double worst = 0.0;
  std::string failure;  // the first geometry that fails, its worst element, expected vs got
  for (const Case& one : cases) {
    const byo::ConvGeometry g = byo::conv2d_geometry(
        one.x, {1, one.x[1], one.kernel[0], one.kernel[1]}, one.stride, one.padding);
    const auto col = random_vector(byo::col_rows(g) * byo::col_cols(g), gen);
    const auto expected = col2im_reference(col, g);
    std::vector<float> got =
        random_vector(byo::numel(g.input_shape()), gen);  // must be overwritten
    byo::exercises::col2im(col, g, got);
    double case_worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      double error = std::abs(static_cast<double>(got[i]) - expected[i]);
      if (std::isnan(error)) error = INFINITY;
      if (error > case_worst) case_worst = error, at = i;
    }
    worst = std::max(worst, case_worst);
    if (case_worst > 1e-5 && failure.empty()) {
      // `at` as an index (n, c, h, w) of x.
      const int64_t i = static_cast<int64_t>(at);
      const int64_t w = i % g.in_w, h = i / g.in_w % g.in_h,
                    c = i / (g.in_w * g.in_h) % g.in_channels,
                    n = i / (g.in_w * g.in_h * g.in_channels);
      char where[160];
      std::snprintf(where, sizeof where,
                    ": worst at x[%lld, %lld, %lld, %lld]: expected %.7g, got %.7g",
                    static_cast<long long>(n), static_cast<long long>(c), static_cast<long long>(h),
                    static_cast<long long>(w), expected[at], got[at]);
      failure = "x " + byo::shape_str(one.x) + ", kernel " + std::to_string(one.kernel[0]) + "x" +
                std::to_string(one.kernel[1]) + ", stride " + std::to_string(one.stride[0]) + "x" +
                std::to_string(one.stride[1]) + ", padding " + std::to_string(one.padding[0]) +
                "x" + std::to_string(one.padding[1]) + where;
    }
  }
  if (!failure.empty()) return {false, worst, failure};
  return {worst <= 1e-5, worst, "max |x - reference| over 6 geometries"};
}

byo::GradeResult grade_micro_kernel() {
  // Whole GEMMs through gemm_packed with the learner's kernel: full tiles, edge tiles,
  // several kc slices, a transposed B (packed: b_row_stride = kTileCols), and short wide
  // products whose row-major B the kernel reads in place (b_row_stride = N).
  struct Case {
    int64_t m, n, k;
    bool b_transposed;
  };
  const Case cases[] = {{6, 16, 1, true},     {1, 1, 1, true},     {13, 37, 300, true},
                        {50, 70, 29, true},   {97, 33, 513, true}, {16, 100, 40, false},
                        {6, 3000, 25, false}, {30, 50, 300, false}};
  byo::Generator gen(11);
  double worst = 0.0;
  std::string failure;  // the first shape that fails, its worst element, expected vs got
  for (const Case& t : cases) {
    const int64_t m = t.m, n = t.n, k = t.k;
    const auto a = random_vector(m * k, gen);
    const auto b = random_vector(k * n, gen);
    std::vector<float> expected(static_cast<size_t>(m * n)), got(expected.size());
    const byo::ConstMatrixView a_view{a.data(), m, k, k, 1};
    const byo::ConstMatrixView b_view = t.b_transposed ? byo::ConstMatrixView{b.data(), k, n, 1, k}
                                                       : byo::ConstMatrixView{b.data(), k, n, n, 1};
    byo::gemm_naive(a_view, b_view, {expected.data(), m, n, n, 1}, false);
    byo::gemm_packed_with(byo::exercises::micro_kernel, byo::GemmBlocking{}, a_view, b_view,
                          {got.data(), m, n, n, 1}, false);
    double case_worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      const double scale = std::sqrt(static_cast<double>(k));
      double error = std::abs(static_cast<double>(got[i]) - expected[i]) / scale;
      if (std::isnan(error)) error = INFINITY;
      if (error > case_worst) case_worst = error, at = i;
    }
    worst = std::max(worst, case_worst);
    if (case_worst > 1e-5 && failure.empty()) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "C = A (%lld x %lld) * B (%lld x %lld, %s): worst at C[%lld, %lld]: "
                    "expected %.7g, got %.7g",
                    static_cast<long long>(m), static_cast<long long>(k), static_cast<long long>(k),
                    static_cast<long long>(n), t.b_transposed ? "packed" : "row-major, in place",
                    static_cast<long long>(at / static_cast<size_t>(n)),
                    static_cast<long long>(at % static_cast<size_t>(n)), expected[at], got[at]);
      failure = text;
    }
  }
  if (!failure.empty()) return {false, worst, failure};
  if (worst > 1e-5) return {false, worst, "max |C - gemm_naive| / sqrt(K) over 8 shapes"};
  // Correct: how fast? The same 256³ product through gemm_packed_with, with your kernel
  // and with the library's, best of 5 (a speed, printed, never graded).
  const int64_t size = 256;
  const auto a = random_vector(size * size, gen), b = random_vector(size * size, gen);
  std::vector<float> c(a.size());
  auto gflops = [&](byo::MicroKernel kernel) {
    double best = 1e30;
    for (int round = 0; round < 5; ++round) {
      const byo::Timer timer;
      byo::gemm_packed_with(kernel, byo::GemmBlocking{}, {a.data(), size, size, size, 1},
                            {b.data(), size, size, size, 1}, {c.data(), size, size, size, 1},
                            false);
      best = std::min(best, timer.seconds());
    }
    return 2.0 * size * size * size / best * 1e-9;
  };
  const double yours = gflops(byo::exercises::micro_kernel);
  const double library = gflops(byo::micro_kernel);
  char detail[160];
  std::snprintf(
      detail, sizeof detail,
      "8 shapes; at 256x256x256 yours runs at %.1f GFLOP/s, the library's at %.1f GFLOP/s", yours,
      library);
  return {true, worst, detail};
}

}  // namespace

int main() {
  return byo::run_grader("Chapter 7: im2col and GEMM",
                         {{"col2im", grade_col2im}, {"micro-kernel", grade_micro_kernel}});
}
