/// @file
/// @brief Chapter 1's sum entry, fast: sixteen partial sums instead of one.
#include "byo/fast_kernels.h"

namespace byo {

namespace {

// A float add has a latency of several cycles, and 16 floats fill one or two SIMD
// registers.
constexpr int64_t kLanes = 16;

}  // namespace

// A single running sum serialises every add behind the one before it, and the compiler
// may not reorder float additions to vectorise it. Element i goes to partial sum i mod 16
// instead: the 16 sums are independent, the compiler maps them to SIMD lanes, and they are
// added together at the end. The grouping depends on i, not on the address, so a strided
// row gives the bits of its contiguous copy (just more slowly). Rows shorter than two
// rounds of lanes are summed left to right, as sum_naive does.
float sum_lanes(const float* x, int64_t n, int64_t stride, float acc) {
  if (n < 2 * kLanes) return sum_naive(x, n, stride, acc);
  float lane[kLanes];
  for (int64_t l = 0; l < kLanes; ++l) lane[l] = x[l * stride];
  int64_t i = kLanes;
  if (stride == 1) {
    for (; i + kLanes <= n; i += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) lane[l] += x[i + l];
    }
  } else {
    for (; i + kLanes <= n; i += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) lane[l] += x[(i + l) * stride];
    }
  }
  for (int64_t l = 0; l < kLanes; ++l) acc += lane[l];
  for (; i < n; ++i) acc += x[i * stride];
  return acc;
}

}  // namespace byo
