// LeNet checkpoints: metadata round trip, refusing the other variant, damaged files, NaNs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/serialize.h"
#include "support/expect.h"

namespace byo::lenet {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("byo_ch08_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(LenetCheckpoint, RoundTripsWeightsAndMetadata) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::classic, gen);
  CheckpointInfo info;
  info.variant = "classic";
  info.dataset = "fashion";
  info.epoch = 3;
  info.batch = 17;
  info.run.seed = 18446744073709551557ULL;  // needs all 64 bits: text keeps it exact
  info.run.batch_size = 128;
  info.run.optimizer = "sgd";
  info.run.lr = 0.1;
  info.run.momentum = 0.9;
  info.run.weight_decay = 5e-4;
  info.run.epochs = 7;
  info.run.limit = 19200;
  info.run.test_limit = 500;
  info.tally = {.loss_sum = 12.3456789012345, .correct = 1000, .seen = 2176};
  info.first_loss = 0.3141592653589793;
  info.best_accuracy = 0.99;
  info.test_accuracy = 0.9876;
  const std::string path = temp_path("roundtrip.byot");
  save_checkpoint(model, info, path);
  const Checkpoint back = read_checkpoint(path);
  EXPECT_EQ(back.info.variant, "classic");
  EXPECT_EQ(back.info.dataset, "fashion");
  EXPECT_EQ(back.info.epoch, 3);
  EXPECT_EQ(back.info.batch, 17);
  EXPECT_EQ(back.info.run.seed, 18446744073709551557ULL);
  EXPECT_EQ(back.info.run.batch_size, 128);
  EXPECT_EQ(back.info.run.optimizer, "sgd");
  EXPECT_EQ(back.info.run.lr, 0.1);
  EXPECT_EQ(back.info.run.momentum, 0.9);
  EXPECT_EQ(back.info.run.weight_decay, 5e-4);
  EXPECT_EQ(back.info.test_accuracy, 0.9876);
  // The whole run: its length, its images, and the sums of the epoch it stopped in.
  EXPECT_EQ(back.info.run.epochs, 7);
  EXPECT_EQ(back.info.run.limit, 19200);
  EXPECT_EQ(back.info.run.test_limit, 500);
  EXPECT_EQ(back.info.tally.loss_sum, 12.3456789012345);
  EXPECT_EQ(back.info.tally.correct, 1000);
  EXPECT_EQ(back.info.tally.seen, 2176);
  EXPECT_EQ(back.info.first_loss, 0.3141592653589793);
  EXPECT_EQ(back.info.best_accuracy, 0.99);
  EXPECT_EQ(back.weights.size(), 10u);

  Generator other(2);
  models::LeNet5 copy(models::LeNetVariant::classic, other);
  load_weights(copy, back, path);
  EXPECT_EQ(copy.fc2->weight.data().to_vector(), model.fc2->weight.data().to_vector());
  fs::remove(path);
}

TEST(LenetCheckpoint, RefusesTheOtherVariant) {
  Generator gen(1);
  models::LeNet5 classic(models::LeNetVariant::classic, gen);
  const std::string path = temp_path("classic.byot");
  CheckpointInfo info;
  info.variant = "classic";
  save_checkpoint(classic, info, path);
  models::LeNet5 modern(models::LeNetVariant::modern, gen);
  const auto before = modern.conv1->weight.data().to_vector();
  const std::string message =
      test::error_message([&] { load_weights(modern, read_checkpoint(path), path); });
  EXPECT_NE(message.find("classic"), std::string::npos) << message;
  EXPECT_NE(message.find("not a modern"), std::string::npos) << message;
  EXPECT_EQ(modern.conv1->weight.data().to_vector(), before);  // untouched
  fs::remove(path);
}

TEST(LenetCheckpoint, DamagedFileFailsItsChecksum) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::modern, gen);
  const std::string path = temp_path("damaged.byot");
  save_checkpoint(model, CheckpointInfo{}, path);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(1000);
    file.put('\x5a');
  }
  const std::string message = test::error_message([&] { read_checkpoint(path); });
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
  fs::remove(path);
}

TEST(LenetCheckpoint, PlainStateDictIsNotALenetCheckpoint) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::modern, gen);
  const std::string path = temp_path("plain.byot");
  save(model, path);  // chapter 5's save: weights only
  const std::string message = test::error_message([&] { read_checkpoint(path); });
  EXPECT_NE(message.find("not a LeNet checkpoint"), std::string::npos) << message;
  fs::remove(path);
}

TEST(LenetCheckpoint, MissingFileIsNamed) {
  const std::string message = test::error_message([] { read_checkpoint("no/such/file.byot"); });
  EXPECT_NE(message.find("no/such/file.byot"), std::string::npos) << message;
}

TEST(LenetCheckpoint, RefusesToSaveNaNWeights) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::modern, gen);
  model.fc3->bias.data().data()[4] = std::nanf("");
  const std::string path = temp_path("nan.byot");
  const std::string message =
      test::error_message([&] { save_checkpoint(model, CheckpointInfo{}, path); });
  EXPECT_NE(message.find("fc3.bias"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(path));
}

// A checkpoint whose checksum is right but whose weights hold a NaN (written by another
// program, or by hand) would report "nan%": it is refused when read.
TEST(LenetCheckpoint, RefusesToReadNaNWeights) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::modern, gen);
  const std::string path = temp_path("nan_read.byot");
  save_checkpoint(model, CheckpointInfo{}, path);
  nn::StateDict state = load_state_dict(path);
  NDArray conv1 = state.at("conv1.weight");  // shares the state's storage
  conv1.data()[3] = std::nanf("");
  save_state_dict(state, path);  // chapter 5's save checks nothing but the format
  const std::string message = test::error_message([&] { read_checkpoint(path); });
  EXPECT_NE(message.find("conv1.weight holds a NaN"), std::string::npos) << message;
  fs::remove(path);
}

// Format 1 did not keep --epochs, --limit, --test-limit or a stopped epoch's sums, so it
// cannot be resumed as the same run: it is refused with the reason, not misread.
TEST(LenetCheckpoint, RefusesTheOlderFormatSayingWhy) {
  Generator gen(1);
  models::LeNet5 model(models::LeNetVariant::modern, gen);
  const std::string path = temp_path("v1.byot");
  save_checkpoint(model, CheckpointInfo{}, path);
  nn::StateDict state;
  for (const auto& [name, value] : load_state_dict(path)) {
    if (name != "meta.format") state.insert(name, value);
  }
  const std::string v1 = "byotorch-lenet 1";
  std::vector<float> text(v1.begin(), v1.end());
  state.insert("meta.format", NDArray::from_vector(text, {static_cast<int64_t>(text.size())}));
  save_state_dict(state, path);
  const std::string message = test::error_message([&] { read_checkpoint(path); });
  EXPECT_NE(message.find("format 'byotorch-lenet 1'"), std::string::npos) << message;
  EXPECT_NE(message.find("did not keep the whole run"), std::string::npos) << message;
  fs::remove(path);
}

TEST(LenetCheckpoint, ReadsOnlyARegularFile) {
  EXPECT_NE(test::error_message([] { read_checkpoint("/dev/zero"); }).find("not a checkpoint file"),
            std::string::npos);
  const std::string dir = temp_path("dir.byot");
  fs::create_directories(dir);
  const std::string message = test::error_message([&] { read_checkpoint(dir); });
  EXPECT_NE(message.find(dir + "' is a directory"), std::string::npos) << message;
  fs::remove(dir);
}

TEST(LenetCheckpoint, BestCheckpointLiesBesideTheLatest) {
  EXPECT_EQ(best_checkpoint_path("runs/lenet.byot"), "runs/lenet.best.byot");
  EXPECT_EQ(best_checkpoint_path("lenet"), "lenet.best");
}

}  // namespace
}  // namespace byo::lenet
