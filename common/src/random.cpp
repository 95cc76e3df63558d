#include "byo/random.h"

#include <cmath>
#include <numbers>

#include "byo/check.h"

namespace byo {

void Generator::manual_seed(uint64_t seed) {
  // PCG's reference seeding: the increment must be odd; the state is advanced past the seed.
  increment_ = (seed << 1u) | 1u;
  state_ = 0;
  next_u32();
  state_ += seed ^ 0x853c49e6748fea9bULL;
  next_u32();
  has_spare_ = false;
}

uint32_t Generator::next_u32() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + increment_;
  const auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  const auto rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

double Generator::normal(double mean, double stddev) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + stddev * spare_normal_;
  }
  // Two uniforms in (0, 1] and [0, 1) give two independent standard normals.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_ = true;
  return mean + stddev * radius * std::cos(angle);
}

uint64_t Generator::below(uint64_t n) {
  BYO_CHECK(n > 0) << "Generator::below: the range [0, n) is empty (n = 0)";
  // Reject the top partial block of 2^64 so that every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x = next_u64();
  while (x >= limit) x = next_u64();
  return x % n;
}

}  // namespace byo
