// set_flush_denormals: denormal results and inputs read as zero on every thread of a
// parallel region, and kept again once it is turned off.
#include <gtest/gtest.h>

#include <cfloat>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "byo/fast_kernels.h"
#include "support/threads.h"

namespace byo {
namespace {

constexpr int kThreads = 3;

int thread_number() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// What each thread of a region computes: a denormal result (half the smallest normal
// float) and a product with a denormal input; volatile, so that both happen at run time.
struct Seen {
  float result = -1.0f, from_input = -1.0f;
};

std::vector<Seen> seen_by_each_thread(float denormal) {
  std::vector<Seen> seen(kThreads);
#pragma omp parallel num_threads(kThreads)
  {
    volatile float smallest = FLT_MIN, half = 0.5f, input = denormal, one = 1.0f;
    Seen& mine = seen[static_cast<size_t>(thread_number())];
    mine.result = smallest * half;
    mine.from_input = input * one;
  }
  return seen;
}

TEST(Denormals, FlushedOnEveryThreadThenKeptAgain) {
#if !defined(__SSE2__)
  GTEST_SKIP() << "this CPU has no flush-to-zero mode";
#endif
  const test::Threads threads(kThreads);
  volatile float smallest = FLT_MIN, half = 0.5f;
  const float denormal = smallest * half;  // made before flushing: a denormal
  ASSERT_GT(denormal, 0.0f);
  ASSERT_LT(denormal, FLT_MIN);

  set_flush_denormals(true);
  EXPECT_TRUE(flush_denormals());
  for (const Seen& s : seen_by_each_thread(denormal)) {
    EXPECT_EQ(s.result, 0.0f);
    EXPECT_EQ(s.from_input, 0.0f);
  }

  set_flush_denormals(false);
  EXPECT_FALSE(flush_denormals());
  for (const Seen& s : seen_by_each_thread(denormal)) {
    EXPECT_EQ(s.result, denormal);
    EXPECT_EQ(s.from_input, denormal);
  }
}

}  // namespace
}  // namespace byo
