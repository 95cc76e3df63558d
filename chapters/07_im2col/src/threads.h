/// @file
/// @brief The one place chapter 7's kernels ask how many threads to use, and a per-thread
///        scratch buffer; private to chapter 7's kernels.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <new>
#include <vector>

#include "byo/check.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo::detail {

/// @brief At most `wanted`, fewer while other processes keep the cores busy: see
///        set_thread_adaptation() in byo/fast_kernels.h. `wanted` when adaptation is off.
int usable_threads(int wanted);

/// @brief Threads a parallel region started here should use (OMP_NUM_THREADS, --threads,
///        fewer on a busy machine when adaptation is on); 1 without OpenMP, and 1 inside a
///        parallel region, whose threads are all busy.
inline int thread_count() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : usable_threads(omp_get_max_threads());
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
      BYO_CHECK(fresh != nullptr) << "cannot allocate " << bytes / (1 << 20)
                                  << " MiB of kernel scratch memory";
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

/// @brief An allocator of 64-byte aligned memory: a vector's SIMD loads then never straddle
///        two cache lines (with malloc's 16-byte alignment, three loads in four would).
template <class T>
struct CacheAligned {
  using value_type = T;
  CacheAligned() = default;
  template <class U>
  explicit CacheAligned(const CacheAligned<U>&) {}
  T* allocate(size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64}));
  }
  void deallocate(T* p, size_t) { ::operator delete (p, std::align_val_t{64}); }
  friend bool operator==(const CacheAligned&, const CacheAligned&) { return true; }
};

/// @brief A vector of floats whose data starts on a cache line.
using AlignedFloats = std::vector<float, CacheAligned<float>>;

/// @brief The number of this thread in its OpenMP team (0 outside a region).
inline size_t this_thread() {
#ifdef _OPENMP
  return static_cast<size_t>(omp_get_thread_num());
#else
  return 0;
#endif
}

/// @brief `threads` buffers made from `args`, one per thread of a region, made before it:
///        an allocation that fails throws here, on the calling thread, and not inside the
///        region, where it would end the program. A thread takes `buffers[this_thread()]`.
template <class Buffer, class... Args>
std::vector<Buffer> per_thread(int threads, const Args&... args) {
  std::vector<Buffer> buffers;
  buffers.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) buffers.emplace_back(args...);
  return buffers;
}

/// @brief Carries an exception out of an OpenMP parallel region.
///
/// An exception must not leave a parallel region (nor one iteration of its loop): the
/// program would end in std::terminate instead of reporting a byo::Error. So every piece
/// of work in a region that can throw (an allocation, a check) runs under `run`, which
/// keeps the first exception; after the region, `rethrow` throws it on the calling thread.
/// A thread that failed still reaches every `omp for` of its region, as OpenMP requires.
class RegionErrors {
 public:
  /// @brief Runs `body`, keeping its exception (the first of all threads') instead.
  template <class Body>
  void run(Body&& body) noexcept {
    try {
      body();
    } catch (...) {
#ifdef _OPENMP
#pragma omp critical(byo_region_errors)
#endif
      if (!first_) first_ = std::current_exception();
    }
  }
  /// @brief True once a body has thrown. Read it where no body runs (after a barrier).
  bool failed() const { return first_ != nullptr; }
  /// @brief Throws the kept exception, if any. Call after the region, outside it.
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::exception_ptr first_;
};

}  // namespace byo::detail
