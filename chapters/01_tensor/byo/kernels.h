/// @file
/// @brief The kernel seam: a table of the heavy loops that a later chapter may replace.
///
/// This is PyTorch's dispatcher in miniature. Operations such as `matmul` never call a
/// loop directly; they call through `byo::kernels()`. Chapter 1 fills the table with the
/// plain triple loop; chapter 7 refills it with a fast, blocked, vectorised GEMM through
/// one visible call (`byo::use_fast_kernels()`), and `byo::use_naive_kernels()` puts the
/// loops back so the two can be compared.
#pragma once

#include <cstdint>

namespace byo {

/// @brief A read-only strided matrix: element (i, j) is `data[i*row_stride + j*col_stride]`.
///
/// A transposed operand is the same memory with the two strides swapped, so no kernel
/// needs a copy of the caller's data to compute Aᵀ·B or A·Bᵀ.
struct ConstMatrixView {
  const float* data = nullptr;  ///< Element (0, 0).
  int64_t rows = 0;             ///< Number of rows.
  int64_t cols = 0;             ///< Number of columns.
  int64_t row_stride = 0;       ///< Floats between (i, j) and (i+1, j).
  int64_t col_stride = 1;       ///< Floats between (i, j) and (i, j+1).

  /// @brief Element (i, j).
  float operator()(int64_t i, int64_t j) const { return data[i * row_stride + j * col_stride]; }
  /// @brief The transpose: the same memory, strides swapped.
  ConstMatrixView t() const { return {data, cols, rows, col_stride, row_stride}; }
};

/// @brief A writable strided matrix, as ConstMatrixView.
struct MatrixView {
  float* data = nullptr;   ///< Element (0, 0).
  int64_t rows = 0;        ///< Number of rows.
  int64_t cols = 0;        ///< Number of columns.
  int64_t row_stride = 0;  ///< Floats between (i, j) and (i+1, j).
  int64_t col_stride = 1;  ///< Floats between (i, j) and (i, j+1).

  /// @brief Element (i, j).
  float& operator()(int64_t i, int64_t j) const { return data[i * row_stride + j * col_stride]; }
};

/// @brief C = A·B, or C += A·B when `accumulate`; A is (M,K), B is (K,N), C is (M,N).
using GemmKernel = void (*)(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief The table of replaceable kernels that chapter 1 declares.
struct Kernels {
  GemmKernel gemm;   ///< Matrix product, used by `matmul` (and later by `linear`).
  const char* name;  ///< "naive" or "fast": which set is installed.
};

/// @brief The installed kernels (the naive loops until someone installs others).
Kernels& kernels();

/// @brief The plain triple loop, C(i,j) = sum_k A(i,k)·B(k,j): the oracle for every GEMM.
void gemm_naive(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

}  // namespace byo
