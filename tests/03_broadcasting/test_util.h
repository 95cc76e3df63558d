/// @file
/// @brief Small helpers shared by the chapter 3 tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/ndarray.h"

namespace byo::test {

/// @brief Expects `a` to have `shape` and, in row-major order, exactly `values`.
inline void expect_array(const NDArray& a, const Shape& shape, const std::vector<float>& values) {
  ASSERT_TRUE(a.defined());
  EXPECT_EQ(a.shape(), shape);
  EXPECT_EQ(a.to_vector(), values);
}

/// @brief The message of the `byo::Error` that `f` throws, or "" if it throws none.
template <typename F>
std::string error_message(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  return "";
}

}  // namespace byo::test
