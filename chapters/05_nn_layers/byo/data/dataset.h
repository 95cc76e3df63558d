/// @file
/// @brief `data::Dataset`: what a DataLoader reads from — examples by index, and batches.
///
/// As in PyTorch, a dataset answers two questions: how many examples it has (`size`, Python's
/// `__len__`) and what example i is (`get`, Python's `__getitem__`). A batch is the examples
/// of a list of indices stacked along a new first dimension ("collated"); `get_batch` does
/// that by calling `get` for each index, and a dataset that can do better (MNIST turns bytes
/// into normalised floats for the whole batch in one pass) overrides it.
#pragma once

#include <cstdint>
#include <span>

#include "byo/tensor.h"

namespace byo::data {

/// @brief One example: an input and its class.
struct Example {
  Tensor image;   ///< The input, e.g. (1, 28, 28) for MNIST.
  int64_t label;  ///< The class index, 0 <= label < number of classes.
};

/// @brief A batch of B examples, as a training loop consumes it.
struct Batch {
  Tensor images;  ///< The inputs stacked: (B, 1, 28, 28) for MNIST.
  Tensor labels;  ///< The class indices as floats, (B): what `cross_entropy` takes.
};

/// @brief A collection of examples addressed by index 0 .. size()-1.
class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual int64_t size() const = 0;
  /// @brief Example `index`; throws `byo::Error` if it is out of range.
  virtual Example get(int64_t index) const = 0;
  /// @brief The examples at `indices`, stacked. The default calls `get` for each index and
  ///        copies the images into one tensor; all images must have the same shape.
  virtual Batch get_batch(std::span<const int64_t> indices) const;
};

}  // namespace byo::data
