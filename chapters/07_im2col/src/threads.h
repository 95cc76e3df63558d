/// @file
/// @brief OpenMP's thread count (1 without OpenMP) and a per-thread scratch buffer;
///        private to chapter 7's kernels.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo::detail {

/// @brief Threads a parallel region started here would get (OMP_NUM_THREADS, --threads).
inline int thread_count() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
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
