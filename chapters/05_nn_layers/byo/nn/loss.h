/// @file
/// @brief Loss functions as objects: `nn::CrossEntropyLoss` and `nn::MSELoss`.
///
/// A loss takes two inputs (prediction and target) and has no parameters, so here it is
/// a small function object rather than a Module (whose forward takes one input):
///
///     byo::nn::CrossEntropyLoss criterion;
///     byo::Tensor loss = criterion(model->forward(images), labels);
///
/// Both average over the batch (PyTorch's default `reduction='mean'`).
#pragma once

#include "byo/tensor.h"

namespace byo::nn {

/// @brief Mean over the batch of -log softmax(logits)[i, label_i].
class CrossEntropyLoss {
 public:
  /// @brief logits (N, C); labels (N) holding class indices 0..C-1 as floats.
  Tensor forward(const Tensor& logits, const Tensor& labels) const;
  Tensor operator()(const Tensor& logits, const Tensor& labels) const {
    return forward(logits, labels);
  }
};

/// @brief Mean of (input - target)² over all elements.
class MSELoss {
 public:
  /// @brief input and target of the same shape.
  Tensor forward(const Tensor& input, const Tensor& target) const;
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return forward(input, target);
  }
};

}  // namespace byo::nn
