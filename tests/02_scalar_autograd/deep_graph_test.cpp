// Long chains: backward() and the destruction of the graph must not recurse.
#include <pthread.h>

#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "byo/scalar.h"

namespace byo {
namespace {

constexpr int kChain = 100'000;

// y = x * r * r * ... (kChain times): dy/dx = r^kChain, about e for r = 1 + 1/kChain.
TEST(DeepGraph, BackwardThroughAHundredThousandOperations) {
  constexpr double r = 1.0 + 1.0 / kChain;
  Scalar x = 1.0;
  Scalar y = x;
  for (int i = 0; i < kChain; ++i) y = y * r;
  y.backward();
  EXPECT_NEAR(x.grad(), std::pow(r, kChain), 1e-9);
  EXPECT_NEAR(x.grad(), std::exp(1.0), 2e-5);
  EXPECT_EQ(topological_sort(y.node()).size(), 2u * kChain + 1);  // x, and per step r and y
}

TEST(DeepGraph, DestroyingAHundredThousandOperations) {
  Scalar x = 0.5;
  {
    Scalar y = x;
    for (int i = 0; i < kChain; ++i) y = tanh(y);
  }  // the whole chain is freed here, iteratively
  // The leaf outlived the graph that used it.
  EXPECT_EQ(x.data(), 0.5);
  EXPECT_TRUE(x.node().is_leaf());
}

TEST(DeepGraph, TeardownKeepsNodesThatAreStillHeld) {
  Scalar x = 2.0;
  Scalar middle;
  {
    Scalar y = x;
    for (int i = 0; i < 1000; ++i) {
      y = y + 1.0;
      if (i == 499) middle = y;
    }
  }
  // `middle` still owns its half of the chain; the teardown must not have unlinked it.
  EXPECT_EQ(middle.data(), 502.0);
  middle.backward();
  EXPECT_EQ(x.grad(), 1.0);
  EXPECT_EQ(topological_sort(middle.node()).size(), 1001u);  // x, 500 constants, 500 sums
}

// Runs `body` on a thread with a 1 MiB stack: one stack frame per node, as a recursive
// backward or destructor needs, would overflow it many times over for 100,000 nodes.
void run_on_small_stack(const std::function<void()>& body) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 1 << 20), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, const_cast<std::function<void()>*>(&body)),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST(DeepGraph, NoRecursionEvenOnASmallStack) {
  double grad = 0.0;
  run_on_small_stack([&grad] {
    Scalar x = 0.0;
    Scalar y = x;
    for (int i = 0; i < kChain; ++i) y = y + 1.0;
    y.backward();
    grad = x.grad();
    const std::string dot = to_dot(y);  // also iterative
    (void)dot;
  });  // y and its chain die on the small stack
  EXPECT_EQ(grad, 1.0);
}

}  // namespace
}  // namespace byo
