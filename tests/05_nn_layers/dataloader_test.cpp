// data::DataLoader: batch shapes, order, seeded per-epoch shuffling, drop_last, limit, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/data/dataloader.h"
#include "byo/data/mnist.h"
#include "fake_mnist.h"

namespace {

using byo::data::Batch;
using byo::data::DataLoader;
using byo::data::DataLoaderOptions;
using ::testing::HasSubstr;

// Example i is the image {{i, -i}} with label i % 10, so a batch shows which examples it holds.
// It uses Dataset's default get_batch, which collates `get`.
class IndexDataset : public byo::data::Dataset {
 public:
  explicit IndexDataset(int64_t n) : n_(n) {}
  int64_t size() const override { return n_; }
  byo::data::Example get(int64_t index) const override {
    BYO_CHECK(index >= 0 && index < n_) << "IndexDataset: index " << index;
    const auto v = static_cast<float>(index);
    return {byo::from_vector({v, -v}, {1, 2}), index % 10};
  }

 private:
  int64_t n_;
};

// The example indices of a batch of IndexDataset, read back from the images.
std::vector<int64_t> indices_of(const Batch& batch) {
  std::vector<int64_t> out;
  const byo::NDArray& images = batch.images.data();
  for (int64_t i = 0; i < images.size(0); ++i) {
    out.push_back(static_cast<int64_t>(images.at({i, 0, 0})));
  }
  return out;
}

// Every batch of one walk, as lists of example indices.
template <typename Range>
std::vector<std::vector<int64_t>> walk(Range&& range) {
  std::vector<std::vector<int64_t>> out;
  for (const Batch& batch : range) out.push_back(indices_of(batch));
  return out;
}

std::vector<int64_t> flatten(const std::vector<std::vector<int64_t>>& batches) {
  std::vector<int64_t> out;
  for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
  return out;
}

TEST(DataLoader, InOrderBatchesWithAPartialLastOne) {
  const IndexDataset data(10);
  DataLoader loader(data, {.batch_size = 4});
  EXPECT_EQ(loader.size(), 3);
  EXPECT_EQ(loader.num_examples(), 10);
  std::vector<std::vector<int64_t>> batches;
  for (const Batch& batch : loader) {
    EXPECT_EQ(batch.images.shape(),
              (byo::Shape{static_cast<int64_t>(indices_of(batch).size()), 1, 2}));
    EXPECT_EQ(batch.labels.shape(), (byo::Shape{static_cast<int64_t>(indices_of(batch).size())}));
    batches.push_back(indices_of(batch));
  }
  EXPECT_EQ(batches, (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
}

TEST(DataLoader, CollatedBatchHoldsImagesAndFloatLabels) {
  const IndexDataset data(13);
  const DataLoader loader(data, {.batch_size = 3});
  auto it = loader.epoch(0).begin();
  ++it;
  ++it;
  ++it;  // batch 3: examples 9, 10, 11
  EXPECT_EQ(it->images.data().to_vector(), (std::vector<float>{9, -9, 10, -10, 11, -11}));
  EXPECT_EQ(it->labels.data().to_vector(), (std::vector<float>{9, 0, 1}));
}

TEST(DataLoader, DropLastSkipsOnlyAShortBatch) {
  const IndexDataset ten(10);
  EXPECT_EQ(DataLoader(ten, {.batch_size = 4, .drop_last = true}).size(), 2);
  EXPECT_EQ(walk(DataLoader(ten, {.batch_size = 4, .drop_last = true}).epoch(0)),
            (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  const IndexDataset eight(8);
  EXPECT_EQ(DataLoader(eight, {.batch_size = 4, .drop_last = true}).size(), 2);
  const IndexDataset three(3);
  EXPECT_EQ(DataLoader(three, {.batch_size = 4, .drop_last = true}).size(), 0);
  EXPECT_TRUE(walk(DataLoader(three, {.batch_size = 4, .drop_last = true}).epoch(0)).empty());
  EXPECT_EQ(DataLoader(three, {.batch_size = 4}).size(), 1);
}

TEST(DataLoader, ShuffleIsAPermutationFixedBySeedAndEpoch) {
  const IndexDataset data(50);
  const DataLoaderOptions options{.batch_size = 8, .shuffle = true, .seed = 42};
  const DataLoader a(data, options);
  const DataLoader b(data, options);

  const auto epoch0 = walk(a.epoch(0));
  EXPECT_EQ(epoch0, walk(b.epoch(0)));  // same seed, same epoch: same batches
  EXPECT_EQ(epoch0, walk(a.epoch(0)));  // and again
  EXPECT_NE(epoch0, walk(a.epoch(1)));  // another epoch: another order
  EXPECT_EQ(flatten(epoch0), a.epoch(0).order());

  std::vector<int64_t> sorted = flatten(epoch0);
  std::vector<int64_t> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(sorted, identity);  // shuffled...
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, identity);  // ...but every example exactly once

  const DataLoader other_seed(data, {.batch_size = 8, .shuffle = true, .seed = 43});
  EXPECT_NE(walk(other_seed.epoch(0)), epoch0);
}

TEST(DataLoader, ShuffleOrderIsStableAcrossVersions) {
  // Pinned: a change here silently changes every training run's batches.
  const IndexDataset data(8);
  const DataLoader loader(data, {.batch_size = 8, .shuffle = true, .seed = 1});
  EXPECT_EQ(loader.epoch(0).order(), (std::vector<int64_t>{5, 2, 0, 7, 1, 4, 6, 3}));
}

TEST(DataLoader, RangeForWalksSuccessiveEpochsAndResumes) {
  const IndexDataset data(20);
  const DataLoaderOptions options{.batch_size = 6, .shuffle = true, .seed = 7};
  DataLoader loader(data, options);
  EXPECT_EQ(loader.next_epoch(), 0);
  const auto first = walk(loader);
  const auto second = walk(loader);
  const auto third = walk(loader);
  EXPECT_EQ(loader.next_epoch(), 3);
  EXPECT_EQ(first, walk(loader.epoch(0)));
  EXPECT_EQ(second, walk(loader.epoch(1)));

  // A run restarted at epoch 2 sees what the uninterrupted run saw at epoch 2.
  DataLoader resumed(data, options);
  resumed.set_epoch(2);
  EXPECT_EQ(walk(resumed), third);
  EXPECT_THROW(resumed.set_epoch(-1), byo::Error);
  EXPECT_THROW(resumed.epoch(-1), byo::Error);
}

TEST(DataLoader, WithoutShuffleEveryEpochIsInOrder) {
  const IndexDataset data(7);
  const DataLoader loader(data, {.batch_size = 3, .seed = 99});
  const std::vector<int64_t> identity = {0, 1, 2, 3, 4, 5, 6};
  EXPECT_EQ(loader.epoch(0).order(), identity);
  EXPECT_EQ(flatten(walk(loader.epoch(5))), identity);
}

TEST(DataLoader, LimitUsesTheFirstExamplesOnly) {
  const IndexDataset data(100);
  const DataLoader loader(data, {.batch_size = 4, .shuffle = true, .seed = 3, .limit = 10});
  EXPECT_EQ(loader.num_examples(), 10);
  EXPECT_EQ(loader.size(), 3);
  std::vector<int64_t> seen = flatten(walk(loader.epoch(4)));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(DataLoader, BadOptionsAreRefused) {
  const IndexDataset data(10);
  try {
    DataLoader loader(data, {.batch_size = 0});
    ADD_FAILURE() << "batch_size 0 accepted";
  } catch (const byo::Error& e) {
    EXPECT_EQ(e.message(), "DataLoader: batch_size must be positive, not 0");
  }
  try {
    DataLoader loader(data, {.limit = 11});
    ADD_FAILURE() << "limit 11 of 10 accepted";
  } catch (const byo::Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("limit 11 is not in 0..10"));
  }
  EXPECT_THROW(DataLoader(data, {.batch_size = -3}), byo::Error);
  EXPECT_THROW(DataLoader(data, {.limit = -1}), byo::Error);
}

TEST(DataLoader, DereferencingTheEndIsAnError) {
  const IndexDataset data(2);
  const DataLoader loader(data, {.batch_size = 2});
  const auto epoch = loader.epoch(0);
  EXPECT_THROW(*epoch.end(), byo::Error);
  EXPECT_THROW(epoch.end().indices(), byo::Error);
}

// A caller that loads a batch itself asks for its indices: the very examples of the batch.
TEST(DataLoader, AnIteratorNamesItsBatchsExamplesWithoutLoadingThem) {
  const IndexDataset data(21);
  const DataLoader loader(data, {.batch_size = 8, .shuffle = true, .seed = 5});
  EXPECT_EQ(&loader.dataset(), &data);
  const auto epoch = loader.epoch(2);
  std::vector<std::vector<int64_t>> named;
  for (auto it = epoch.begin(); it != epoch.end(); ++it) {
    named.emplace_back(it.indices().begin(), it.indices().end());
  }
  EXPECT_EQ(named, walk(loader.epoch(2)));  // 8, 8 and the last 5
}

TEST(DataLoader, DefaultCollateRefusesExamplesOfDifferentShapes) {
  class Ragged : public byo::data::Dataset {
   public:
    int64_t size() const override { return 2; }
    byo::data::Example get(int64_t index) const override { return {byo::zeros({1, index + 1}), 0}; }
  };
  const Ragged data;
  const DataLoader loader(data, {.batch_size = 2});
  try {
    walk(loader.epoch(0));
    ADD_FAILURE() << "ragged batch accepted";
  } catch (const byo::Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("example 1 has shape [1, 2] but the first has [1, 1]"));
  }
}

using DataLoaderMnistTest = byo::testing::TempDirTest;

TEST_F(DataLoaderMnistTest, MnistBatchesAreNormalisedImagesOfOneChannel) {
  byo::testing::write_fake_mnist(dir_, 10, 1);
  const byo::data::MNIST train(dir_, "train");
  const DataLoader loader(train, {.batch_size = 4, .shuffle = true, .seed = 5});
  const auto epoch = loader.epoch(0);
  int64_t seen = 0;
  int64_t b = 0;
  for (const Batch& batch : epoch) {
    const int64_t size = b < 2 ? 4 : 2;
    ASSERT_EQ(batch.images.shape(), (byo::Shape{size, 1, 28, 28}));
    ASSERT_EQ(batch.labels.shape(), (byo::Shape{size}));
    for (int64_t i = 0; i < size; ++i) {
      const int64_t index = epoch.order()[static_cast<size_t>(seen + i)];
      EXPECT_EQ(batch.labels.data().at({i}), static_cast<float>(train.label(index)));
      EXPECT_EQ(batch.images.data().select(0, i).to_vector(),
                train.get(index).image.data().to_vector());
    }
    seen += size;
    ++b;
  }
  EXPECT_EQ(seen, 10);
}

}  // namespace
