/// @file
/// @brief Threads and peak memory.
#include "byo/lenet/runtime.h"

#include <sys/resource.h>

#include "byo/check.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo::lenet {

void set_num_threads(int n) {
  BYO_CHECK(n >= 1) << "lenet: --threads must be at least 1, got " << n;
#ifdef _OPENMP
  omp_set_num_threads(n);
#else
  BYO_CHECK(n == 1) << "lenet: built without OpenMP, so --threads can only be 1";
#endif
}

int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int64_t peak_memory_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

}  // namespace byo::lenet
