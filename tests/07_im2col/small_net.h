/// @file
/// @brief A small conv net of chapter 5 and 6 layers on 12×12 images, random batches for
///        it and its gradients: the model of chapter 7's DataParallel tests.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "byo/data/dataset.h"
#include "byo/data_parallel.h"
#include "byo/nn.h"
#include "byo/nn/conv.h"
#include "byo/ops.h"

namespace byo::test {

/// @brief The two kinds of LeNet: ReLU and max pooling, or sigmoid and average pooling.
enum class Kind { modern, classic };

/// @brief conv, activation, pool, conv, activation, flatten, linear: every seam's kernels,
///        and weights from `seed`.
inline std::unique_ptr<nn::Module> make_net(Kind kind, uint64_t seed) {
  Generator gen(seed);
  const auto activation = [kind]() -> std::shared_ptr<nn::Module> {
    if (kind == Kind::modern) return std::make_shared<nn::ReLU>();
    return std::make_shared<nn::Sigmoid>();
  };
  std::shared_ptr<nn::Module> pool = std::make_shared<nn::MaxPool2d>(2);
  if (kind == Kind::classic) pool = std::make_shared<nn::AvgPool2d>(2);
  auto net = std::make_unique<nn::Sequential>(
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 3).padding(1), gen), activation(), pool,
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 8, 3), gen), activation(),
      std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(128, 10), gen));
  return net;
}

/// @brief The model and `shards` shards, its replicas nets of the same kind.
inline DataParallel data_parallel(nn::Module& model, Kind kind, int shards) {
  return DataParallel(model, shards, [kind] { return make_net(kind, 99); });
}

/// @brief `n` random images (n, 1, 12, 12) and labels 0..9.
inline data::Batch random_batch(int64_t n, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> labels;
  for (int64_t i = 0; i < n; ++i) labels.push_back(static_cast<float>((i * 7 + seed) % 10));
  return {randn({n, 1, 12, 12}, gen), Tensor(NDArray::from_vector(labels, {n}))};
}

/// @brief Every parameter's gradient, in the order of parameters().
inline std::vector<std::vector<float>> gradients(const nn::Module& model) {
  std::vector<std::vector<float>> out;
  for (const Tensor& p : model.parameters()) out.push_back(p.grad().data().to_vector());
  return out;
}

}  // namespace byo::test
