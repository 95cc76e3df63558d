// Long chains: backward() and the destruction of the graph must not recurse.
#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "byo/scalar.h"

namespace byo::scalar {
namespace {

constexpr int kChain = 100'000;

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

// y = x * r * r * ... (kChain times): dy/dx = r^kChain, about e for r = 1 + 1/kChain.
TEST(DeepGraph, BackwardThroughAHundredThousandOperations) {
  constexpr double r = 1.0 + 1.0 / kChain;
  double grad = 0.0;
  size_t nodes = 0;
  run_on_small_stack([&] {
    Scalar x = 1.0;
    Scalar y = x;
    for (int i = 0; i < kChain; ++i) y = y * r;
    y.backward();
    grad = x.grad();
    nodes = topological_sort(y.node()).size();
  });
  EXPECT_NEAR(grad, std::pow(r, kChain), 1e-9);
  EXPECT_NEAR(grad, std::exp(1.0), 2e-5);
  EXPECT_EQ(nodes, 2u * kChain + 1);  // x, and per step the constant r and the product
}

// On the small stack on purpose: with the default, recursive destructor, an optimised build
// happens to survive 100,000 nodes on the 8 MiB main stack, but not on 1 MiB.
TEST(DeepGraph, DestroyingAHundredThousandOperations) {
  Scalar x = 0.5;
  run_on_small_stack([x] {
    Scalar y = x;
    for (int i = 0; i < kChain; ++i) y = tanh(y);
  });  // the whole chain is freed at the end of the lambda, iteratively
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

TEST(DeepGraph, ToDotOfAHundredThousandOperations) {
  size_t lines = 0;
  run_on_small_stack([&lines] {
    Scalar y = 0.0;
    for (int i = 0; i < kChain; ++i) y = -y;
    const std::string dot = to_dot(y);
    lines = static_cast<size_t>(std::count(dot.begin(), dot.end(), '\n'));
  });
  EXPECT_EQ(lines, 4 + 1 + 4u * kChain);  // header and "}", the leaf, 4 lines per negation
}

}  // namespace
}  // namespace byo::scalar
