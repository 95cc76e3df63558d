// End to end: LeNet-5 trained for one epoch on a fixed slice of MNIST reaches a known
// accuracy, and the same seed and thread count give the same bits.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "byo/data/mnist.h"
#include "byo/gemm.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "data_dir.h"

namespace byo::lenet {
namespace {

struct Slice {
  data::MNIST train{::byo::lenet::testing::mnist_dir(), "train"};
  data::MNIST test{::byo::lenet::testing::mnist_dir(), "test"};
};

const Slice& mnist() {
  static const Slice slice;
  return slice;
}

// A fresh model trained for one epoch on the first `limit` training images.
struct TrainedModel {
  TrainOutcome outcome;
  std::unique_ptr<models::LeNet5> model;
};

TrainedModel train_once(models::LeNetVariant variant, int64_t limit, int threads) {
  use_fast_kernels();
  set_num_threads(threads);
  TrainConfig config = default_config(variant);
  config.epochs = 1;
  config.limit = limit;
  config.test_limit = 1000;
  config.progress = false;
  Generator gen(config.run.seed);
  TrainedModel run{{}, std::make_unique<models::LeNet5>(variant, gen)};
  std::ostringstream log;
  run.outcome = train(*run.model, config, mnist().train, mnist().test, log);
  return run;
}

// 2000 images, 32 Adam steps: the modern net is already far past chance (10%).
// Measured: 83.4% of the first 1000 test images (x86-64, AVX2/FMA); the bound leaves room
// for other CPUs' rounding.
TEST(LenetTraining, ModernLearnsFromTwoThousandImagesInOneEpoch) {
  const TrainOutcome outcome = train_once(models::LeNetVariant::modern, 2000, 1).outcome;
  EXPECT_EQ(outcome.status, TrainStatus::finished);
  EXPECT_EQ(outcome.epochs_done, 1);
  EXPECT_GT(outcome.test_accuracy, 0.78);
}

// Chapter 7's kernels sum in an order that does not depend on the thread count, so the
// same seed gives the same bits on one thread and on two (and twice on the same count).
TEST(LenetTraining, SameSeedGivesTheSameBitsForAnyThreadCount) {
  const TrainedModel a = train_once(models::LeNetVariant::modern, 1000, 2);
  const TrainedModel b = train_once(models::LeNetVariant::modern, 1000, 2);
  const TrainedModel c = train_once(models::LeNetVariant::modern, 1000, 1);
  EXPECT_EQ(a.outcome.test_accuracy, b.outcome.test_accuracy);
  EXPECT_EQ(a.outcome.test_accuracy, c.outcome.test_accuracy);
  const auto pa = a.model->named_parameters();
  const auto pb = b.model->named_parameters();
  const auto pc = c.model->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_EQ(pa.size(), pc.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].second.data().to_vector(), pb[i].second.data().to_vector()) << pa[i].first;
    EXPECT_EQ(pa[i].second.data().to_vector(), pc[i].second.data().to_vector())
        << pa[i].first << ": 2 threads against 1";
  }
}

// Two epochs straight, or one epoch, a checkpoint, and the second epoch resumed from it
// into a differently initialised model: the same bits, because the checkpoint carries the
// weights, the position and Adam's moments and step counts.
TEST(LenetTraining, ResumingFromACheckpointContinuesBitForBit) {
  use_fast_kernels();
  set_num_threads(1);
  TrainConfig config = default_config(models::LeNetVariant::modern);
  config.epochs = 2;
  config.limit = 640;
  config.test_limit = 100;
  config.progress = false;
  std::ostringstream log;
  Generator gen_straight(config.run.seed);
  models::LeNet5 straight(config.variant, gen_straight);
  ASSERT_EQ(train(straight, config, mnist().train, mnist().test, log).status,
            TrainStatus::finished);

  const std::string path =
      (std::filesystem::temp_directory_path() / "byo_lenet_resume_test.byot").string();
  TrainConfig first = config;
  first.epochs = 1;
  first.save_path = path;
  Generator gen_first(config.run.seed);
  models::LeNet5 interrupted(config.variant, gen_first);
  train(interrupted, first, mnist().train, mnist().test, log);
  const Checkpoint checkpoint = read_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_EQ(checkpoint.info.epoch, 1);
  EXPECT_TRUE(checkpoint.optimizer_state.contains("exp_avg.0"));

  Generator gen_other(config.run.seed + 1);  // other weights, which the checkpoint replaces
  models::LeNet5 resumed(config.variant, gen_other);
  load_weights(resumed, checkpoint, path);
  TrainStart start;
  start.epoch = checkpoint.info.epoch;
  start.optimizer_state = checkpoint.optimizer_state;
  ASSERT_EQ(train(resumed, config, mnist().train, mnist().test, log, start).status,
            TrainStatus::finished);
  const auto want = straight.named_parameters();
  const auto got = resumed.named_parameters();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].second.data().to_vector(), want[i].second.data().to_vector()) << want[i].first;
  }
}

}  // namespace
}  // namespace byo::lenet
