// End to end: LeNet-5 trained for one epoch on a fixed slice of MNIST reaches a known
// accuracy, and the same seed and thread count give the same bits.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "byo/check.h"
#include "byo/data/mnist.h"
#include "byo/gemm.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/metrics.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "data_dir.h"

namespace byo::lenet {
namespace {

// Adam at this rate throws a trained LeNet far off without overflowing float: the loss
// stays finite (no NaN), so only the divergence check can stop the run.
constexpr double kDivergentLr = 1.0;

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
  config.run.epochs = 1;
  config.run.limit = limit;
  config.run.test_limit = 1000;
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

// Chapter 7's kernels sum in an order that does not depend on the thread count, and a
// batch is cut into as many shards as there are threads, however many cores run them: the
// same seed and thread count give the same bits. One thread and two (one shard and two)
// round differently, and learn as well.
TEST(LenetTraining, SameSeedAndThreadCountGiveTheSameBits) {
  const TrainedModel a = train_once(models::LeNetVariant::modern, 1000, 2);
  const TrainedModel b = train_once(models::LeNetVariant::modern, 1000, 2);
  const TrainedModel c = train_once(models::LeNetVariant::modern, 1000, 1);
  const TrainedModel d = train_once(models::LeNetVariant::modern, 1000, 1);
  EXPECT_EQ(a.outcome.test_accuracy, b.outcome.test_accuracy);
  EXPECT_EQ(c.outcome.test_accuracy, d.outcome.test_accuracy);
  EXPECT_NEAR(a.outcome.test_accuracy, c.outcome.test_accuracy, 0.02) << "2 threads against 1";
  const auto pa = a.model->named_parameters();
  const auto pb = b.model->named_parameters();
  const auto pc = c.model->named_parameters();
  const auto pd = d.model->named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_EQ(pc.size(), pd.size());
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].second.data().to_vector(), pb[i].second.data().to_vector())
        << pa[i].first << ": 2 threads twice";
    EXPECT_EQ(pc[i].second.data().to_vector(), pd[i].second.data().to_vector())
        << pc[i].first << ": 1 thread twice";
  }
}

// The modern defaults on the first `limit` images, without a progress bar.
TrainConfig small_config(int64_t limit, int64_t epochs) {
  TrainConfig config = default_config(models::LeNetVariant::modern);
  config.run.epochs = epochs;
  config.run.limit = limit;
  config.run.test_limit = 200;
  config.progress = false;
  return config;
}

// Two epochs straight, or one epoch, a checkpoint, and the second epoch resumed from it
// into a differently initialised model: the same bits, because the checkpoint carries the
// weights, the position and Adam's moments and step counts.
TEST(LenetTraining, ResumingFromACheckpointContinuesBitForBit) {
  use_fast_kernels();
  // One thread, and two threads with a shard each.
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(std::to_string(threads) + " thread(s)");
    set_num_threads(threads);
    const TrainConfig config = small_config(640, 2);
    std::ostringstream log;
    Generator gen_straight(config.run.seed);
    models::LeNet5 straight(config.variant, gen_straight);
    ASSERT_EQ(train(straight, config, mnist().train, mnist().test, log).status,
              TrainStatus::finished);

    const std::string path =
        (std::filesystem::temp_directory_path() / "byo_lenet_resume_test.byot").string();
    TrainConfig first = config;
    first.run.epochs = 1;
    first.save_path = path;
    Generator gen_first(config.run.seed);
    models::LeNet5 interrupted(config.variant, gen_first);
    train(interrupted, first, mnist().train, mnist().test, log);
    const Checkpoint checkpoint = read_checkpoint(path);
    std::filesystem::remove(path);
    std::filesystem::remove(best_checkpoint_path(path));
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
      EXPECT_EQ(got[i].second.data().to_vector(), want[i].second.data().to_vector())
          << want[i].first;
    }
  }
}

// A data set that counts the images fetched from it and raises `stop` once `after` have
// been: Ctrl-C at a known batch, and a witness that nothing was fetched at all.
class Counting : public data::Dataset {
 public:
  Counting(const data::Dataset& inner, int64_t after = -1, std::atomic<bool>* stop = nullptr)
      : inner_(inner), after_(after), stop_(stop) {}
  int64_t size() const override { return inner_.size(); }
  data::Example get(int64_t index) const override {
    note(1);
    return inner_.get(index);
  }
  data::Batch get_batch(std::span<const int64_t> indices) const override {
    note(static_cast<int64_t>(indices.size()));
    return inner_.get_batch(indices);
  }
  int64_t fetched() const { return fetched_; }

 private:
  void note(int64_t n) const {
    fetched_ += n;
    if (stop_ != nullptr && after_ >= 0 && fetched_ >= after_) stop_->store(true);
  }
  const data::Dataset& inner_;
  int64_t after_;
  std::atomic<bool>* stop_;
  mutable int64_t fetched_ = 0;
};

// A data set with no images.
class Empty : public data::Dataset {
 public:
  int64_t size() const override { return 0; }
  data::Example get(int64_t index) const override {
    BYO_CHECK(false) << "Empty: no image " << index;
    return {};
  }
};

// "train loss 0.1234  train acc 56.78%  test acc 61.00%" of an epoch's line.
std::string results_of(const std::string& log, int64_t epoch, int64_t epochs) {
  const std::string head = "epoch " + std::to_string(epoch) + "/" + std::to_string(epochs);
  const size_t begin = log.find(head);
  if (begin == std::string::npos) return "(no line " + head + ")";
  const size_t test = log.find("test acc", begin);
  return log.substr(begin, log.find('%', test) + 1 - begin);
}

// Ctrl-C after 4 of 10 batches, then resume: the epoch's line reports the loss and accuracy
// of all 10 batches, the same as an uninterrupted run (the checkpoint keeps the sums).
TEST(LenetTraining, ResumedEpochReportsTheWholeEpoch) {
  use_fast_kernels();
  set_num_threads(1);
  TrainConfig config = small_config(640, 1);
  const auto temp = std::filesystem::temp_directory_path();
  config.metrics_path = (temp / "byo_lenet_whole_epoch_straight.jsonl").string();
  std::filesystem::remove(config.metrics_path);
  std::ostringstream straight_log;
  Generator gen_straight(config.run.seed);
  models::LeNet5 straight(config.variant, gen_straight);
  ASSERT_EQ(train(straight, config, mnist().train, mnist().test, straight_log).status,
            TrainStatus::finished);

  const std::string path =
      (std::filesystem::temp_directory_path() / "byo_lenet_whole_epoch.byot").string();
  config.save_path = path;
  const std::vector<EpochMetrics> straight_metrics = read_metrics(config.metrics_path);
  config.metrics_path = (temp / "byo_lenet_whole_epoch_resumed.jsonl").string();
  std::filesystem::remove(config.metrics_path);
  std::atomic<bool> stop{false};
  const Counting stopping_set(mnist().train, 4 * config.run.batch_size, &stop);
  std::ostringstream log;
  Generator gen_first(config.run.seed);
  models::LeNet5 first(config.variant, gen_first);
  ASSERT_EQ(train(first, config, stopping_set, mnist().test, log, {}, &stop).status,
            TrainStatus::interrupted);
  const Checkpoint checkpoint = read_checkpoint(path);
  std::filesystem::remove(path);
  EXPECT_EQ(checkpoint.info.batch, 4);
  EXPECT_EQ(checkpoint.info.tally.seen, 4 * config.run.batch_size);
  EXPECT_EQ(checkpoint.info.run.limit, 640);

  Generator gen_other(config.run.seed + 1);
  models::LeNet5 resumed(config.variant, gen_other);
  load_weights(resumed, checkpoint, path);
  std::ostringstream resumed_log;
  config.save_path.clear();
  ASSERT_EQ(
      train(resumed, config, mnist().train, mnist().test, resumed_log, resume_from(checkpoint))
          .status,
      TrainStatus::finished);
  EXPECT_EQ(results_of(resumed_log.str(), 1, 1), results_of(straight_log.str(), 1, 1));
  // The metrics line too: the interrupted part wrote none, the resumed part one for all.
  const std::vector<EpochMetrics> resumed_metrics = read_metrics(config.metrics_path);
  std::filesystem::remove(config.metrics_path);
  ASSERT_EQ(resumed_metrics.size(), 1u);
  ASSERT_EQ(straight_metrics.size(), 1u);
  EXPECT_EQ(resumed_metrics[0].train_loss, straight_metrics[0].train_loss);
  EXPECT_EQ(resumed_metrics[0].train_accuracy, straight_metrics[0].train_accuracy);
}

// A good model, then a resumed run whose rate blows it up. The loss stays finite, so only the
// divergence check can stop it; the good checkpoint and the best one stay as they were.
TEST(LenetTraining, DivergenceStopsBeforeTheGoodCheckpointIsOverwritten) {
  use_fast_kernels();
  set_num_threads(1);
  TrainConfig config = small_config(1280, 1);
  const auto dir = std::filesystem::temp_directory_path() / "byo_lenet_divergence";
  std::filesystem::create_directories(dir);
  config.save_path = (dir / "good.byot").string();
  std::ostringstream log;
  Generator gen(config.run.seed);
  models::LeNet5 model(config.variant, gen);
  const TrainOutcome good = train(model, config, mnist().train, mnist().test, log);
  ASSERT_EQ(good.status, TrainStatus::finished);
  ASSERT_GT(good.test_accuracy, kLearnedAccuracy) << log.str();
  const auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string latest = bytes(config.save_path);
  const std::string best = bytes(best_checkpoint_path(config.save_path));
  ASSERT_FALSE(best.empty());

  const Checkpoint checkpoint = read_checkpoint(config.save_path);
  TrainConfig wild = config;
  wild.run.epochs = 3;
  wild.run.lr = kDivergentLr;
  const TrainOutcome outcome =
      train(model, wild, mnist().train, mnist().test, log, resume_from(checkpoint));
  EXPECT_EQ(outcome.status, TrainStatus::diverged) << log.str();
  // Stopped by the finite checks, which a NaN check alone would not have done.
  EXPECT_TRUE(outcome.message.find("the mean loss rose") != std::string::npos ||
              outcome.message.find("the test accuracy fell") != std::string::npos)
      << outcome.message;
  EXPECT_NE(outcome.message.find("nothing was saved; the best epoch is in"), std::string::npos)
      << outcome.message;
  EXPECT_EQ(bytes(config.save_path), latest);
  EXPECT_EQ(bytes(best_checkpoint_path(config.save_path)), best);
  std::filesystem::remove_all(dir);
}

// After each epoch the latest checkpoint is written, and the best one beside it only when
// the epoch beats every earlier one.
TEST(LenetTraining, BestEpochIsKeptBesideTheLatest) {
  use_fast_kernels();
  set_num_threads(1);
  TrainConfig config = small_config(640, 2);
  const auto dir = std::filesystem::temp_directory_path() / "byo_lenet_best";
  std::filesystem::create_directories(dir);
  config.save_path = (dir / "run.byot").string();
  std::ostringstream log;
  Generator gen(config.run.seed);
  models::LeNet5 model(config.variant, gen);
  ASSERT_EQ(train(model, config, mnist().train, mnist().test, log).status, TrainStatus::finished);
  const Checkpoint latest = read_checkpoint(config.save_path);
  const Checkpoint best = read_checkpoint((dir / "run.best.byot").string());
  EXPECT_EQ(latest.info.epoch, 2);
  EXPECT_EQ(best.info.test_accuracy, best.info.best_accuracy);
  EXPECT_EQ(latest.info.best_accuracy, best.info.best_accuracy);
  EXPECT_GE(best.info.test_accuracy, latest.info.test_accuracy);
  EXPECT_GT(latest.info.first_loss, 0.0);
  std::filesystem::remove_all(dir);
}

// Nothing to train on, or nothing to test on: refused before the first batch, in words.
TEST(LenetTraining, EmptySetsAreRefusedBeforeTheFirstBatch) {
  const TrainConfig config = small_config(0, 1);
  Generator gen(1);
  models::LeNet5 model(config.variant, gen);
  std::ostringstream log;
  const Empty empty;
  const Counting train_set(mnist().train);
  auto message = [&](const data::Dataset& train_on, const data::Dataset& test_on,
                     const TrainConfig& c) {
    try {
      train(model, c, train_on, test_on, log);
    } catch (const Error& e) {
      return e.message();
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message(empty, mnist().test, config).find("the training set holds no images"),
            std::string::npos);
  EXPECT_NE(message(train_set, empty, config).find("the test set holds no images"),
            std::string::npos);
  EXPECT_THROW(evaluate(model, empty), Error);

  TrainConfig too_many = config;
  too_many.run.test_limit = 20000;
  EXPECT_NE(message(train_set, mnist().test, too_many)
                .find("--test-limit 20000 is more than the 10000 images of the test set"),
            std::string::npos);
  TrainConfig nowhere = config;
  nowhere.save_path = "/no/such/dir/c.byot";
  EXPECT_NE(message(train_set, mnist().test, nowhere).find("does not exist"), std::string::npos);
  TrainConfig onto_dir = config;
  onto_dir.save_path = std::filesystem::temp_directory_path().string();
  EXPECT_NE(message(train_set, mnist().test, onto_dir).find("is a directory"), std::string::npos);
  EXPECT_EQ(train_set.fetched(), 0);  // every refusal came before the first batch
  EXPECT_EQ(log.str(), "");
}

}  // namespace
}  // namespace byo::lenet
