/// @file
/// @brief The GEMM ladder: five matrix products, each faster than the one before.
///
/// Every rung has chapter 1's `GemmKernel` signature, C = A·B (or C += A·B when
/// `accumulate`), with A (M,K), B (K,N) and C (M,N) given as strided views. So each rung
/// accepts transposed operands as they are: Aᵀ is A's memory with its strides swapped,
/// and no rung copies the caller's matrix to make it contiguous.
///
///     gemm_naive        the triple loop of chapter 1, i-j-k order: the oracle
///     gemm_loop_order   i-k-j order: the inner loop walks rows of B and C, so it vectorises
///     gemm_blocked      the same loops over tiles that stay in the L1 and L2 caches
///     gemm_packed       Goto/BLIS: packed panels and a register-tiled SIMD micro-kernel
///     gemm_parallel     gemm_packed on stripes of C, one OpenMP thread per stripe
///
/// `use_fast_kernels()` installs gemm_parallel into chapter 1's kernel table, the
/// dispatcher seam through which `matmul` (and later `linear` and `conv2d`) find their
/// GEMM; `use_naive_kernels()` puts the triple loop back.
#pragma once

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

/// @brief Checks that A (M,K), B (K,N), C (M,N) agree; `op` names the caller in the error.
void check_gemm_shapes(const char* op, ConstMatrixView a, ConstMatrixView b, MatrixView c);

/// @brief Installs this chapter's fast kernels into `byo::kernels()` (name "fast").
///
/// The dispatcher seam: operations look their kernels up in the table at every call, so
/// after this one visible call `matmul` runs gemm_parallel. Chapter 6's convolution
/// kernels will be switched here too once they exist.
void use_fast_kernels();

/// @brief Puts chapter 1's naive loops back into `byo::kernels()` (name "naive").
void use_naive_kernels();

}  // namespace byo
