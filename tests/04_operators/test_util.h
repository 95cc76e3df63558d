// Helpers shared by the chapter 4 tests: random inputs and a gradcheck assertion
// (expect_close and the rest that every chapter shares are in tests/support).
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "byo/gradcheck.h"
#include "byo/ops.h"
#include "byo/random.h"
#include "byo/tensor.h"
#include "support/arrays.h"

namespace byo::test {

/// Uniform in [lo, hi), requiring grad.
inline Tensor uniform(const Shape& shape, Generator& gen, float lo = -1.0f, float hi = 1.0f) {
  NDArray a = NDArray::rand(shape, gen).map([lo, hi](float u) { return lo + (hi - lo) * u; });
  return Tensor(a, true);
}

/// Values with |x| in [0.2, 1.2) and a random sign: clear of the kinks at 0 by more than h.
inline Tensor away_from_zero(const Shape& shape, Generator& gen) {
  NDArray u = NDArray::rand(shape, gen);
  NDArray s = NDArray::rand(shape, gen);
  return Tensor(
      u.zip(s, [](float m, float sign) { return (sign < 0.5f ? -1.0f : 1.0f) * (0.2f + m); }),
      true);
}

/// The same values as uniform(shape) but stored transposed: a non-contiguous leaf.
inline Tensor transposed(const Shape& shape, Generator& gen, float lo = -1.0f, float hi = 1.0f) {
  Shape swapped = shape;
  std::swap(swapped[swapped.size() - 1], swapped[swapped.size() - 2]);
  NDArray a = uniform(swapped, gen, lo, hi).data().transpose(-1, -2);
  return Tensor(a, true);
}

/// Every other element along the last dim of a wider array: a sliced, non-contiguous leaf.
inline Tensor sliced(const Shape& shape, Generator& gen, float lo = -1.0f, float hi = 1.0f) {
  Shape wide = shape;
  wide.back() *= 2;
  NDArray a = uniform(wide, gen, lo, hi).data().slice(-1, 0, wide.back(), 2);
  return Tensor(a, true);
}

/// Asserts that gradcheck passes, printing its table if not.
inline void expect_gradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs,
                             GradcheckOptions options = {}) {
  GradcheckResult result = gradcheck(fn, inputs, options);
  std::ostringstream table;
  print_gradcheck(table, inputs, result);
  EXPECT_TRUE(result.passed()) << table.str();
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].requires_grad()) {
      EXPECT_TRUE(result.inputs[i].checked) << "input " << i;
    }
  }
}

}  // namespace byo::test
