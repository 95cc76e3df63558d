/// @file
/// @brief The kernel seam: a table of the heavy loops that a later chapter may replace.
///
/// This is PyTorch's dispatcher in miniature. Operations never call their heaviest loop
/// directly; they call through `byo::kernels()`: `matmul` its GEMM, `Storage` its
/// allocator, `sum` and `mean` the loop that adds up a row, `contiguous` its copy. Chapter 1 fills
/// the table with the plain loops (`naive_kernels()`); chapter 7 refills it with fast ones through
/// one visible call (`byo::use_fast_kernels()`), and `byo::use_naive_kernels()` puts the plain
/// loops back, so the two can be compared. Later chapters declare tables of their own in
/// the same style (chapter 3's activations, chapter 6's convolution and pooling).
#pragma once

#include <cstdint>
#include <span>

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

/// @brief At least `bytes` bytes (a multiple of 64), 64-byte aligned; throws std::bad_alloc.
using AllocateKernel = float* (*)(int64_t bytes);

/// @brief Gives back a buffer from the AllocateKernel of the same table, with its `bytes`.
using ReleaseKernel = void (*)(float* data, int64_t bytes);

/// @brief acc + x[0] + x[stride] + ... + x[(n-1)·stride]. The order of the additions may be
///        the kernel's own, but it must depend on n only, never on the stride: a strided
///        row then sums to the same bits as its contiguous copy.
using SumKernel = float (*)(const float* x, int64_t n, int64_t stride, float acc);

/// @brief dst = the strided array at `src` (shape and strides in floats), written to the
///        contiguous `dst` in row-major order: what `contiguous()` and `clone()` do.
using CopyKernel = void (*)(const float* src, std::span<const int64_t> shape,
                            std::span<const int64_t> strides, float* dst);

/// @brief The table of replaceable kernels that chapter 1 declares.
struct Kernels {
  GemmKernel gemm;          ///< Matrix product, used by `matmul` (and later by `linear`).
  AllocateKernel allocate;  ///< Every Storage's buffer comes from here...
  ReleaseKernel release;    ///< ...and goes back here (the release of the same table).
  SumKernel sum;            ///< One row of `sum` and `mean`.
  CopyKernel copy;          ///< A strided array made contiguous.
  const char* name;         ///< "naive" or "fast": which set is installed.
};

/// @brief The installed kernels (the naive loops until someone installs others).
Kernels& kernels();

/// @brief This chapter's plain loops as a table, name "naive".
Kernels naive_kernels();

/// @brief The plain triple loop, C(i,j) = sum_k A(i,k)·B(k,j): the oracle for every GEMM.
void gemm_naive(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief std::aligned_alloc(64, bytes): a fresh buffer from the C library every time.
float* allocate_naive(int64_t bytes);

/// @brief std::free.
void release_naive(float* data, int64_t bytes);

/// @brief One running sum, left to right: the oracle for every SumKernel.
float sum_naive(const float* x, int64_t n, int64_t stride, float acc);

/// @brief The odometer: the source read row by row in row-major order.
void copy_naive(const float* src, std::span<const int64_t> shape, std::span<const int64_t> strides,
                float* dst);

}  // namespace byo
