// data::MNIST and data::FashionMNIST on small IDX files written by the tests, and on the real
// data sets when they are installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/data/mnist.h"
#include "byo/idx.h"
#include "byo/mnist_files.h"
#include "fake_mnist.h"
#include "support/expect.h"

namespace {

namespace fs = std::filesystem;
using byo::data::FashionMNIST;
using byo::data::MNIST;
using ::testing::HasSubstr;

using MnistTest = byo::testing::TempDirTest;

float mnist_normalised(int byte) { return (byte / 255.0f - 0.1307f) / 0.3081f; }

TEST_F(MnistTest, ReadsBothSplits) {
  byo::testing::write_fake_mnist(dir_, 12, 5);
  const MNIST train(dir_, "train");
  const MNIST test(dir_, "test");
  EXPECT_EQ(train.size(), 12);
  EXPECT_EQ(test.size(), 5);
  EXPECT_EQ(train.split(), "train");
  EXPECT_EQ(train.height(), 28);
  EXPECT_EQ(train.width(), 28);
  EXPECT_EQ(train.label(7), 7);
  EXPECT_EQ(train.label(11), 1);
  const auto bytes = train.image_bytes(3);
  ASSERT_EQ(bytes.size(), 784u);
  EXPECT_EQ(bytes[0], byo::testing::fake_pixel(3, 0));
  EXPECT_EQ(bytes[783], byo::testing::fake_pixel(3, 783));
}

TEST_F(MnistTest, NormalisesWithTheTrainingSetsMeanAndStd) {
  // Hand-computed: (0/255 - 0.1307)/0.3081, (128/255 - 0.1307)/0.3081, (255/255 - 0.1307)/0.3081
  EXPECT_NEAR(mnist_normalised(0), -0.4242129f, 1e-6);
  EXPECT_NEAR(mnist_normalised(128), 1.2050009f, 1e-6);
  EXPECT_NEAR(mnist_normalised(255), 2.8214865f, 1e-6);
  EXPECT_EQ(byo::data::kMnistNormalization.mean, 0.1307f);
  EXPECT_EQ(byo::data::kMnistNormalization.std, 0.3081f);

  byo::testing::write_fake_mnist(dir_, 4, 1);
  const MNIST train(dir_, "train");
  const byo::data::Example example = train.get(2);
  EXPECT_EQ(example.label, 2);
  ASSERT_EQ(example.image.shape(), (byo::Shape{1, 28, 28}));
  EXPECT_FALSE(example.image.requires_grad());
  const auto bytes = train.image_bytes(2);
  for (int64_t r = 0; r < 28; ++r) {
    for (int64_t c = 0; c < 28; ++c) {
      ASSERT_FLOAT_EQ(example.image.data().at({0, r, c}), mnist_normalised(bytes[r * 28 + c]))
          << "pixel " << r << "," << c;
    }
  }
}

TEST_F(MnistTest, GetBatchStacksNormalisedImagesAndFloatLabels) {
  byo::testing::write_fake_mnist(dir_, 6, 1);
  const MNIST train(dir_, "train");
  const std::vector<int64_t> indices = {4, 0, 4};
  const byo::data::Batch batch = train.get_batch(indices);
  ASSERT_EQ(batch.images.shape(), (byo::Shape{3, 1, 28, 28}));
  ASSERT_EQ(batch.labels.shape(), (byo::Shape{3}));
  EXPECT_EQ(batch.labels.data().to_vector(), (std::vector<float>{4, 0, 4}));
  for (size_t i = 0; i < indices.size(); ++i) {
    const auto row = batch.images.data().select(0, static_cast<int64_t>(i)).to_vector();
    EXPECT_EQ(row, train.get(indices[i]).image.data().to_vector()) << "batch row " << i;
  }
}

TEST_F(MnistTest, ReadsGzipNamesAndFashionUsesItsOwnConstants) {
  byo::testing::write_fake_mnist(dir_, 3, 2, /*gzip=*/true);
  EXPECT_TRUE(fs::exists(dir_ / "train-images-idx3-ubyte.gz"));
  const FashionMNIST fashion(dir_, "test");
  EXPECT_EQ(fashion.size(), 2);
  EXPECT_EQ(fashion.normalization().mean, 0.2860f);
  EXPECT_EQ(fashion.normalization().std, 0.3530f);
  const uint8_t byte = fashion.image_bytes(1)[5];
  EXPECT_FLOAT_EQ(fashion.get(1).image.data().at({0, 0, 5}), (byte / 255.0f - 0.2860f) / 0.3530f);
  // Hand-computed: (255/255 - 0.2860)/0.3530 and (0 - 0.2860)/0.3530.
  EXPECT_NEAR((255 / 255.0f - 0.2860f) / 0.3530f, 2.0226629f, 1e-6);
  EXPECT_NEAR((0 / 255.0f - 0.2860f) / 0.3530f, -0.8101983f, 1e-6);
}

TEST_F(MnistTest, MissingDataNamesTheDirectoryAndTheFix) {
  const std::string no_dir = byo::test::error_message([&] { MNIST(dir_ / "nowhere", "train"); });
  EXPECT_THAT(no_dir, HasSubstr((dir_ / "nowhere").string() + " does not exist"));
  EXPECT_THAT(no_dir, HasSubstr("cmake --build build --target mnist"));
  EXPECT_THAT(no_dir, HasSubstr(std::string(byo::kMnistFetchCommand)));

  byo::testing::write_fake_split(dir_, "train", 3);
  fs::remove(dir_ / "train-labels-idx1-ubyte");
  const std::string no_labels = byo::test::error_message([&] { MNIST(dir_, "train"); });
  EXPECT_THAT(no_labels, HasSubstr("MNIST: " + dir_.string() +
                                   " has no train-labels-idx1-ubyte (nor "
                                   "train-labels-idx1-ubyte.gz)"));
  EXPECT_THAT(no_labels, HasSubstr("Download MNIST with: cmake --build build --target mnist"));

  const std::string fashion = byo::test::error_message([&] { FashionMNIST(dir_, "test"); });
  EXPECT_THAT(fashion, HasSubstr("FashionMNIST: "));
  EXPECT_THAT(fashion, HasSubstr("has no t10k-images-idx3-ubyte"));
  EXPECT_THAT(fashion, HasSubstr("apt-get install dataset-fashion-mnist"));
}

TEST_F(MnistTest, UnknownSplitIsRefused) {
  byo::testing::write_fake_mnist(dir_, 2, 2);
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "validation"); }),
              HasSubstr("split \"validation\" is neither \"train\" nor \"test\""));
}

TEST_F(MnistTest, InconsistentFilesAreRefused) {
  // 5 images but 4 labels: the labels of another split, say.
  byo::testing::write_fake_split(dir_, "train", 5);
  byo::write_idx(dir_ / "train-labels-idx1-ubyte", byo::IdxArray{{4}, {0, 1, 2, 3}});
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "train"); }),
              HasSubstr("has 5 images but"));
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "train"); }), HasSubstr("has 4 labels"));

  // A label that is no digit.
  byo::write_idx(dir_ / "train-labels-idx1-ubyte", byo::IdxArray{{5}, {0, 1, 2, 10, 4}});
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "train"); }),
              HasSubstr("label 10 of example 3 is not a class 0..9"));

  // Labels as a 2-D array, images as a 2-D array.
  byo::write_idx(dir_ / "train-labels-idx1-ubyte", byo::IdxArray{{5, 1}, {0, 1, 2, 3, 4}});
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "train"); }),
              HasSubstr("holds an array of 5 x 1 bytes; labels must be one dimension of N"));
  byo::testing::write_fake_split(dir_, "train", 5);
  byo::write_idx(dir_ / "train-images-idx3-ubyte", byo::IdxArray{{5, 4}, std::vector<uint8_t>(20)});
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "train"); }),
              HasSubstr("holds an array of 5 x 4 bytes; images must be N x height x width"));
}

TEST_F(MnistTest, DamagedFileErrorsComeFromTheIdxReader) {
  byo::testing::write_fake_split(dir_, "t10k", 3);
  fs::resize_file(dir_ / "t10k-images-idx3-ubyte", 100);
  EXPECT_THAT(byo::test::error_message([&] { MNIST(dir_, "test"); }),
              HasSubstr("t10k-images-idx3-ubyte: truncated: header says 2352 bytes of data"));
}

TEST_F(MnistTest, IndicesOutOfRangeAreRefused) {
  byo::testing::write_fake_mnist(dir_, 3, 1);
  const MNIST train(dir_, "train");
  EXPECT_THAT(byo::test::error_message([&] { train.get(3); }),
              HasSubstr("MNIST (train): index 3 is out of range for 3 examples"));
  EXPECT_THROW(train.get(-1), byo::Error);
  EXPECT_THROW(train.label(3), byo::Error);
  EXPECT_THROW(train.image_bytes(-1), byo::Error);
  const std::vector<int64_t> bad = {0, 7};
  EXPECT_THAT(byo::test::error_message([&] { train.get_batch(bad); }),
              HasSubstr("index 7 is out of range"));
  EXPECT_THROW(train.get_batch({}), byo::Error);
}

// The real data sets, when present: the normalisation constants must make the training
// pixels mean 0 and standard deviation 1.
void expect_standardised(const MNIST& train) {
  double sum = 0, sum_sq = 0;
  constexpr int64_t kChunk = 10000;  // batches of this many images keep the memory small
  for (int64_t start = 0; start < train.size(); start += kChunk) {
    std::vector<int64_t> indices;
    for (int64_t i = start; i < std::min(start + kChunk, train.size()); ++i) indices.push_back(i);
    for (const float v : train.get_batch(indices).images.data().to_vector()) {
      sum += v;
      sum_sq += double{v} * v;
    }
  }
  const auto n = static_cast<double>(train.size() * train.height() * train.width());
  const double mean = sum / n;
  const double std = std::sqrt(sum_sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.0, 2e-3);
  EXPECT_NEAR(std, 1.0, 2e-3);
}

TEST(RealData, MnistWhenDownloaded) {
  // The tests run in tests/05_nn_layers, two levels below the repository's data/.
  const char* env = std::getenv(std::string(byo::kMnistDirEnvVar).c_str());
  const fs::path dir = env != nullptr ? fs::path(byo::default_mnist_dir())
                                      : fs::path("../..") / byo::kMnistDefaultDir;
  if (!fs::exists(dir / "train-images-idx3-ubyte")) {
    GTEST_SKIP() << "MNIST is not in " << dir << " (" << byo::kMnistFetchCommand << ")";
  }
  const MNIST train(dir, "train");
  const MNIST test(dir, "test");
  EXPECT_EQ(train.size(), 60000);
  EXPECT_EQ(test.size(), 10000);
  EXPECT_EQ(train.label(0), 5);  // the famous first digit
  expect_standardised(train);
}

TEST(RealData, FashionMnistWhenInstalled) {
  const fs::path dir(byo::kFashionMnistDefaultDir);
  if (!fs::exists(dir / "train-images-idx3-ubyte.gz")) GTEST_SKIP() << dir << " not installed";
  const FashionMNIST train(dir, "train");
  EXPECT_EQ(train.size(), 60000);
  EXPECT_EQ(FashionMNIST(dir, "test").size(), 10000);
  expect_standardised(train);
}

}  // namespace
