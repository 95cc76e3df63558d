/// @file
/// @brief The one place chapter 7's kernels ask how many threads to use, and a per-thread
///        scratch buffer; private to chapter 7's kernels.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo::detail {

/// @brief Threads a parallel region started here would get (OMP_NUM_THREADS, --threads);
///        1 without OpenMP, and 1 inside a parallel region, whose threads are all busy.
inline int thread_count() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : omp_get_max_threads();
#else
  return 1;
#endif
}

/// @brief thread_count(), but no more threads than there are `items` to share out.
inline int thread_count(int64_t items) {
  return static_cast<int>(items < thread_count() ? (items < 1 ? 1 : items) : thread_count());
}

/// @brief A grow-only, 64-byte aligned buffer of floats with uninitialised contents.
///
/// Held `thread_local`, one per use, it lets a kernel in a training loop allocate only on
/// its first, largest call: no page faults and no zeroing in the steps after.
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(data_); }

  /// @brief At least `floats` floats; the contents are not kept when it grows.
  float* reserve(int64_t floats) {
    if (floats > capacity_) {
      const auto bytes = static_cast<size_t>((floats * 4 + 63) / 64 * 64);
      void* fresh = std::aligned_alloc(64, bytes);
      if (!fresh) throw std::bad_alloc();
      std::free(data_);
      data_ = static_cast<float*>(fresh);
      capacity_ = floats;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  int64_t capacity_ = 0;
};

}  // namespace byo::detail
