/// @file
/// @brief The kernel table and the plain loops that chapter 1 installs in it.
#include "byo/kernels.h"

#include <array>
#include <cstdlib>
#include <new>

#include "byo/ndarray.h"

namespace byo {

Kernels naive_kernels() {
  return {&gemm_naive, &allocate_naive, &release_naive, &sum_naive, &copy_naive, "naive"};
}

Kernels& kernels() {
  // A function-local static: initialised on first use, so no order-of-initialisation
  // surprises between translation units. It starts naive; only an explicit call changes it.
  static Kernels table = naive_kernels();
  return table;
}

// a is (M,K), b is (K,N), c is (M,N)
//
// Each product is rounded, then added: this file is compiled without FMA contraction, so
// the sums, and every program run on these loops, give the same bits on any x86 CPU.
void gemm_naive(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  for (int64_t i = 0; i < c.rows; ++i) {
    for (int64_t j = 0; j < c.cols; ++j) {
      float sum = 0.0f;
      for (int64_t k = 0; k < a.cols; ++k) sum += a(i, k) * b(k, j);
      c(i, j) = accumulate ? c(i, j) + sum : sum;
    }
  }
}

float* allocate_naive(int64_t bytes) {
  void* data = std::aligned_alloc(64, static_cast<size_t>(bytes));
  if (data == nullptr) throw std::bad_alloc();
  return static_cast<float*>(data);
}

void release_naive(float* data, int64_t /*bytes*/) { std::free(data); }

float sum_naive(const float* x, int64_t n, int64_t stride, float acc) {
  for (int64_t i = 0; i < n; ++i) acc += x[i * stride];
  return acc;
}

void copy_naive(const float* src, std::span<const int64_t> shape, std::span<const int64_t> strides,
                float* dst) {
  const Shape sizes(shape.begin(), shape.end());
  const Strides steps(strides.begin(), strides.end());
  detail::for_each_row<1>(
      sizes, {&steps}, {0},
      [&](const std::array<int64_t, 1>& pos, int64_t n, const std::array<int64_t, 1>& inner) {
        for (int64_t j = 0; j < n; ++j) *dst++ = src[pos[0] + j * inner[0]];
      });
}

}  // namespace byo
