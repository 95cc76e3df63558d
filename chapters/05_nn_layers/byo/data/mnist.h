/// @file
/// @brief `data::MNIST` and `data::FashionMNIST`: the handwritten digits (and clothes) as a
/// Dataset.
///
/// The four IDX files of a data set (read with byo/idx.h, plain or gzip):
///
///     split   images                      labels
///     train   train-images-idx3-ubyte     train-labels-idx1-ubyte    60000 examples
///     test    t10k-images-idx3-ubyte      t10k-labels-idx1-ubyte     10000 examples
///
/// each also accepted with a `.gz` suffix (Debian's Fashion-MNIST package ships those).
/// The images stay as bytes in memory (47 MB for the training set instead of 188 MB as
/// floats); a batch converts its bytes to floats and normalises them on the way out:
///
///     x = (byte / 255 - mean) / std
///
/// so that the inputs have mean about 0 and standard deviation about 1 over the training
/// set, which keeps the first layer's pre-activations in a range where sigmoid and tanh
/// still have a gradient. The mean and std are those of the training set's pixels.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "byo/data/dataset.h"
#include "byo/tensor.h"

namespace byo::data {

/// @brief The per-pixel normalisation `(byte / 255 - mean) / std` of a data set.
struct Normalization {
  float mean;  ///< Mean of the training pixels scaled to [0, 1].
  float std;   ///< Their standard deviation.
};

/// @brief MNIST: mean 0.1307, std 0.3081 of the 60000 training images (as torchvision uses).
inline constexpr Normalization kMnistNormalization{0.1307f, 0.3081f};
/// @brief Fashion-MNIST: mean 0.2860, std 0.3530 of its 60000 training images.
inline constexpr Normalization kFashionMnistNormalization{0.2860f, 0.3530f};

/// @brief The MNIST digits: one split ("train" or "test") read from a directory of IDX files.
///
///     byo::data::MNIST train("data/mnist", "train");   // 60000 images, 28 x 28
///     byo::data::Example e = train.get(0);             // e.image (1,28,28), e.label 5
class MNIST : public Dataset {
 public:
  static constexpr int64_t kNumClasses = 10;  ///< Labels are 0 .. 9.

  /// @brief Reads split `split` ("train" or "test") from the IDX files in `root`.
  ///
  /// Throws `byo::Error` if a file is missing (naming the directory and the command that
  /// downloads MNIST), damaged, or inconsistent (image and label counts differ, a label
  /// is 10 or more, the images are not N x H x W).
  MNIST(const std::filesystem::path& root, std::string_view split);

  /// @brief The number of examples (60000 for "train", 10000 for "test").
  int64_t size() const override { return size_; }
  /// @brief Example `index`: the normalised image (1, H, W) and its label.
  Example get(int64_t index) const override;
  /// @brief The examples at `indices`: images (B, 1, H, W) normalised, labels (B) as floats.
  Batch get_batch(std::span<const int64_t> indices) const override;

  /// @brief The raw bytes (H * W, row-major) of image `index`, e.g. to draw it.
  std::span<const uint8_t> image_bytes(int64_t index) const;
  int64_t label(int64_t index) const;
  /// @brief Image height in pixels (28).
  int64_t height() const { return height_; }
  /// @brief Image width in pixels (28).
  int64_t width() const { return width_; }
  /// @brief The normalisation applied by `get` and `get_batch`.
  const Normalization& normalization() const { return normalization_; }
  /// @brief "train" or "test".
  const std::string& split() const { return split_; }

 protected:
  /// @brief For data sets in MNIST's format: `name` and `fetch_hint` appear in errors.
  MNIST(const std::filesystem::path& root, std::string_view split, Normalization normalization,
        std::string_view name, std::string_view fetch_hint);

 private:
  void check_index(int64_t index) const;
  void normalise_into(int64_t index, float* out) const;

  std::string name_;
  std::string split_;
  Normalization normalization_;
  int64_t size_ = 0;
  int64_t height_ = 0;
  int64_t width_ = 0;
  std::vector<uint8_t> images_;  // size_ x height_ x width_
  std::vector<uint8_t> labels_;  // size_
  // A pixel is one of 256 bytes, so each byte's normalised value is computed once.
  std::array<float, 256> normalised_{};
};

/// @brief Fashion-MNIST (Zalando): the same format and sizes, ten kinds of clothes.
///
/// Debian's package `dataset-fashion-mnist` installs it, gzipped, in
/// /usr/share/datasets/fashion-mnist (`byo::kFashionMnistDefaultDir`).
class FashionMNIST : public MNIST {
 public:
  /// @brief Reads split `split` ("train" or "test") from `root`; normalised with
  ///        `kFashionMnistNormalization`.
  FashionMNIST(const std::filesystem::path& root, std::string_view split);
};

}  // namespace byo::data
