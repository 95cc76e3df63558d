// DataParallel::train_step: forward, backward and the optimiser's update in one step, each
// thread updating its slice of the weights, gives the bits of forward_backward() followed
// by optimizer.step(); a loss that is not finite updates nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/data_parallel.h"
#include "byo/fast_kernels.h"
#include "byo/optim.h"
#include "small_net.h"
#include "support/arrays.h"

namespace byo {
namespace {

using test::bits;
using test::Kind;
using test::make_net;

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name, nn::Module& model) {
  if (name == "sgd") {
    return std::make_unique<optim::SGD>(
        model.parameters(), optim::SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(1e-3));
  }
  if (name == "adam") {
    return std::make_unique<optim::Adam>(model.parameters(),
                                         optim::AdamOptions(1e-2).weight_decay(1e-3));
  }
  if (name == "adamw") {
    return std::make_unique<optim::AdamW>(model.parameters(), optim::AdamWOptions(1e-2));
  }
  return std::make_unique<optim::RMSprop>(model.parameters(),
                                          optim::RMSpropOptions(1e-3).momentum(0.5).centered(true));
}

// Every weight and every piece of optimiser state, as bits.
std::vector<std::vector<uint32_t>> snapshot(const nn::Module& model,
                                            const optim::Optimizer& optimizer) {
  std::vector<std::vector<uint32_t>> out;
  for (const Tensor& p : model.parameters()) out.push_back(bits(p.data()));
  for (const auto& [name, value] : optimizer.state_dict()) out.push_back(bits(value));
  return out;
}

class TrainStepTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { use_fast_kernels(); }
};

TEST_P(TrainStepTest, GivesTheBitsOfForwardBackwardThenStep) {
  for (const int shards : {1, 2, 3}) {
    for (const int threads : {1, 2, 3}) {
      std::vector<std::vector<uint32_t>> runs[2];
      for (int way = 0; way < 2; ++way) {
        const auto net = make_net(Kind::modern, 3);
        const auto optimizer = make_optimizer(GetParam(), *net);
        DataParallel parallel = test::data_parallel(*net, Kind::modern, shards);
        for (uint64_t step = 0; step < 3; ++step) {  // the state's first step and later ones
          const data::Batch batch = test::random_batch(7, 20 + step);
          optimizer->zero_grad();
          if (way == 0) {
            parallel.forward_backward(batch, threads);
            optimizer->step();
          } else {
            EXPECT_TRUE(parallel.train_step(batch, *optimizer, threads).updated);
          }
        }
        runs[way] = snapshot(*net, *optimizer);
      }
      EXPECT_EQ(runs[1], runs[0]) << GetParam() << ", " << shards << " shards on " << threads
                                  << " threads";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOptimiser, TrainStepTest,
                         ::testing::Values("sgd", "adam", "adamw", "rmsprop"),
                         [](const auto& info) { return info.param; });

TEST(TrainStep, ANonFiniteLossUpdatesNothing) {
  use_fast_kernels();
  for (const int threads : {1, 2}) {
    const auto net = make_net(Kind::modern, 3);
    const auto optimizer = make_optimizer("adam", *net);
    DataParallel parallel = test::data_parallel(*net, Kind::modern, 2);
    optimizer->zero_grad();
    ASSERT_TRUE(parallel.train_step(test::random_batch(6, 1), *optimizer, threads).updated);
    const auto before = snapshot(*net, *optimizer);

    data::Batch poisoned = test::random_batch(6, 2);
    poisoned.images.data().data()[5 * 144] = std::numeric_limits<float>::quiet_NaN();  // shard 1
    optimizer->zero_grad();
    const StepResult r = parallel.train_step(poisoned, *optimizer, threads);
    EXPECT_TRUE(std::isnan(r.loss)) << r.loss;
    EXPECT_FALSE(r.updated);
    EXPECT_EQ(snapshot(*net, *optimizer), before) << threads << " threads";

    optimizer->zero_grad();  // and the next good batch trains on
    EXPECT_TRUE(parallel.train_step(test::random_batch(6, 3), *optimizer, threads).updated);
    EXPECT_NE(snapshot(*net, *optimizer), before);
  }
}

TEST(TrainStep, RefusesAnOptimiserOfOtherParameters) {
  use_fast_kernels();
  const auto net = make_net(Kind::modern, 3);
  const auto other = make_net(Kind::modern, 3);
  DataParallel parallel = test::data_parallel(*net, Kind::modern, 2);
  std::vector<Tensor> reversed = net->parameters();
  std::reverse(reversed.begin(), reversed.end());
  std::vector<Tensor> some = net->parameters();
  some.pop_back();
  optim::SGD others(other->parameters(), optim::SGDOptions(0.1));
  optim::SGD backwards(reversed, optim::SGDOptions(0.1));
  optim::SGD fewer(some, optim::SGDOptions(0.1));
  const auto before = snapshot(*net, others);
  for (optim::SGD* wrong : {&others, &backwards, &fewer}) {
    try {
      parallel.train_step(test::random_batch(4, 1), *wrong);
      FAIL() << "an optimiser of other parameters was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("model.parameters()"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(snapshot(*net, others), before);
}

// The replicas compute with the model's values wherever they are: in place after an
// update, or in a new array the parameter was pointed at.
TEST(TrainStep, ReplicasFollowTheModelsValuesToNewStorage) {
  use_fast_kernels();
  std::vector<std::vector<float>> results[2];
  for (const int shards : {1, 2}) {
    const auto net = make_net(Kind::modern, 3);
    const auto optimizer = make_optimizer("sgd", *net);
    DataParallel parallel = test::data_parallel(*net, Kind::modern, shards);
    optimizer->zero_grad();
    parallel.train_step(test::random_batch(8, 4), *optimizer);
    for (const Tensor& p : net->parameters()) {
      NDArray moved = p.data().clone();
      for (int64_t k = 0; k < moved.numel(); ++k) moved.data()[k] *= 0.5f;
      p.impl()->data = moved;
    }
    optimizer->zero_grad();
    parallel.forward_backward(test::random_batch(8, 5));
    results[shards - 1] = test::gradients(*net);
  }
  for (size_t i = 0; i < results[0].size(); ++i) {
    float largest = 0;
    for (const float g : results[0][i]) largest = std::max(largest, std::abs(g));
    for (size_t k = 0; k < results[0][i].size(); ++k) {
      // Two shards' sums against one pass: a few roundings of the largest term apart.
      ASSERT_NEAR(results[1][i][k], results[0][i][k], 1e-5f * largest + 1e-7f)
          << "parameter " << i << " element " << k;
    }
  }
}

}  // namespace
}  // namespace byo
