/// @file
/// @brief C = A·Bᵀ as dot products of rows: for a small C and a long reduction.
#include <algorithm>
#include <array>
#include <vector>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/micro_kernel.h"

namespace byo {
namespace {

// A block of kDotRows rows of A against kDotCols rows of B: 12 vector accumulators, and
// per step of kSimdWidth floats 3 + 4 loads for 12 fused multiply-adds. With the one
// vector of B in flight that is 16 registers, all AVX2 has.
constexpr int64_t kDotRows = 3;
constexpr int64_t kDotCols = 4;

// lanes(i, j) += the kSimdWidth lane sums of row i of a · row j of b over t floats.
// a and b point at the block's first rows; lanes at its (0, 0) entry, ld_lanes apart.
template <int64_t R, int64_t S>
void dot_block(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t t, float* lanes,
               int64_t ld_lanes) {
  Vec acc[R][S];
  for (int64_t i = 0; i < R; ++i) {
    for (int64_t j = 0; j < S; ++j) acc[i][j] = load_vec(lanes + (i * ld_lanes + j) * kSimdWidth);
  }
  int64_t k = 0;
  for (; k + kSimdWidth <= t; k += kSimdWidth) {
    Vec av[R];
    for (int64_t i = 0; i < R; ++i) av[i] = load_vec(a + i * lda + k);
    for (int64_t j = 0; j < S; ++j) {
      const Vec bv = load_vec(b + j * ldb + k);
      for (int64_t i = 0; i < R; ++i) acc[i][j] += av[i] * bv;
    }
  }
  if (k < t && t >= kSimdWidth) {
    // The last vector of every row, ending at t, overlaps the one before: its first
    // `done` lanes were summed already, so they are multiplied by 0 in A.
    const int64_t done = kSimdWidth - (t - k);
    float keep_lanes[kSimdWidth];
    for (int64_t l = 0; l < kSimdWidth; ++l) keep_lanes[l] = l < done ? 0.0f : 1.0f;
    const Vec keep = load_vec(keep_lanes);
    Vec av[R];
    for (int64_t i = 0; i < R; ++i) av[i] = load_vec(a + i * lda + t - kSimdWidth) * keep;
    for (int64_t j = 0; j < S; ++j) {
      const Vec bv = load_vec(b + j * ldb + t - kSimdWidth);
      for (int64_t i = 0; i < R; ++i) acc[i][j] += av[i] * bv;
    }
  } else if (k < t) {  // rows shorter than one vector: one step over zero-padded copies
    float a_short[R][kSimdWidth] = {}, b_short[S][kSimdWidth] = {};
    for (int64_t i = 0; i < R; ++i) std::copy(a + i * lda, a + i * lda + t, a_short[i]);
    for (int64_t j = 0; j < S; ++j) std::copy(b + j * ldb, b + j * ldb + t, b_short[j]);
    for (int64_t j = 0; j < S; ++j) {
      const Vec bv = load_vec(b_short[j]);
      for (int64_t i = 0; i < R; ++i) acc[i][j] += load_vec(a_short[i]) * bv;
    }
  }
  for (int64_t i = 0; i < R; ++i) {
    for (int64_t j = 0; j < S; ++j) store_vec(lanes + (i * ld_lanes + j) * kSimdWidth, acc[i][j]);
  }
}

using DotBlock = void (*)(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t);

template <int64_t R>
constexpr std::array<DotBlock, kDotCols> blocks_of_rows() {
  return {dot_block<R, 1>, dot_block<R, 2>, dot_block<R, 3>, dot_block<R, 4>};
}

// kBlocks[rows - 1][cols - 1]: the full block and every smaller edge block, each with
// loops of constant length that the compiler unrolls into registers.
constexpr std::array<std::array<DotBlock, kDotCols>, kDotRows> kBlocks = {
    blocks_of_rows<1>(), blocks_of_rows<2>(), blocks_of_rows<3>()};

}  // namespace

// a is (M,T), b is (N,T), lanes is (M, N, kSimdWidth).
void gemm_dot_nt_lanes(ConstMatrixView a, ConstMatrixView b, std::span<float> lanes) {
  BYO_CHECK(a.cols == b.cols && a.col_stride == 1 && b.col_stride == 1 &&
            static_cast<int64_t>(lanes.size()) == a.rows * b.rows * kSimdWidth)
      << "gemm_dot_nt_lanes: A (" << a.rows << ", " << a.cols << ") and B (" << b.rows << ", "
      << b.cols << ") need equal columns, contiguous rows and " << a.rows * b.rows * kSimdWidth
      << " lane sums; got column strides " << a.col_stride << ", " << b.col_stride << " and "
      << lanes.size() << " lane sums";
  if (a.cols == 0) return;
  for (int64_t i = 0; i < a.rows; i += kDotRows) {
    const int64_t rows = std::min(kDotRows, a.rows - i);
    for (int64_t j = 0; j < b.rows; j += kDotCols) {
      const int64_t cols = std::min(kDotCols, b.rows - j);
      kBlocks[rows - 1][cols - 1](a.data + i * a.row_stride, a.row_stride,
                                  b.data + j * b.row_stride, b.row_stride, a.cols,
                                  lanes.data() + (i * b.rows + j) * kSimdWidth, b.rows);
    }
  }
}

// lanes is (M, N, kSimdWidth), c is (M, N).
void gemm_dot_nt_finish(std::span<const float> lanes, MatrixView c, bool accumulate) {
  BYO_CHECK(static_cast<int64_t>(lanes.size()) == c.rows * c.cols * kSimdWidth)
      << "gemm_dot_nt_finish: C (" << c.rows << ", " << c.cols << ") needs "
      << c.rows * c.cols * kSimdWidth << " lane sums, got " << lanes.size();
  for (int64_t i = 0; i < c.rows; ++i) {
    for (int64_t j = 0; j < c.cols; ++j) {
      const float* lane = lanes.data() + (i * c.cols + j) * kSimdWidth;
      float sum = 0.0f;
      for (int64_t l = 0; l < kSimdWidth; ++l) sum += lane[l];
      c(i, j) = accumulate ? c(i, j) + sum : sum;
    }
  }
}

// a is (M,K), b is (K,N) = the transpose of a row-major (N,K) matrix, c is (M,N).
void gemm_dot(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  check_gemm_shapes("gemm_dot", a, b, c);
  BYO_CHECK(a.col_stride == 1 && b.row_stride == 1)
      << "gemm_dot: A's rows and B's columns must be contiguous; got A col_stride " << a.col_stride
      << ", B row_stride " << b.row_stride;
  std::vector<float> lanes(static_cast<size_t>(c.rows * c.cols * kSimdWidth), 0.0f);
  gemm_dot_nt_lanes(a, b.t(), lanes);
  gemm_dot_nt_finish(lanes, c, accumulate);
}

}  // namespace byo
