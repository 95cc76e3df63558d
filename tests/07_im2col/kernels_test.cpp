/// @file
/// @brief The dispatcher seam: use_fast_kernels / use_naive_kernels swap chapter 1's table.
#include <gtest/gtest.h>

#include <string>

#include "byo/gemm.h"
#include "byo/kernels.h"
#include "byo/ndarray.h"
#include "byo/random.h"

namespace byo {
namespace {

TEST(Kernels, FastAndNaiveAreInstalledByOneCall) {
  use_fast_kernels();
  EXPECT_EQ(kernels().gemm, &gemm_parallel);
  EXPECT_EQ(std::string(kernels().name), "fast");
  // The installed kernel is what callers of the seam now run.
  const float a[] = {1, 2, 3, 4};
  const float b[] = {5, 6, 7, 8};
  float c[4] = {};
  kernels().gemm({a, 2, 2, 2, 1}, {b, 2, 2, 2, 1}, {c, 2, 2, 2, 1}, false);
  EXPECT_EQ(c[0], 19.0f);
  EXPECT_EQ(c[1], 22.0f);
  EXPECT_EQ(c[2], 43.0f);
  EXPECT_EQ(c[3], 50.0f);

  use_naive_kernels();
  EXPECT_EQ(kernels().gemm, &gemm_naive);
  EXPECT_EQ(std::string(kernels().name), "naive");
}

TEST(Kernels, MatmulRunsTheInstalledGemm) {
  // Chapter 1's matmul calls through the seam: same answer from both kernel sets, on a
  // transposed operand too (the fast GEMM reads it through its strides).
  Generator gen(9);
  const NDArray a = NDArray::rand({70, 300}, gen);
  const NDArray b_t = NDArray::rand({50, 300}, gen);  // B = b_tᵀ, a (300, 50) view
  use_naive_kernels();
  const NDArray naive = matmul(a, b_t.transpose(0, 1));
  use_fast_kernels();
  const NDArray fast = matmul(a, b_t.transpose(0, 1));
  use_naive_kernels();
  EXPECT_TRUE(allclose(fast, naive, 1e-5f, 1e-5f));
  // Row 0, column 0 by hand, in double.
  double want = 0.0;
  for (int64_t k = 0; k < 300; ++k) want += double{a.at({0, k})} * b_t.at({0, k});
  EXPECT_NEAR(fast.at({0, 0}), want, 1e-4);
}

}  // namespace
}  // namespace byo
