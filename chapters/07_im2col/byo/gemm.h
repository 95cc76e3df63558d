/// @file
/// @brief The GEMM ladder: five matrix products, each faster than the one before.
///
/// Every rung has chapter 1's `GemmKernel` signature, C = A·B (or C += A·B when
/// `accumulate`), with A (M,K), B (K,N) and C (M,N) given as strided views. So each rung
/// accepts transposed operands as they are: Aᵀ is A's memory with its strides swapped,
/// and no rung copies the caller's matrix to make it contiguous. C must not overlap A or
/// B (as in BLAS); every rung checks the shapes and throws `byo::Error` naming them.
///
///     gemm_naive        the triple loop of chapter 1, i-j-k order: the oracle
///     gemm_loop_order   i-k-j order: the inner loop walks rows of B and C, so it vectorises
///     gemm_blocked      the same loops over tiles that stay in the L1 and L2 caches
///     gemm_packed       Goto/BLIS: packed panels and a register-tiled SIMD micro-kernel
///     gemm_parallel     gemm_packed on stripes of C, one OpenMP thread per stripe
///
/// `use_fast_kernels()` (byo/fast_kernels.h, included here) installs gemm_parallel into
/// chapter 1's kernel table, the dispatcher seam through which `matmul` (and later
/// `linear` and `conv2d`) find their GEMM; `use_naive_kernels()` puts the triple loop back.
#pragma once

#include <span>

#include "byo/fast_kernels.h"
#include "byo/kernels.h"

namespace byo {

/// @brief Rung 2: i-k-j loop order; the inner loop over j is contiguous when B and C are.
void gemm_loop_order(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief Rung 3: gemm_loop_order over cache-sized tiles of B, so B is read from cache.
void gemm_blocked(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief Rung 4: packed A and B panels and a SIMD register-tile micro-kernel, one thread.
void gemm_packed(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief Rung 5: gemm_packed on stripes of C, one per OpenMP thread (the fast GEMM).
///
/// Uses `omp_get_max_threads()` threads (1 without OpenMP). Every element of C is
/// summed in the same order whatever the thread count, so results are bitwise equal
/// for any number of threads.
void gemm_parallel(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief Beside the ladder: C = A·B where A's rows and B's columns are contiguous, computed
///        as dot products of those rows and columns, with nothing packed.
///
/// For a small C and a long reduction, as a convolution's weight gradient (C is 6×25 or
/// 16×150, the reduction 100 000 long): there the ladder's packing would transpose both
/// operands, while dot products read them as they lie. A must have col_stride 1 and B
/// row_stride 1 (B is the transpose of a row-major matrix).
void gemm_dot(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate);

/// @brief gemm_dot's accumulation step: lanes += the per-SIMD-lane sums of A·Bᵀ.
///
/// A is (M,T), B is (N,T), both with contiguous rows; lanes holds M·N·kSimdWidth floats
/// (byo/micro_kernel.h), entry (i, j) lane l summing a(i,t)·b(j,t) over t ≡ l. Calling it
/// once per block of images (or rows of a long matrix) and summing the lanes only at the
/// end (gemm_dot_nt_finish) keeps the horizontal sums out of the inner loop.
void gemm_dot_nt_lanes(ConstMatrixView a, ConstMatrixView b, std::span<float> lanes);

/// @brief C = (or +=) the lane sums of gemm_dot_nt_lanes, summed across lanes.
void gemm_dot_nt_finish(std::span<const float> lanes, MatrixView c, bool accumulate);

/// @brief Checks that A (M,K), B (K,N), C (M,N) agree; `op` names the caller in the error.
void check_gemm_shapes(const char* op, ConstMatrixView a, ConstMatrixView b, MatrixView c);

}  // namespace byo
