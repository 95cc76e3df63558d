/// @file
/// @brief make_moons: two interleaved half circles, the classic toy classification set.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "byo/random.h"

namespace byo::scalar {

/// @brief Points in the plane and their class, 0 or 1.
struct Moons {
  std::vector<std::array<double, 2>> points;  ///< (x, y) of each sample.
  std::vector<int> labels;                    ///< 0 for the upper moon, 1 for the lower.
};

/// @brief `n_samples` points on two interleaved half circles, plus Gaussian noise.
///
/// The upper moon (label 0) is the half circle of radius 1 around (0, 0), from angle 0 to
/// pi; the lower (label 1) is the same half circle flipped and moved to (1, 0.5). The
/// angles are evenly spaced, the first n/2 samples are the upper moon, and `noise` is the
/// standard deviation of the Gaussian added to each coordinate. As scikit-learn's
/// make_moons, without the shuffle.
Moons make_moons(int64_t n_samples, double noise, Generator& gen);

}  // namespace byo::scalar
