/// @file
/// @brief expect_close and the reference reader on NDArrays (for chapter 1 onwards).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
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

/// @brief The floats of `v` as bits, to compare exactly: EXPECT_EQ on floats takes −0 for
///        +0 and never finds a NaN equal to itself; on bits, equal means the same float.
inline std::vector<uint32_t> bits(const std::vector<float>& v) {
  std::vector<uint32_t> out(v.size());
  if (!v.empty()) std::memcpy(out.data(), v.data(), v.size() * sizeof(float));
  return out;
}

/// @brief The floats of `a` in row-major order, as bits.
inline std::vector<uint32_t> bits(const NDArray& a) { return bits(a.to_vector()); }

/// @brief A reference array as an NDArray of its shape.
inline NDArray to_ndarray(const ReferenceArray& array) {
  return NDArray::from_vector(array.floats(), array.shape);
}

}  // namespace byo::test
