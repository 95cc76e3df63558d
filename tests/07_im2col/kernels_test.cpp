/// @file
/// @brief The dispatcher seam: use_fast_kernels / use_naive_kernels swap chapter 1's table.
#include <gtest/gtest.h>

#include <string>

#include "byo/gemm.h"
#include "byo/kernels.h"

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

}  // namespace
}  // namespace byo
