// Adapting the thread count to a busy machine: with every core kept busy by other
// processes the kernels drop to one thread, and the results keep their bits.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "byo/conv.h"
#include "byo/fast_kernels.h"

namespace byo {
namespace {

// One CPU-bound child process per core for as long as it lives.
class CpuHogs {
 public:
  CpuHogs() {
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (long i = 0; i < cores; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        volatile unsigned long spin = 0;  // volatile: the loop is not optimised away
        for (;;) {
          spin = spin + 1;
        }
      }
      if (pid > 0) pids_.push_back(pid);
    }
  }
  ~CpuHogs() {
    for (const pid_t pid : pids_) kill(pid, SIGKILL);
    for (const pid_t pid : pids_) waitpid(pid, nullptr, 0);
  }
  CpuHogs(const CpuHogs&) = delete;
  CpuHogs& operator=(const CpuHogs&) = delete;
  size_t count() const { return pids_.size(); }

 private:
  std::vector<pid_t> pids_;
};

class ThreadAdaptation : public ::testing::Test {
 protected:
  void SetUp() override { use_fast_kernels(); }
  void TearDown() override {
    set_thread_adaptation(false);
    use_naive_kernels();
  }
};

TEST_F(ThreadAdaptation, OffByDefaultAndSwitchable) {
  EXPECT_FALSE(thread_adaptation());
  set_thread_adaptation(true);
  EXPECT_TRUE(thread_adaptation());
  set_thread_adaptation(false);
  EXPECT_FALSE(thread_adaptation());
}

TEST_F(ThreadAdaptation, NeverMoreThanWantedNorFewerThanOne) {
  for (const int wanted : {1, 2, 3, 64}) {
    const int got = busy_machine_threads(wanted);
    EXPECT_GE(got, 1) << wanted;
    EXPECT_LE(got, wanted);
  }
}

TEST_F(ThreadAdaptation, EveryCoreBusyLeavesOneThread) {
  busy_machine_threads(64);  // a sample before the hogs start
  const CpuHogs hogs;
  ASSERT_GE(hogs.count(), 1u);
  // Two sampling periods with the hogs running: the last sample saw only them.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  busy_machine_threads(64);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(busy_machine_threads(64), 1);
}

// conv2d forward and backward on a batch big enough to be split over threads.
std::vector<float> conv_results(Generator& gen) {
  const Tensor x(NDArray::randn({64, 6, 14, 14}, gen), true);
  const Tensor w(NDArray::randn({16, 6, 5, 5}, gen), true);
  const Tensor b(NDArray::randn({16}, gen), true);
  const Tensor y = conv2d(x, w, b);
  (y * y).sum().backward();
  std::vector<float> out = y.data().to_vector();
  for (const Tensor& t : {x, w, b}) {
    for (const float v : t.grad().data().to_vector()) out.push_back(v);
  }
  return out;
}

TEST_F(ThreadAdaptation, FewerThreadsOnABusyMachineSameBits) {
#ifdef _OPENMP
  const int previous = omp_get_max_threads();
  omp_set_num_threads(2);
#endif
  Generator fixed_gen(7);
  const std::vector<float> fixed = conv_results(fixed_gen);
  set_thread_adaptation(true);
  std::vector<float> adapted;
  {
    const CpuHogs hogs;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    Generator gen(7);
    adapted = conv_results(gen);
    EXPECT_EQ(busy_machine_threads(2), 1);  // so the kernels above ran on one thread
  }
#ifdef _OPENMP
  omp_set_num_threads(previous);
#endif
  ASSERT_EQ(fixed.size(), adapted.size());
  EXPECT_EQ(std::memcmp(fixed.data(), adapted.data(), fixed.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace byo
