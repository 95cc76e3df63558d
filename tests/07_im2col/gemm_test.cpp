/// @file
/// @brief Every rung of the GEMM ladder against gemm_naive: shapes, transposes, strides.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/micro_kernel.h"
#include "byo/random.h"
#include "support/expect.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo {
namespace {

struct Rung {
  const char* name;
  GemmKernel gemm;
};

const Rung kRungs[] = {{"loop_order", gemm_loop_order},
                       {"blocked", gemm_blocked},
                       {"packed", gemm_packed},
                       {"parallel", gemm_parallel}};

// A matrix in its own buffer, viewed with chosen strides: row-major, transposed (the
// memory holds the (cols, rows) matrix), or with a gap between columns.
enum class Layout { kRowMajor, kTransposed, kColStride2 };

struct Matrix {
  std::vector<float> storage;
  MatrixView view;

  Matrix(int64_t rows, int64_t cols, Layout layout, Generator& gen) {
    int64_t row_stride = cols, col_stride = 1;
    int64_t size = rows * cols;
    if (layout == Layout::kTransposed) {
      row_stride = 1;
      col_stride = rows;
    } else if (layout == Layout::kColStride2) {
      row_stride = 2 * cols + 3;  // padding at the end of each row, too
      col_stride = 2;
      size = rows * row_stride;
    }
    storage.resize(static_cast<size_t>(size) + 1);
    for (float& x : storage) x = static_cast<float>(gen.uniform(-1.0, 1.0));
    view = {storage.data(), rows, cols, row_stride, col_stride};
  }
  ConstMatrixView cview() const {
    return {view.data, view.rows, view.cols, view.row_stride, view.col_stride};
  }
};

// |C - reference| ≤ tol·sqrt(K)·max(1, |reference|): float rounding grows like sqrt(K) for
// random signs, and the rungs sum in different orders (and with FMA).
void expect_close(const Matrix& got, const Matrix& want, int64_t k, const std::string& what) {
  const double tol = 2e-6 * std::sqrt(static_cast<double>(k) + 1.0);
  const auto elements = [](const MatrixView& v) {
    std::vector<float> out;
    for (int64_t i = 0; i < v.rows; ++i) {
      for (int64_t j = 0; j < v.cols; ++j) out.push_back(v(i, j));
    }
    return out;
  };
  test::expect_close(elements(got.view), elements(want.view), test::Tolerance{tol, tol},
                     what + ", C row-major with " + std::to_string(got.view.cols) + " columns");
}

struct Shape {
  int64_t m, n, k;
};

// Awkward sizes: 1, below one tile, one tile exactly (6×16), one past it, not multiples
// of the blocks (mc 144, kc 256, nc 3072), more than one kc slice, and LeNet's small M.
const Shape kShapes[] = {{1, 1, 1},       {1, 7, 3},     {5, 1, 9},      {6, 16, 1},
                         {7, 17, 2},      {6, 16, 256},  {13, 33, 257},  {31, 9, 600},
                         {145, 50, 40},   {6, 3100, 25}, {16, 200, 150}, {128, 120, 400},
                         {150, 161, 530}, {3, 4, 0}};

TEST(GemmLadder, EveryRungMatchesNaiveOnManyShapes) {
  Generator gen(1);
  for (const Rung& rung : kRungs) {
    for (const Shape& s : kShapes) {
      Matrix a(s.m, s.k, Layout::kRowMajor, gen), b(s.k, s.n, Layout::kRowMajor, gen);
      Matrix want(s.m, s.n, Layout::kRowMajor, gen), got(s.m, s.n, Layout::kRowMajor, gen);
      gemm_naive(a.cview(), b.cview(), want.view, false);
      rung.gemm(a.cview(), b.cview(), got.view, false);
      expect_close(got, want, s.k,
                   std::string(rung.name) + " " + std::to_string(s.m) + "x" + std::to_string(s.n) +
                       "x" + std::to_string(s.k));
    }
  }
}

TEST(GemmLadder, TransposedAndStridedOperandsNeedNoCopy) {
  Generator gen(2);
  const Layout layouts[] = {Layout::kRowMajor, Layout::kTransposed, Layout::kColStride2};
  const Shape shapes[] = {{7, 17, 2}, {37, 45, 300}, {150, 20, 33}};
  for (const Rung& rung : kRungs) {
    for (const Shape& s : shapes) {
      for (Layout la : layouts) {
        for (Layout lb : layouts) {
          for (Layout lc : layouts) {
            Matrix a(s.m, s.k, la, gen), b(s.k, s.n, lb, gen);
            Matrix want(s.m, s.n, lc, gen), got(s.m, s.n, lc, gen);
            gemm_naive(a.cview(), b.cview(), want.view, false);
            rung.gemm(a.cview(), b.cview(), got.view, false);
            expect_close(got, want, s.k,
                         std::string(rung.name) + " layouts " +
                             std::to_string(static_cast<int>(la)) +
                             std::to_string(static_cast<int>(lb)) +
                             std::to_string(static_cast<int>(lc)) + " m=" + std::to_string(s.m));
          }
        }
      }
    }
  }
}

TEST(GemmLadder, TransposeViewsComputeAtBAndABt) {
  // Aᵀ·B and A·Bᵀ from the untransposed buffers via ConstMatrixView::t().
  Generator gen(3);
  const int64_t m = 20, n = 35, k = 300;
  Matrix a_t(k, m, Layout::kRowMajor, gen);  // holds Aᵀ: A = a_t.t()
  Matrix b_t(n, k, Layout::kRowMajor, gen);  // holds Bᵀ: B = b_t.t()
  for (const Rung& rung : kRungs) {
    Matrix want(m, n, Layout::kRowMajor, gen), got(m, n, Layout::kRowMajor, gen);
    gemm_naive(a_t.cview().t(), b_t.cview().t(), want.view, false);
    rung.gemm(a_t.cview().t(), b_t.cview().t(), got.view, false);
    expect_close(got, want, k, rung.name);
  }
}

TEST(GemmLadder, AccumulateAddsIntoC) {
  Generator gen(4);
  for (const Rung& rung : kRungs) {
    for (const Shape& s : kShapes) {
      Matrix a(s.m, s.k, Layout::kRowMajor, gen), b(s.k, s.n, Layout::kRowMajor, gen);
      Matrix want(s.m, s.n, Layout::kRowMajor, gen);
      Matrix got = want;
      got.view.data = got.storage.data();
      gemm_naive(a.cview(), b.cview(), want.view, true);
      rung.gemm(a.cview(), b.cview(), got.view, true);
      expect_close(got, want, s.k + 1, std::string(rung.name) + " accumulate");
    }
  }
}

TEST(GemmLadder, HandComputedProduct) {
  // [1 2; 3 4; 5 6] · [1 0 -1; 2 1 0] = [5 2 -1; 11 4 -3; 17 6 -5]
  const float a[] = {1, 2, 3, 4, 5, 6};
  const float b[] = {1, 0, -1, 2, 1, 0};
  const float want[] = {5, 2, -1, 11, 4, -3, 17, 6, -5};
  for (const Rung& rung : kRungs) {
    float c[9];
    rung.gemm({a, 3, 2, 2, 1}, {b, 2, 3, 3, 1}, {c, 3, 3, 3, 1}, false);
    for (int i = 0; i < 9; ++i) EXPECT_EQ(c[i], want[i]) << rung.name << " element " << i;
  }
}

TEST(GemmLadder, EmptyInnerDimensionGivesZerosOrLeavesC) {
  float c[4] = {1, 2, 3, 4};
  const float dummy = 0;
  for (const Rung& rung : kRungs) {
    float acc[4] = {1, 2, 3, 4};
    rung.gemm({&dummy, 2, 0, 0, 1}, {&dummy, 0, 2, 2, 1}, {acc, 2, 2, 2, 1}, true);
    EXPECT_EQ(acc[3], 4.0f) << rung.name;
    rung.gemm({&dummy, 2, 0, 0, 1}, {&dummy, 0, 2, 2, 1}, {c, 2, 2, 2, 1}, false);
    for (float x : c) EXPECT_EQ(x, 0.0f) << rung.name;
  }
}

TEST(GemmLadder, ParallelIsBitwiseEqualToPacked) {
  // Same summation order for every element, whatever the split: results are
  // reproducible for any thread count.
  Generator gen(5);
  // Each above gemm_parallel's two million flops, so that it does split them.
  const Shape shapes[] = {{6, 10000, 25}, {300, 40, 270}, {200, 210, 300}};
#ifdef _OPENMP
  // Three threads, so stripes fall mid-block on this 2-core machine too.
  const int saved_threads = omp_get_max_threads();
  omp_set_num_threads(3);
#endif
  for (const Shape& s : shapes) {
    Matrix a(s.m, s.k, Layout::kRowMajor, gen), b(s.k, s.n, Layout::kRowMajor, gen);
    Matrix one(s.m, s.n, Layout::kRowMajor, gen), many(s.m, s.n, Layout::kRowMajor, gen);
    gemm_packed(a.cview(), b.cview(), one.view, false);
    gemm_parallel(a.cview(), b.cview(), many.view, false);
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j) EXPECT_EQ(one.view(i, j), many.view(i, j));
    }
  }
#ifdef _OPENMP
  omp_set_num_threads(saved_threads);
#endif
}

#ifdef _OPENMP
TEST(GemmLadder, ParallelInsideAParallelRegionRunsOnTheCallingThread) {
  // Two threads each multiply their own matrices: each call must compute its whole C.
  Generator gen(8);
  std::vector<Matrix> as, bs, ones, manys;
  for (int t = 0; t < 2; ++t) {
    as.emplace_back(60, 300, Layout::kRowMajor, gen);
    bs.emplace_back(300, 200, Layout::kRowMajor, gen);
    ones.emplace_back(60, 200, Layout::kRowMajor, gen);
    manys.emplace_back(60, 200, Layout::kRowMajor, gen);
  }
#pragma omp parallel for num_threads(2)
  for (int t = 0; t < 2; ++t) {
    gemm_parallel(as[t].cview(), bs[t].cview(), manys[t].view, false);
  }
  for (int t = 0; t < 2; ++t) {
    gemm_packed(as[t].cview(), bs[t].cview(), ones[t].view, false);
    for (int64_t i = 0; i < 60; ++i) {
      for (int64_t j = 0; j < 200; ++j) EXPECT_EQ(ones[t].view(i, j), manys[t].view(i, j));
    }
  }
}
#endif

// gemm_dot reads A's rows and B's columns as they lie: A row-major, B transposed.
TEST(GemmDot, MatchesNaiveOnManyShapesAndAccumulates) {
  Generator gen(11);
  for (const Shape& s : kShapes) {
    Matrix a(s.m, s.k, Layout::kRowMajor, gen), b(s.k, s.n, Layout::kTransposed, gen);
    Matrix want(s.m, s.n, Layout::kRowMajor, gen), got(s.m, s.n, Layout::kRowMajor, gen);
    const std::string what =
        "gemm_dot " + std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k);
    gemm_naive(a.cview(), b.cview(), want.view, false);
    gemm_dot(a.cview(), b.cview(), got.view, false);
    expect_close(got, want, s.k, what);
    gemm_naive(a.cview(), b.cview(), want.view, true);
    gemm_dot(a.cview(), b.cview(), got.view, true);
    expect_close(got, want, s.k, what + " accumulate");
  }
}

TEST(GemmDot, LaneSumsAddUpOverCalls) {
  // Two calls over the two halves of the reduction, then one finish: A·Bᵀ over the whole.
  Generator gen(12);
  const int64_t m = 7, n = 9, k = 37;
  Matrix a(m, k, Layout::kRowMajor, gen), b(n, k, Layout::kRowMajor, gen);
  Matrix want(m, n, Layout::kRowMajor, gen), got(m, n, Layout::kRowMajor, gen);
  gemm_naive(a.cview(), b.cview().t(), want.view, false);
  std::vector<float> lanes(static_cast<size_t>(m * n * kSimdWidth), 0.0f);
  const int64_t half = 13;  // not a multiple of the vector width
  gemm_dot_nt_lanes({a.view.data, m, half, k, 1}, {b.view.data, n, half, k, 1}, lanes);
  gemm_dot_nt_lanes({a.view.data + half, m, k - half, k, 1},
                    {b.view.data + half, n, k - half, k, 1}, lanes);
  gemm_dot_nt_finish(lanes, got.view, false);
  expect_close(got, want, k, "two halves");
}

TEST(GemmDot, RejectsStridedRowsNamingTheShapes) {
  std::vector<float> buf(64, 1.0f), c(4);
  try {
    gemm_dot({buf.data(), 2, 3, 1, 2}, {buf.data(), 3, 2, 1, 3}, {c.data(), 2, 2, 2, 1}, false);
    ADD_FAILURE() << "accepted A with col_stride 2";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("gemm_dot"), std::string::npos) << e.message();
  }
  EXPECT_THROW(
      gemm_dot({buf.data(), 2, 3, 3, 1}, {buf.data(), 4, 2, 1, 4}, {c.data(), 2, 2, 2, 1}, false),
      Error);  // K = 3 against K = 4
  std::vector<float> lanes(3);
  EXPECT_THROW(gemm_dot_nt_lanes({buf.data(), 2, 3, 3, 1}, {buf.data(), 2, 3, 3, 1}, lanes), Error);
}

TEST(GemmLadder, MismatchedShapesThrowNamingTheShapes) {
  std::vector<float> buf(100, 0.0f);
  for (const Rung& rung : kRungs) {
    try {
      rung.gemm({buf.data(), 3, 4, 4, 1}, {buf.data(), 5, 2, 2, 1}, {buf.data(), 3, 2, 2, 1},
                false);
      ADD_FAILURE() << rung.name << " accepted K=4 against K=5";
    } catch (const Error& e) {
      EXPECT_NE(e.message().find("A is (3, 4), B is (5, 2)"), std::string::npos) << e.message();
      EXPECT_NE(e.message().find("gemm_"), std::string::npos) << e.message();
    }
    EXPECT_THROW(rung.gemm({buf.data(), 3, 4, 4, 1}, {buf.data(), 4, 2, 2, 1},
                           {buf.data(), 2, 2, 2, 1}, false),
                 Error);
    // A C whose rows all alias one another would be written twice.
    EXPECT_THROW(rung.gemm({buf.data(), 3, 4, 4, 1}, {buf.data(), 4, 2, 2, 1},
                           {buf.data(), 3, 2, 0, 1}, false),
                 Error);
  }
}

TEST(GemmLadder, PackedRejectsBadBlocking) {
  std::vector<float> buf(16, 1.0f);
  const ConstMatrixView a{buf.data(), 2, 2, 2, 1};
  const MatrixView c{buf.data() + 8, 2, 2, 2, 1};
  EXPECT_THROW(gemm_packed_with(micro_kernel, {7, 256, 3072}, a, a, c, false), Error);
  EXPECT_THROW(gemm_packed_with(micro_kernel, {144, 0, 3072}, a, a, c, false), Error);
  EXPECT_THROW(gemm_packed_with(nullptr, {}, a, a, c, false), Error);
}

TEST(GemmLadder, SmallBlockingStillMatchesNaive) {
  // Tiny blocks force many jc, pc and ic iterations on a small problem.
  Generator gen(6);
  const GemmBlocking tiny{kTileRows, 5, kTileCols};
  Matrix a(40, 23, Layout::kTransposed, gen), b(23, 70, Layout::kRowMajor, gen);
  Matrix want(40, 70, Layout::kRowMajor, gen), got(40, 70, Layout::kColStride2, gen);
  gemm_naive(a.cview(), b.cview(), want.view, false);
  gemm_packed_with(micro_kernel, tiny, a.cview(), b.cview(), got.view, false);
  expect_close(got, want, 23, "tiny blocking");
}

}  // namespace
}  // namespace byo
