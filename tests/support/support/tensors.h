/// @file
/// @brief Test inputs for chapter 4 onwards (Tensors).
#pragma once

#include <numeric>
#include <span>
#include <vector>

#include "byo/random.h"
#include "byo/tensor.h"

namespace byo::test {

/// @brief A leaf of `shape` that requires grad, holding a shuffled ramp: every value
///        distinct and 0.1 from the next, centred on 0.
///
/// Max pooling is differentiable only away from ties: a central difference with a step
/// well below 0.1 never moves one value across another, so each window keeps its winner.
inline Tensor distinct_values(const Shape& shape, Generator& gen) {
  std::vector<float> values(static_cast<size_t>(numel(shape)));
  std::iota(values.begin(), values.end(), 0.0f);
  gen.shuffle(std::span<float>(values));
  for (float& v : values) v = 0.1f * v - 0.05f * static_cast<float>(values.size());
  return from_vector(values, shape, true);
}

}  // namespace byo::test
