/// @file
/// @brief `byo::profiler`: per-op wall-clock timing, printed as a table of averages.
///
/// The original numpy project found its bottleneck with exactly this table: every operator
/// timed forward and backward, sorted by average time per call. Here it is on by request
/// only. When it is off, a `Scope` costs one load of a flag and a branch, so the timing
/// calls stay in the ops for good.
///
///     byo::profiler::enable(true);
///     { byo::profiler::Scope scope("Linear", byo::profiler::Phase::forward); ... }
///     byo::profiler::report(std::cout);
///
/// The Tensor ops of chapter 4 time their forward with a Scope; the autograd engine times
/// each node's backward under the node's `name()`. Timings are inclusive: a Scope opened
/// inside another one counts in both. The table is global; ops on several threads at once
/// each add their calls (a lock keeps the counts whole), so totals are thread-seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace byo::profiler {

/// @brief Which pass of an op a timing belongs to.
enum class Phase { forward, backward };

/// @brief The timings collected for one op and phase.
struct Entry {
  std::string name;  ///< The op's name, e.g. "Conv2d".
  Phase phase;
  int64_t count = 0;         ///< Number of timed calls.
  double total_seconds = 0;  ///< Sum of the calls' wall-clock times.

  /// @brief "Conv2d-forward": the row label of the report.
  std::string label() const;
  /// @brief Average seconds per call (0 if never called).
  double average_seconds() const { return count > 0 ? total_seconds / count : 0.0; }
};

namespace detail {
/// @brief The on/off flag, read inline by every Scope.
extern bool g_enabled;
/// @brief Adds one call of `seconds` to the entry of (`name`, `phase`).
void record(std::string_view name, Phase phase, double seconds);
}  // namespace detail

/// @brief Turns timing on or off (off at start). Collected timings are kept either way.
void enable(bool on = true);
inline bool enabled() { return detail::g_enabled; }
/// @brief Forgets every timing collected so far.
void reset();
/// @brief Every entry collected so far, slowest average first.
std::vector<Entry> entries();
/// @brief Prints the table (name-phase, average seconds, count, total seconds), sorted by
///        average time per call, slowest first.
void report(std::ostream& os);

/// @brief Times the enclosing block as one call of (`name`, `phase`), if the profiler is on.
class Scope {
 public:
  /// @brief Starts timing; a no-op (one branch) when the profiler is off.
  Scope(std::string_view name, Phase phase) : active_(enabled()) {
    if (active_) {
      name_ = name;
      phase_ = phase;
      start_ = Clock::now();
    }
  }
  /// @brief Stops timing and records the call.
  ~Scope() {
    if (active_) {
      detail::record(name_, phase_, std::chrono::duration<double>(Clock::now() - start_).count());
    }
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  bool active_;
  std::string name_;  // Copied only when active: the caller's string may be a temporary.
  Phase phase_ = Phase::forward;
  Clock::time_point start_;
};

}  // namespace byo::profiler
