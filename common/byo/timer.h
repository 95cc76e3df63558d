/// @file
/// @brief `byo::Timer`: wall-clock seconds since start, for demos and the profiler.
#pragma once

#include <chrono>

namespace byo {

/// @brief Measures elapsed wall-clock time with a monotonic clock.
class Timer {
 public:
  using Clock =
      std::chrono::steady_clock;  ///< Monotonic: never jumps when the system clock is set.

  Timer() : start_(Clock::now()) {}
  void reset() { start_ = Clock::now(); }
  /// @brief Seconds since construction or the last `reset()`.
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  Clock::time_point start_;
};

}  // namespace byo
