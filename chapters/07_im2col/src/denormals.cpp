/// @file
/// @brief Flushing denormal floats to zero, on every thread that runs kernels.
///
/// A float smaller in magnitude than 2^-126 ≈ 1.2e-38 is denormal: its exponent is at the
/// bottom and its leading bit is 0. x86 cores compute with such numbers exactly, but slowly:
/// an operation with a denormal input or result takes a microcode assist of a hundred
/// cycles or more instead of four. Training makes them. Adam's running mean of a weight
/// whose gradient has become zero (a ReLU unit that no longer fires) shrinks by 0.9 a
/// step, m = 0.9 m: after about 650 steps it is denormal, and it stays so for good, since
/// 0.9 times the smallest denormals rounds back to them. SGD's momentum does the same.
/// LeNet's Adam step took 49 µs in the first epoch and 136–147 µs in the third to fifth
/// (30 000 images an epoch, one thread), and 51–53 µs in all five with denormals flushed.
///
/// Two bits of the SSE control register MXCSR turn the assists off: FTZ writes a denormal
/// result as zero, DAZ reads a denormal input as zero. Only numbers below 1.2e-38 change:
/// an update of that size leaves every weight as it was. PyTorch has the same switch,
/// torch.set_flush_denormal(True).
///
/// MXCSR belongs to a thread. set_flush_denormals sets it on the calling thread and on
/// OpenMP's threads; a thread started later inherits the floating-point environment of
/// the thread that starts it (POSIX's pthread_create), which for OpenMP's is this one.
#include "byo/fast_kernels.h"

#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo {
namespace {

void set_this_thread(bool on) {
#if defined(__SSE2__)
  _MM_SET_FLUSH_ZERO_MODE(on ? _MM_FLUSH_ZERO_ON : _MM_FLUSH_ZERO_OFF);
  _MM_SET_DENORMALS_ZERO_MODE(on ? _MM_DENORMALS_ZERO_ON : _MM_DENORMALS_ZERO_OFF);
#else
  (void)on;  // elsewhere the default stays: denormals computed as they are
#endif
}

}  // namespace

void set_flush_denormals(bool on) {
  set_this_thread(on);
#ifdef _OPENMP
#pragma omp parallel num_threads(omp_get_max_threads())
  set_this_thread(on);
#endif
}

bool flush_denormals() {
#if defined(__SSE2__)
  return _MM_GET_FLUSH_ZERO_MODE() == _MM_FLUSH_ZERO_ON &&
         _MM_GET_DENORMALS_ZERO_MODE() == _MM_DENORMALS_ZERO_ON;
#else
  return false;
#endif
}

}  // namespace byo
