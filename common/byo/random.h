/// @file
/// @brief `byo::Generator`: one seeded random number generator, the same on every platform.
///
/// The standard library's engines are portable but its distributions are not:
/// `std::normal_distribution` gives different numbers with libstdc++ and libc++. So the
/// distributions are written here, on top of PCG32 (O'Neill, 2014): a 64-bit linear
/// congruential state whose output is permuted by a xorshift and a random rotation.
/// Every random thing in byotorch takes a Generator, so a seed fixes a whole run.
#pragma once

#include <cstdint>
#include <span>
#include <utility>

namespace byo {

/// @brief PCG32 with hand-written uniform, normal and integer distributions.
class Generator {
 public:
  /// @brief A generator whose whole stream is fixed by `seed`.
  explicit Generator(uint64_t seed = 0) { manual_seed(seed); }

  /// @brief Restarts the stream from `seed` (as `torch.manual_seed`).
  void manual_seed(uint64_t seed);

  /// @brief 32 uniformly random bits.
  uint32_t next_u32();
  /// @brief 64 uniformly random bits.
  uint64_t next_u64() { return (uint64_t{next_u32()} << 32) | next_u32(); }

  /// @brief Uniform in [0, 1), with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  /// @brief Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// @brief Normal with the given mean and standard deviation (Box-Muller).
  double normal(double mean = 0.0, double stddev = 1.0);

  /// @brief Uniform integer in [0, n), without modulo bias; `n` must be positive.
  uint64_t below(uint64_t n);

  /// @brief Shuffles `items` in place (Fisher-Yates): every order equally likely.
  template <typename T>
  void shuffle(std::span<T> items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[below(i)]);
    }
  }

 private:
  uint64_t state_ = 0;
  uint64_t increment_ = 0;
  double spare_normal_ = 0.0;  // Box-Muller makes two normals; the second waits here.
  bool has_spare_ = false;
};

}  // namespace byo
