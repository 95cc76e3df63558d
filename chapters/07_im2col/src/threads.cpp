/// @file
/// @brief Adapting the thread count to a busy machine: how many cores the other processes
///        leave free, sampled from /proc/stat.
///
/// A parallel region is as slow as its slowest thread. When another process keeps a core
/// busy, the scheduler shares that core between it and one of our threads, which then
/// runs at half speed or is paused for whole time slices while its partner waits at the
/// end of every region: two threads end up slower than one. So every 100 ms the first
/// kernel that asks looks at how much CPU time the machine spent, takes away what this
/// process spent, and uses only the cores left: other processes' load rounded to whole
/// cores, at least one. Results do not depend on the thread count (block_sums.h), so the
/// bits stay the same when it changes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

#include "byo/fast_kernels.h"
#include "threads.h"

namespace byo {
namespace {

std::atomic<bool> g_adapt{false};

// Seconds of CPU time all cores have spent busy, steal time included (in a virtual machine
// that is time the host gave to someone else); -1 if /proc/stat is unreadable.
double machine_busy_seconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu") {
    return -1;
  }
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (user + nice + system + irq + softirq + steal) / ticks;
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class CoreWatch {
 public:
  // Cores the other processes leave free, as of the last sample.
  int free_cores() {
    const auto now = std::chrono::steady_clock::now();
    if (now - sampled_at_.load() < kInterval) return free_.load(std::memory_order_relaxed);
    const std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return free_.load(std::memory_order_relaxed);  // another samples
    const double busy = machine_busy_seconds(), mine = process_cpu_seconds();
    const double wall = std::chrono::duration<double>(now - sampled_at_.load()).count();
    if (busy >= 0 && last_busy_ >= 0 && wall > 0) {
      const double others = std::max(0.0, (busy - last_busy_) - (mine - last_mine_)) / wall;
      free_ = std::max(1, static_cast<int>(std::lround(cores_ - others)));
    }
    last_busy_ = busy;
    last_mine_ = mine;
    sampled_at_ = now;
    return free_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::chrono::milliseconds kInterval{100};
  const int cores_ = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  std::atomic<int> free_{cores_};
  std::atomic<std::chrono::steady_clock::time_point> sampled_at_{};
  std::mutex mutex_;
  double last_busy_ = -1, last_mine_ = 0;
};

CoreWatch& core_watch() {
  static auto* watch = new CoreWatch;  // never destroyed: kernels may run in static destructors
  return *watch;
}

}  // namespace

void set_thread_adaptation(bool on) {
  if (on) core_watch().free_cores();  // the first sample: the next one can decide
  g_adapt = on;
}
bool thread_adaptation() { return g_adapt; }
int busy_machine_threads(int wanted) { return std::min(wanted, core_watch().free_cores()); }

namespace detail {
int usable_threads(int wanted) {
  return g_adapt.load(std::memory_order_relaxed) ? busy_machine_threads(wanted) : wanted;
}
}  // namespace detail

}  // namespace byo
