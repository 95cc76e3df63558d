/// @file
/// @brief make_moons.
#include "byo/moons.h"

#include <cmath>
#include <numbers>

#include "byo/check.h"

namespace byo::scalar {

Moons make_moons(int64_t n_samples, double noise, Generator& gen) {
  BYO_CHECK(n_samples >= 2) << "make_moons: needs at least 2 samples, got " << n_samples;
  BYO_CHECK(noise >= 0.0) << "make_moons: noise is a standard deviation, got " << noise;
  const int64_t n_upper = n_samples / 2;
  Moons moons;
  moons.points.reserve(static_cast<size_t>(n_samples));
  moons.labels.reserve(static_cast<size_t>(n_samples));
  // Evenly spaced angles from 0 to pi inclusive, as numpy's linspace.
  const auto angle = [](int64_t i, int64_t n) {
    return n == 1 ? 0.0 : std::numbers::pi * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  for (int64_t i = 0; i < n_samples; ++i) {
    const bool upper = i < n_upper;
    const double t = upper ? angle(i, n_upper) : angle(i - n_upper, n_samples - n_upper);
    const double x = upper ? std::cos(t) : 1.0 - std::cos(t);
    const double y = upper ? std::sin(t) : 0.5 - std::sin(t);
    moons.points.push_back({x + gen.normal(0.0, noise), y + gen.normal(0.0, noise)});
    moons.labels.push_back(upper ? 0 : 1);
  }
  return moons;
}

}  // namespace byo::scalar
