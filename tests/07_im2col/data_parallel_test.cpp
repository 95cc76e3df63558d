// DataParallel: shards of a batch on replicas give the gradient of one pass over the
// batch; the same bits however many threads run the shards; bad models and batches refused.
// The model is a small conv net of chapter 5 and 6 layers on 12×12 images (chapter 8
// trains LeNet-5 with it, and tests that too).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "byo/check.h"
#include "byo/data_parallel.h"
#include "byo/fast_kernels.h"
#include "byo/nn.h"
#include "byo/nn/batchnorm.h"
#include "byo/nn/conv.h"
#include "byo/ops.h"
#include "small_net.h"

namespace byo {
namespace {

using test::data_parallel;
using test::gradients;
using test::Kind;
using test::make_net;
using test::random_batch;

// The batch through the model in one piece: the step DataParallel replaces.
std::vector<std::vector<float>> one_pass_gradients(Kind kind, const data::Batch& b, double& loss) {
  const auto model = make_net(kind, 3);
  const Tensor l = cross_entropy(model->forward(b.images), b.labels);
  l.backward();
  loss = l.item();
  return gradients(*model);
}

class DataParallelTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override { use_fast_kernels(); }
};

TEST_P(DataParallelTest, ShardsGiveTheGradientOfOnePassOverTheBatch) {
  const data::Batch batch = random_batch(7, 1);  // shards of 3 and 4, or 2, 2 and 3
  double expected_loss = 0;
  const auto expected = one_pass_gradients(GetParam(), batch, expected_loss);
  for (int shards : {2, 3}) {
    const auto net = make_net(GetParam(), 3);
    nn::Module& model = *net;
    DataParallel parallel = data_parallel(model, GetParam(), shards);
    const StepResult r = parallel.forward_backward(batch);
    EXPECT_NEAR(r.loss, expected_loss, 1e-5 * expected_loss) << shards << " shards";
    const auto got = gradients(model);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].size(), expected[i].size());
      float largest = 0;
      for (float g : expected[i]) largest = std::max(largest, std::abs(g));
      for (size_t k = 0; k < got[i].size(); ++k) {
        // Only the order of the sums differs: a few float roundings of the largest term.
        ASSERT_NEAR(got[i][k], expected[i][k], 1e-5f * largest + 1e-7f)
            << shards << " shards, parameter " << i << " element " << k;
      }
    }
  }
}

TEST_P(DataParallelTest, TheBitsDoNotDependOnHowManyThreadsRunTheShards) {
  const data::Batch batch = random_batch(9, 2);
  std::vector<std::vector<std::vector<float>>> runs;
  std::vector<double> losses;
  for (int threads : {1, 2, 3}) {
    const auto net = make_net(GetParam(), 3);
    nn::Module& model = *net;
    DataParallel parallel = data_parallel(model, GetParam(), 3);
    losses.push_back(parallel.forward_backward(batch, threads).loss);
    runs.push_back(gradients(model));
  }
  for (size_t t = 1; t < runs.size(); ++t) {
    EXPECT_EQ(losses[t], losses[0]) << t + 1 << " threads against 1";
    for (size_t i = 0; i < runs[0].size(); ++i) {
      ASSERT_EQ(runs[t][i].size(), runs[0][i].size());
      EXPECT_EQ(std::memcmp(runs[t][i].data(), runs[0][i].data(), runs[0][i].size() * 4), 0)
          << t + 1 << " threads against 1, parameter " << i;
    }
  }
}

TEST_P(DataParallelTest, ReplicasFollowTheModelsWeightsFromStepToStep) {
  // Two steps of plain SGD by hand: the second step's replicas must see the first's update.
  const data::Batch first = random_batch(8, 4), second = random_batch(8, 5);
  std::vector<std::vector<float>> results[2];
  for (int shards : {1, 2}) {
    const auto net = make_net(GetParam(), 3);
    nn::Module& model = *net;
    DataParallel parallel = data_parallel(model, GetParam(), shards);
    for (const data::Batch* b : {&first, &second}) {
      model.zero_grad();
      parallel.forward_backward(*b);
      for (const Tensor& p : model.parameters()) {
        float* w = p.data().data();
        const float* g = p.grad().data().data();
        for (int64_t k = 0; k < p.numel(); ++k) w[k] -= 0.5f * g[k];
      }
    }
    for (const Tensor& p : model.parameters()) results[shards - 1].push_back(p.data().to_vector());
  }
  for (size_t i = 0; i < results[0].size(); ++i) {
    for (size_t k = 0; k < results[0][i].size(); ++k) {
      ASSERT_NEAR(results[1][i][k], results[0][i][k], 1e-4f)
          << "parameter " << i << " element " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothVariants, DataParallelTest,
                         ::testing::Values(Kind::classic, Kind::modern), [](const auto& info) {
                           return info.param == Kind::classic ? "classic" : "modern";
                         });

TEST(DataParallel, GradientsAddUpAsBackwardDoes) {
  use_fast_kernels();
  const data::Batch batch = random_batch(6, 6);
  const auto net = make_net(Kind::modern, 3);
  nn::Module& model = *net;
  DataParallel parallel = data_parallel(model, Kind::modern, 2);
  parallel.forward_backward(batch);
  const auto once = gradients(model);
  parallel.forward_backward(batch);  // no zero_grad in between: the gradients add
  const auto twice = gradients(model);
  for (size_t i = 0; i < once.size(); ++i) {
    float largest = 0;
    for (float g : once[i]) largest = std::max(largest, std::abs(g));
    for (size_t k = 0; k < once[i].size(); ++k) {
      // (g₀ + g₁) + g₀ + g₁ against 2 (g₀ + g₁): a rounding or two apart.
      ASSERT_NEAR(twice[i][k], 2 * once[i][k], 1e-6f * largest)
          << "parameter " << i << " element " << k;
    }
  }
}

// logits = x + b, or x·w + b for a batch whose first value is positive: w takes part in
// some shards only.
class Gated : public nn::Module {
 public:
  Gated() {
    w = register_parameter("w", Tensor(NDArray::full({10}, 0.5f)));
    b = register_parameter("b", Tensor(NDArray::zeros({10})));
  }
  Tensor forward(const Tensor& x) override {
    return x.data().to_vector()[0] > 0 ? x * w + b : x + b;
  }
  std::string type_name() const override { return "Gated"; }
  Tensor w, b;
};

TEST(DataParallel, AParameterOnlyAReplicaUsedGetsItsGradient) {
  Generator gen(11);
  NDArray x = NDArray::randn({4, 10}, gen);
  for (int64_t i = 0; i < 4; ++i) x.data()[i * 10] = i < 2 ? -1.0f : 1.0f;  // shard 1 gates
  const data::Batch batch{Tensor(x), Tensor(NDArray::from_vector({1, 2, 3, 4}, {4}))};
  Gated model;
  DataParallel parallel(model, 2, [] { return std::make_unique<Gated>(); });
  parallel.forward_backward(batch, 1);
  ASSERT_TRUE(model.w.grad().defined());

  Gated alone;  // shard 1 by itself, its loss weighted by its 2 images of 4
  const Tensor rows(x.slice(0, 2, 4));
  (cross_entropy(alone.forward(rows), Tensor(NDArray::from_vector({3, 4}, {2}))) * 0.5f).backward();
  EXPECT_EQ(model.w.grad().data().to_vector(), alone.w.grad().data().to_vector());
}

// Images of 12×12 made from their index, labels index % 10.
class Pictures : public data::Dataset {
 public:
  int64_t size() const override { return 50; }
  data::Example get(int64_t index) const override {
    BYO_CHECK(index >= 0 && index < size()) << "Pictures: no picture " << index;
    Generator gen(static_cast<uint64_t>(index));
    return {randn({1, 12, 12}, gen), index % 10};
  }
};

// Each shard loading its own examples gives the bits of slicing the loaded batch.
TEST(DataParallel, ShardsThatLoadTheirExamplesGiveTheSameBits) {
  use_fast_kernels();
  const Pictures pictures;
  const std::vector<int64_t> indices{7, 3, 41, 0, 19, 22, 8};
  std::vector<std::vector<float>> runs[2];
  double losses[2] = {0, 0};
  for (int way = 0; way < 2; ++way) {
    const auto net = make_net(Kind::modern, 3);
    DataParallel parallel = data_parallel(*net, Kind::modern, 3);
    losses[way] = way == 0 ? parallel.forward_backward(pictures.get_batch(indices)).loss
                           : parallel.forward_backward(pictures, indices).loss;
    runs[way] = gradients(*net);
  }
  EXPECT_EQ(losses[1], losses[0]);
  EXPECT_EQ(runs[1], runs[0]);
  const auto net = make_net(Kind::modern, 3);
  DataParallel parallel = data_parallel(*net, Kind::modern, 2);
  EXPECT_THROW(parallel.forward_backward(pictures, std::vector<int64_t>{}), Error);
  EXPECT_THROW(parallel.forward_backward(pictures, std::vector<int64_t>{3, 50}, 2), Error);
}

TEST(DataParallel, ABatchSmallerThanTheShardsIsOnePlainStep) {
  use_fast_kernels();
  const data::Batch batch = random_batch(1, 7);
  double expected_loss = 0;
  const auto expected = one_pass_gradients(Kind::modern, batch, expected_loss);
  const auto net = make_net(Kind::modern, 3);
  nn::Module& model = *net;
  DataParallel parallel = data_parallel(model, Kind::modern, 4);
  const StepResult r = parallel.forward_backward(batch);
  EXPECT_EQ(r.loss, expected_loss);
  EXPECT_EQ(gradients(model), expected);
}

// `--threads 1000` must not build a thousand models for batches of 64.
TEST(DataParallel, ReplicasAreBuiltWhenABatchFirstNeedsThem) {
  use_fast_kernels();
  const auto net = make_net(Kind::modern, 3);
  int built = 0;
  DataParallel parallel(*net, 1000, [&built] {
    ++built;
    return make_net(Kind::modern, 99);
  });
  EXPECT_EQ(built, 1);  // the first, to check it
  parallel.forward_backward(random_batch(3, 1));
  EXPECT_EQ(built, 2);
  parallel.forward_backward(random_batch(2, 2));
  EXPECT_EQ(built, 2);
  EXPECT_EQ(parallel.shards(), 1000);
}

TEST(DataParallel, CountsTheImagesItGotRight) {
  use_fast_kernels();
  const data::Batch batch = random_batch(10, 8);
  const auto net = make_net(Kind::modern, 3);
  nn::Module& model = *net;
  const int64_t expected = count_correct(model.forward(batch.images), batch.labels);
  DataParallel parallel = data_parallel(model, Kind::modern, 3);
  EXPECT_EQ(parallel.forward_backward(batch).correct, expected);
}

TEST(DataParallel, RefusesWhatItCannotSplit) {
  use_fast_kernels();
  const auto net = make_net(Kind::modern, 3);
  nn::Module& model = *net;
  EXPECT_THROW(data_parallel(model, Kind::modern, 0), Error);
  try {
    DataParallel(model, 2, [] { return std::make_unique<nn::Linear>(nn::LinearOptions(4, 2)); });
    FAIL() << "a replica of another architecture was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("same architecture"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DataParallel(model, 2, nullptr), Error);
  nn::Module* const same = &model;  // a "replica" over the model's own tensors
  try {
    DataParallel(model, 2, [same] {
      auto shell = std::make_unique<nn::Sequential>();
      for (const auto& child : same->children()) shell->push_back(child);
      return shell;
    });
    FAIL() << "a replica sharing the model's tensors was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("new model"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DataParallel(model, 2, [] { return std::unique_ptr<nn::Module>(); }), Error);
  nn::BatchNorm2d norm(3);
  try {
    DataParallel(norm, 2, [] { return std::make_unique<nn::BatchNorm2d>(3); });
    FAIL() << "a model with buffers was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("buffers"), std::string::npos) << e.what();
  }

  DataParallel parallel = data_parallel(model, Kind::modern, 2);
  data::Batch mismatched = random_batch(4, 9);
  mismatched.labels = Tensor(NDArray::zeros({3}));
  try {
    parallel.forward_backward(mismatched);
    FAIL() << "4 images with 3 labels were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[4, 1, 12, 12]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parallel.forward_backward(random_batch(4, 9), -1), Error);
}

TEST(DataParallel, AnErrorInsideAShardReachesTheCaller) {
  use_fast_kernels();
  const auto net = make_net(Kind::modern, 3);
  nn::Module& model = *net;
  DataParallel parallel = data_parallel(model, Kind::modern, 2);
  Generator data(1);
  const data::Batch wrong{randn({4, 2, 12, 12}, data), Tensor(NDArray::zeros({4}))};
  try {
    parallel.forward_backward(wrong, 2);  // Conv2d refuses two channels, on both threads
    FAIL() << "images of two channels were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("channel"), std::string::npos) << e.what();
  }
  // The model is still usable: the next batch trains.
  model.zero_grad();
  EXPECT_GT(parallel.forward_backward(random_batch(4, 10), 2).loss, 0);
}

}  // namespace
}  // namespace byo
