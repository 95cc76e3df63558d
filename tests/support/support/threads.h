/// @file
/// @brief OpenMP's thread count set for one scope, for the tests of threaded kernels.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo::test {

/// @brief Sets OpenMP's thread count until the end of the scope.
class Threads {
 public:
  explicit Threads(int n) {
#ifdef _OPENMP
    previous_ = omp_get_max_threads();
    omp_set_num_threads(n);
#else
    (void)n;
#endif
  }
  ~Threads() {
#ifdef _OPENMP
    omp_set_num_threads(previous_);
#endif
  }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;

 private:
  int previous_ = 1;
};

}  // namespace byo::test
