/// @file
/// @brief The fast kernel tables, and the one visible call that installs them.
///
/// Earlier chapters declare kernel seams and fill them with their plain loops:
///
///     table                   declared in   naive (the oracle)             fast (this chapter)
///     kernels()               chapter 1     naive_kernels()                fast_kernels()
///     activation_kernels()    chapter 3     naive_activation_kernels() fast_activation_kernels()
///     conv_kernels()          chapter 6     naive_conv_kernels()           fast_conv_kernels()
///     pool_kernels()          chapter 6     naive_pool_kernels()           fast_pool_kernels()
///     fused_kernels()         chapter 7     naive_fused_kernels() (null)   fast_fused_kernels()
///
/// The fifth is this chapter's own: kernels that each do the work of several entries of the
/// others (byo/fused_kernels.h), whose oracle is those entries run one after the other.
/// `use_fast_kernels()` installs the five fast tables whole; `use_naive_kernels()` the
/// five naive ones; `KernelsGuard` does either for one scope and then puts back what was
/// installed before. Each fast kernel is tested against its naive twin, on contiguous and
/// strided inputs (tests/07_im2col/fast_kernels_test.cpp).
#pragma once

#include <cstdint>
#include <span>

#include "byo/activation_kernels.h"
#include "byo/conv_kernels.h"
#include "byo/fused_kernels.h"
#include "byo/kernels.h"
#include "byo/pool_kernels.h"

namespace byo {

/// @brief Chapter 1's table, fast: gemm_parallel, the caching allocator, the lane sum, the
///        tiled copy.
Kernels fast_kernels();
/// @brief Chapter 3's table, fast: vectorised sigmoid, activations split over threads.
ActivationKernels fast_activation_kernels();

/// @brief Installs every fast table (names "fast").
///
/// The dispatcher seam: operations look their kernels up in the tables at every call, so
/// after this one visible call `matmul` runs gemm_parallel, chapter 6's convolution and
/// pooling ops run this chapter's kernels, and so on.
void use_fast_kernels();

/// @brief Installs every naive table: the plain loops of chapters 1, 3 and 6.
void use_naive_kernels();

/// @brief Which set of tables a KernelsGuard installs.
enum class KernelSet { naive, fast };

/// @brief Installs a set of tables for one scope, and reinstalls the previous tables when
///        the scope ends (as NoGradGuard does for grad mode), exceptions included.
class KernelsGuard {
 public:
  /// @brief Saves the installed tables, then installs `set`.
  explicit KernelsGuard(KernelSet set);
  /// @brief Puts the saved tables back.
  ~KernelsGuard();
  KernelsGuard(const KernelsGuard&) = delete;
  KernelsGuard& operator=(const KernelsGuard&) = delete;

 private:
  Kernels kernels_;
  ActivationKernels activations_;
  ConvKernels conv_;
  PoolKernels pool_;
  FusedKernels fused_;
};

/// @brief Turns on (or off) adapting the thread count to a busy machine: while other
///        processes keep cores busy, kernels use only the cores they leave free, at most the
///        OpenMP thread count (src/threads.cpp says why). Off by default; the `lenet`
///        program turns it on. Results are the same bits either way.
void set_thread_adaptation(bool on);
/// @brief Whether adapting is on.
bool thread_adaptation();
/// @brief The threads an adapting kernel would use now: `wanted`, or fewer when other
///        processes keep cores busy (sampled at most every 100 ms).
int busy_machine_threads(int wanted);

/// @brief Turns on (or off) flushing denormal floats to zero, on the calling thread and
///        OpenMP's: numbers below 1.2e-38 are read and written as 0, which spares x86
///        cores a slow microcode assist for each of them (src/denormals.cpp says where
///        training makes them). Off by default, as in PyTorch
///        (torch.set_flush_denormal); the `lenet` program turns it on.
void set_flush_denormals(bool on);
/// @brief Whether the calling thread flushes denormals to zero; always false where the
///        CPU has no such mode.
bool flush_denormals();

/// @name Chapter 1's entries
/// @{
/// @brief A 64-byte aligned buffer, from a cache of freed buffers when one of this size
///        is there; 2 MB and larger buffers are aligned to 2 MB and marked for huge pages.
float* allocate_cached(int64_t bytes);
/// @brief What allocate_cached has handed out since the program started.
struct AllocatorCounts {
  int64_t cached = 0;       ///< Buffers of 64 KB or more taken from the cache of freed ones.
  int64_t small = 0;        ///< Smaller buffers, left to the C library's own free lists.
  int64_t fresh = 0;        ///< Buffers of 64 KB or more the cache did not have: new pages.
  int64_t fresh_bytes = 0;  ///< Their bytes.
};
/// @brief The counts so far; the difference of two tells what a stretch of work allocated.
AllocatorCounts allocator_counts();
/// @brief Keeps a buffer of allocate_cached for reuse, up to a bound of cached bytes.
void release_cached(float* data, int64_t bytes);
/// @brief SumKernel with 16 partial sums, element i into sum i mod 16, combined at the end.
float sum_lanes(const float* x, int64_t n, int64_t stride, float acc);
/// @brief CopyKernel that walks the last two dimensions in 16 × 32 tiles when the source's
///        inner stride is larger than a cache line (a transpose), else copy_naive.
void copy_tiled(const float* src, std::span<const int64_t> shape, std::span<const int64_t> strides,
                float* dst);
/// @}

/// @name Chapter 3's entries
/// @{
/// @brief σ(x) by a polynomial exponential, 8 floats at a time, split over threads.
void sigmoid_fast(const float* x, float* y, int64_t n);
/// @brief sigmoid_backward_naive split over threads.
void sigmoid_backward_fast(const float* grad, const float* y, float* grad_x, int64_t n);
/// @brief relu_naive split over threads.
void relu_fast(const float* x, float* y, int64_t n);
/// @brief relu_backward_naive split over threads.
void relu_backward_fast(const float* grad, const float* x, float* grad_x, int64_t n);
/// @}

}  // namespace byo
