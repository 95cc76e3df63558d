/// @file
/// @brief Small helpers shared by the chapter 3 tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/ndarray.h"
#include "support/expect.h"

namespace byo::test {

/// @brief Expects `a` to have `shape` and, in row-major order, exactly `values`.
inline void expect_array(const NDArray& a, const Shape& shape, const std::vector<float>& values) {
  ASSERT_TRUE(a.defined());
  EXPECT_EQ(a.shape(), shape);
  EXPECT_EQ(a.to_vector(), values);
}

}  // namespace byo::test
