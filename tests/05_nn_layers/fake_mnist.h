// Small MNIST-format data sets that the chapter 5 data tests write for themselves.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "byo/idx.h"

namespace byo::testing {

/// A fresh directory under the system's temp dir, removed at the end of the test.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() / ("byo_ch05_" + std::to_string(getpid()) + "_" +
                                                     info->test_suite_name() + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

/// Pixel p of fake image i: every image differs, and bytes 0 and 255 both occur.
inline uint8_t fake_pixel(int64_t image, int64_t p) {
  return static_cast<uint8_t>((image * 37 + p * 11) % 256);
}

/// Writes the image and label files of `split` ("train" or "t10k") with `n` fake examples
/// of `height` x `width`; example i has label i % 10.
inline void write_fake_split(const std::filesystem::path& dir, const std::string& prefix, int64_t n,
                             bool gzip = false, int64_t height = 28, int64_t width = 28) {
  byo::IdxArray images{{n, height, width},
                       std::vector<uint8_t>(static_cast<size_t>(n * height * width))};
  byo::IdxArray labels{{n}, std::vector<uint8_t>(static_cast<size_t>(n))};
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t p = 0; p < height * width; ++p) {
      images.data[static_cast<size_t>(i * height * width + p)] = fake_pixel(i, p);
    }
    labels.data[static_cast<size_t>(i)] = static_cast<uint8_t>(i % 10);
  }
  const std::string suffix = gzip ? ".gz" : "";
  const auto compression = gzip ? byo::IdxCompression::gzip : byo::IdxCompression::none;
  byo::write_idx(dir / (prefix + "-images-idx3-ubyte" + suffix), images, compression);
  byo::write_idx(dir / (prefix + "-labels-idx1-ubyte" + suffix), labels, compression);
}

/// A fake MNIST directory: `n_train` training and `n_test` test examples.
inline void write_fake_mnist(const std::filesystem::path& dir, int64_t n_train, int64_t n_test,
                             bool gzip = false) {
  write_fake_split(dir, "train", n_train, gzip);
  write_fake_split(dir, "t10k", n_test, gzip);
}

}  // namespace byo::testing
