// Training is bit-for-bit reproducible for a given seed, whatever the thread count: a small
// conv net built from chapter 5 and 6 layers, trained through chapter 7's fast kernels.
//
// The GEMM splits its work over threads by output panels, and every element of C is
// summed in the same order whatever thread computes it; the convolutions' weight
// gradients sum the batch in blocks that do not depend on the thread count, added in block
// order (src/block_sums.h). So the same seed must give the very same bits on 1, 2 or 3
// threads.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "byo/conv.h"
#include "byo/gemm.h"
#include "byo/nn.h"
#include "byo/nn/conv.h"
#include "byo/optim.h"
#include "support/threads.h"

namespace byo {
namespace {

// Everything a run produces: the loss after each step and the final parameters, as bits.
struct TrainingRun {
  std::vector<float> losses;
  std::vector<float> parameters;
};

// A LeNet-like net on 12×12 inputs: conv, pool, conv, flatten, linear — every kernel of
// the seam (GEMM, conv forward, grad input, grad weight) runs in each step.
TrainingRun train(uint64_t seed, int steps) {
  Generator gen(seed);
  auto model = std::make_shared<nn::Sequential>(
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 3).padding(1), gen),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 8, 3), gen), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(128, 10), gen));
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  nn::CrossEntropyLoss criterion;
  TrainingRun run;
  for (int step = 0; step < steps; ++step) {
    const Tensor images(NDArray::randn({32, 1, 12, 12}, gen));
    std::vector<float> labels(32);
    for (float& label : labels) label = static_cast<float>(gen.below(10));
    const Tensor targets(NDArray::from_vector(labels, {32}));
    sgd.zero_grad();
    Tensor loss = criterion(model->forward(images), targets);
    loss.backward();
    sgd.step();
    run.losses.push_back(loss.data().to_vector()[0]);
  }
  for (const Tensor& p : model->parameters()) {
    for (const float v : p.data().to_vector()) run.parameters.push_back(v);
  }
  return run;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class Reproducibility : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { use_fast_kernels(); }
  void TearDown() override { use_naive_kernels(); }
};

TEST_P(Reproducibility, SameSeedSameThreadsSameBits) {
  const test::Threads threads(GetParam());
  const TrainingRun first = train(1234, 6);
  const TrainingRun second = train(1234, 6);
  ASSERT_EQ(first.losses.size(), 6u);
  EXPECT_TRUE(same_bits(first.losses, second.losses));
  EXPECT_TRUE(same_bits(first.parameters, second.parameters));
  // The runs really trained, and a different seed really changes the bits, so the
  // comparison above can fail.
  EXPECT_NE(first.losses.front(), first.losses.back());
  EXPECT_FALSE(same_bits(first.parameters, train(1235, 6).parameters));
}

TEST_F(Reproducibility, AnyThreadCountGivesTheSameBits) {
  TrainingRun runs[3];
  for (int threads = 1; threads <= 3; ++threads) {
    const test::Threads scope(threads);
    runs[threads - 1] = train(99, 4);
  }
  for (int i = 1; i < 3; ++i) {
    SCOPED_TRACE(std::to_string(i + 1) + " threads against 1");
    EXPECT_TRUE(same_bits(runs[0].losses, runs[i].losses));
    EXPECT_TRUE(same_bits(runs[0].parameters, runs[i].parameters));
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Reproducibility, ::testing::Values(1, 2),
                         [](const auto& info) { return std::to_string(info.param) + "Threads"; });

}  // namespace
}  // namespace byo
