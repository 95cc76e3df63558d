/// @file
/// @brief expect_close and the reference reader on NDArrays (for chapter 1 onwards).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/ndarray.h"
#include "support/expect.h"
#include "support/reference.h"

namespace byo::test {

/// @brief Expects the same shape, and every element within `tol` (see Tolerance).
inline void expect_close(const NDArray& actual, const NDArray& expected, Tolerance tol,
                         const std::string& what = "") {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  expect_close(actual.to_vector(), expected.to_vector(), tol, what);
}

/// @brief Expects `a` to hold `expected` in row-major order, each within `atol`.
inline void expect_close(const NDArray& a, const std::vector<float>& expected, float atol = 1e-5f) {
  expect_close(a.to_vector(), expected, Tolerance{atol, 0.0});
}

/// @brief A reference array as an NDArray of its shape.
inline NDArray to_ndarray(const ReferenceArray& array) {
  return NDArray::from_vector(array.floats(), array.shape);
}

}  // namespace byo::test
