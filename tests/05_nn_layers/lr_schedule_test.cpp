// StepLR: the learning rate per epoch, and its refusals.
#include <gtest/gtest.h>

#include <vector>

#include "byo/optim.h"
#include "nn_test_util.h"

namespace byo::optim {
namespace {

using test::expect_error;

TEST(StepLR, DecaysEveryStepSizeEpochs) {
  Tensor p = from_vector({1.0f}, {1}, /*requires_grad=*/true);
  SGD sgd({p}, SGDOptions(1.0).momentum(0.9));
  StepLR scheduler(sgd, /*step_size=*/3, /*gamma=*/0.1);
  EXPECT_EQ(scheduler.last_epoch(), 0);
  EXPECT_DOUBLE_EQ(scheduler.base_lr(), 1.0);
  std::vector<double> lrs{sgd.lr()};
  for (int epoch = 0; epoch < 7; ++epoch) {
    scheduler.step();
    lrs.push_back(sgd.lr());
  }
  const std::vector<double> expected{1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01};
  ASSERT_EQ(lrs.size(), expected.size());
  for (size_t i = 0; i < lrs.size(); ++i) EXPECT_NEAR(lrs[i], expected[i], 1e-15) << i;
  EXPECT_EQ(scheduler.last_epoch(), 7);
  EXPECT_DOUBLE_EQ(scheduler.get_last_lr(), sgd.lr());
}

TEST(StepLR, DrivesAdamToo) {
  Tensor p = from_vector({1.0f}, {1}, /*requires_grad=*/true);
  Adam adam({p}, AdamOptions(1e-3));
  StepLR scheduler(adam, 1, 0.5);
  scheduler.step();
  scheduler.step();
  EXPECT_DOUBLE_EQ(adam.lr(), 2.5e-4);
}

TEST(StepLR, RefusesBadArguments) {
  Tensor p = from_vector({1.0f}, {1}, /*requires_grad=*/true);
  SGD sgd({p}, SGDOptions(1.0));
  expect_error([&] { StepLR(sgd, 0, 0.1); }, "step_size 0 must be positive");
  expect_error([&] { StepLR(sgd, 2, 0.0); }, "gamma 0 must be positive");
  expect_error([&] { sgd.set_lr(-1.0); }, "learning rate -1 must be a finite number of 0 or more");
}

}  // namespace
}  // namespace byo::optim
