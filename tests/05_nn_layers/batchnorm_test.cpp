// BatchNorm1d and BatchNorm2d: gradchecks in training and evaluation mode, the running
// statistics as buffers of the state dict, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "byo/gradcheck.h"
#include "byo/nn.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/serialize.h"
#include "nn_test_util.h"

namespace byo::nn {
namespace {

using test::expect_error;
using test::values;
using Inputs = std::vector<Tensor>;

Tensor uniform(const Shape& shape, Generator& gen, float lo = -1.0f, float hi = 1.0f) {
  return Tensor(NDArray::rand(shape, gen).map([lo, hi](float u) { return lo + (hi - lo) * u; }),
                true);
}

// gradcheck of the layer's forward with respect to the input, γ and β. The weights w make
// the output's projection uneven: Σ of a normalised channel is 0 whatever x is.
void expect_gradcheck(BatchNorm& bn, const Tensor& x, uint64_t seed) {
  Generator gw(seed);
  Inputs inputs{x};
  if (bn.options().affine()) {
    bn.weight.data().copy_(NDArray::rand({bn.options().num_features()}, gw) + 0.5f);
    inputs.push_back(bn.weight);
    inputs.push_back(bn.bias);
  }
  const StateDict before = bn.state_dict();
  std::vector<NDArray> saved;
  for (const auto& [name, value] : before) saved.push_back(value.clone());
  const GradcheckResult result = gradcheck(
      [&](const Inputs& in) {
        // The running statistics would move with every evaluation; restore them so that
        // each call computes the same function.
        size_t i = 0;
        for (const auto& [name, value] : before) value.copy_(saved[i++]);
        return bn(in[0]);
      },
      inputs);
  std::ostringstream table;
  print_gradcheck(table, inputs, result);
  EXPECT_TRUE(result.passed()) << table.str();
}

TEST(BatchNorm, GradcheckTrainingMode) {
  Generator gen(1);
  {
    BatchNorm1d bn(3);
    expect_gradcheck(bn, uniform({5, 3}, gen), 10);
  }
  {
    BatchNorm1d bn(2);
    expect_gradcheck(bn, uniform({3, 2, 4}, gen), 11);
  }
  {
    BatchNorm2d bn(3);
    expect_gradcheck(bn, uniform({2, 3, 2, 3}, gen), 12);
  }
  {
    BatchNorm2d bn(BatchNormOptions(2).affine(false));
    expect_gradcheck(bn, uniform({2, 2, 3, 2}, gen), 13);
  }
  {  // a non-contiguous input: (N, C, H, W) made from a permuted array
    BatchNorm2d bn(2);
    Tensor x(uniform({2, 3, 3, 2}, gen).data().permute({0, 3, 1, 2}), true);
    expect_gradcheck(bn, x, 14);
  }
}

TEST(BatchNorm, GradcheckEvalMode) {
  Generator gen(2);
  BatchNorm2d bn(3);
  bn.running_mean.data().copy_(NDArray::from_vector({0.5f, -1.0f, 0.0f}, {3}));
  bn.running_var.data().copy_(NDArray::from_vector({2.0f, 0.5f, 1.0f}, {3}));
  bn.eval();
  expect_gradcheck(bn, uniform({2, 3, 2, 2}, gen), 15);
}

TEST(BatchNorm, TrainingNormalisesEachChannel) {
  Generator gen(3);
  BatchNorm2d bn(2);
  Tensor x(NDArray::rand({4, 2, 3, 3}, gen) * 5.0f + 2.0f);
  const NDArray y = bn(x).data();
  const NDArray mean = y.mean({0, 2, 3});
  const NDArray var = (y * y).mean({0, 2, 3});
  for (int64_t c = 0; c < 2; ++c) {
    EXPECT_NEAR(mean.at({c}), 0.0f, 1e-5f);
    EXPECT_NEAR(var.at({c}), 1.0f, 1e-3f);  // 1 - ε/var: ε is 1e-5
  }
}

TEST(BatchNorm, RunningStatisticsFollowMomentum) {
  BatchNorm1d bn(1);
  Tensor x = from_vector({1, 2, 3, 6}, {4, 1});  // mean 3, biased var 3.5, unbiased 14/3
  bn(x);
  EXPECT_NEAR(bn.running_mean.item(), 0.1f * 3.0f, 1e-6f);
  EXPECT_NEAR(bn.running_var.item(), 0.9f + 0.1f * 14.0f / 3.0f, 1e-6f);
  EXPECT_EQ(bn.num_batches_tracked.item(), 1.0f);
  bn(x);
  EXPECT_NEAR(bn.running_mean.item(), 0.9f * 0.3f + 0.3f, 1e-6f);
  EXPECT_EQ(bn.num_batches_tracked.item(), 2.0f);
  bn.eval();
  const float rm = bn.running_mean.item();
  const float rv = bn.running_var.item();
  EXPECT_NEAR(bn(from_vector({2}, {1, 1})).item(), (2.0f - rm) / std::sqrt(rv + 1e-5f), 1e-6f);
  EXPECT_EQ(bn.num_batches_tracked.item(), 2.0f);  // evaluation leaves the statistics alone
  EXPECT_EQ(bn.running_mean.item(), rm);
}

TEST(BatchNorm, StateDictHoldsBuffersUnderPyTorchNames) {
  auto net = std::make_shared<Sequential>();
  net->push_back(std::make_shared<Linear>(LinearOptions(3, 4)));
  net->push_back(std::make_shared<BatchNorm1d>(4));
  const StateDict state = net->state_dict();
  for (const char* name :
       {"1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"}) {
    EXPECT_TRUE(state.contains(name)) << name;
  }
  EXPECT_EQ(state.at("1.num_batches_tracked").shape(), Shape{});
  // Buffers are not parameters: the optimiser never sees them.
  EXPECT_EQ(net->parameters().size(), 4u);

  // Train a few steps, save, load into a fresh network, and compare evaluation outputs.
  Generator gen(4);
  Tensor x(NDArray::randn({8, 3}, gen));
  for (int i = 0; i < 3; ++i) (*net)(x);
  test::TempDir dir;
  save(*net, dir.file("bn.byo"));
  auto fresh = std::make_shared<Sequential>();
  fresh->push_back(std::make_shared<Linear>(LinearOptions(3, 4)));
  fresh->push_back(std::make_shared<BatchNorm1d>(4));
  load(*fresh, dir.file("bn.byo"));
  net->eval();
  fresh->eval();
  EXPECT_EQ(values((*net)(x)), values((*fresh)(x)));
  EXPECT_EQ(fresh->state_dict().at("1.num_batches_tracked").item(), 3.0f);
}

TEST(BatchNorm, PrintsAsPyTorch) {
  EXPECT_EQ(to_string(BatchNorm2d(16)),
            "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
}

TEST(BatchNorm, Refusals) {
  BatchNorm2d bn2(3);
  BatchNorm1d bn1(3);
  expect_error(
      [&] {
        bn2(zeros({2, 3, 4}));
      },
      "BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape [2, 3, 4]");
  expect_error([&] { bn1(zeros({2, 3, 4, 4})); }, "BatchNorm1d: expected a 2-d (N, C) or 3-d");
  expect_error(
      [&] {
        bn2(zeros({2, 4, 2, 2}));
      },
      "BatchNorm2d: input of shape [2, 4, 2, 2] has 4 channels, the layer 3");
  expect_error(
      [&] {
        bn1(zeros({1, 3}));
      },
      "BatchNorm1d: training needs more than one value per channel");
  expect_error([] { BatchNorm2d(0); }, "num_features 0 must be positive");
  expect_error([] { BatchNorm1d(BatchNormOptions(2).momentum(1.5)); }, "momentum 1.5");
  bn1.eval();
  EXPECT_EQ(bn1(zeros({1, 3})).shape(), (Shape{1, 3}));  // one sample is fine in eval mode
}

}  // namespace
}  // namespace byo::nn
