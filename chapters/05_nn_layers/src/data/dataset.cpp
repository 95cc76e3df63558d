#include "byo/data/dataset.h"

#include <algorithm>

#include "byo/check.h"

namespace byo::data {

Batch Dataset::get_batch(std::span<const int64_t> indices) const {
  const auto count = static_cast<int64_t>(indices.size());
  BYO_CHECK(count > 0) << "Dataset::get_batch: no indices";
  // Collate: stack the examples' images along a new first dimension.
  NDArray images;
  NDArray labels = NDArray::empty({count});
  for (int64_t i = 0; i < count; ++i) {
    const Example example = get(indices[static_cast<size_t>(i)]);
    const NDArray image = example.image.data().contiguous();
    if (i == 0) {
      Shape shape = image.shape();
      shape.insert(shape.begin(), count);
      images = NDArray::empty(shape);
    }
    BYO_CHECK(image.shape() == Shape(images.shape().begin() + 1, images.shape().end()))
        << "Dataset::get_batch: example " << indices[static_cast<size_t>(i)] << " has shape "
        << shape_str(image.shape()) << " but the first has "
        << shape_str(Shape(images.shape().begin() + 1, images.shape().end()));
    std::copy_n(image.data(), image.numel(), images.data() + i * image.numel());
    labels.data()[i] = static_cast<float>(example.label);
  }
  return {Tensor(images), Tensor(labels)};
}

}  // namespace byo::data
