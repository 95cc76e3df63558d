/// @file
/// @brief Neuron, Layer and MLP built from Scalars: a neural network one number at a time.
///
/// A neuron computes act(w·x + b) with one Scalar per weight, so backward() through a
/// loss reaches every weight. This is slow (a node per multiply) and meant to be: it shows
/// what chapter 4's Tensor will do in bulk. Chapter 5's `byo::nn` is the real thing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "byo/random.h"
#include "byo/scalar.h"

namespace byo::scalar {

/// @brief The function a neuron applies to w·x + b.
enum class Activation {
  none,  ///< Linear: the output layer that produces a score.
  relu,
  tanh,
};

/// @brief One neuron: act(w·x + b) over Scalars.
class Neuron {
 public:
  /// @brief Weights and bias uniform in [-1, 1), as micrograd.
  ///
  /// PyTorch's nn.Linear uses ±1/sqrt(n_inputs); on the two moons with plain gradient
  /// descent that smaller start learned more slowly (90-95% after 100 steps for some
  /// seeds, where [-1, 1) reached 100%), and chapter 5 does it PyTorch's way.
  Neuron(int64_t n_inputs, Activation activation, Generator& gen);
  /// @brief act(w·x + b); `x` must hold n_inputs() values.
  Scalar operator()(std::span<const Scalar> x) const;
  /// @brief The weights, then the bias (handles: updating them updates the neuron).
  std::vector<Scalar> parameters() const;
  int64_t n_inputs() const { return static_cast<int64_t>(weight_.size()); }

 private:
  std::vector<Scalar> weight_;
  Scalar bias_;
  Activation activation_;
};

/// @brief n_outputs neurons that all see the same inputs.
class Layer {
 public:
  /// @brief A layer of `n_outputs` neurons of `n_inputs` inputs each.
  Layer(int64_t n_inputs, int64_t n_outputs, Activation activation, Generator& gen);
  std::vector<Scalar> operator()(std::span<const Scalar> x) const;
  /// @brief Every neuron's parameters, in order.
  std::vector<Scalar> parameters() const;

 private:
  std::vector<Neuron> neurons_;
};

/// @brief A multi-layer perceptron: ReLU layers, then a linear output layer.
class MLP {
 public:
  /// @brief `MLP(2, {16, 16, 1}, gen)`: 2 inputs, two ReLU layers of 16, one linear output.
  MLP(int64_t n_inputs, const std::vector<int64_t>& layer_sizes, Generator& gen);
  std::vector<Scalar> operator()(std::span<const Scalar> x) const;
  /// @brief Every parameter, layer by layer.
  std::vector<Scalar> parameters() const;
  void zero_grad() const;
  /// @brief "MLP(2 -> 16 -> 16 -> 1, 337 parameters)".
  std::string to_string() const;

 private:
  int64_t n_inputs_;
  std::vector<int64_t> sizes_;
  std::vector<Layer> layers_;
};

/// @brief The SVM's max-margin loss: mean over samples of max(0, 1 - y s), y = ±1.
///
/// `scores` are the model's outputs, `labels` are 0 or 1 (mapped to y = -1 and +1). The
/// loss is zero once every sample is on its side of the boundary with a margin of 1.
Scalar hinge_loss(std::span<const Scalar> scores, std::span<const int> labels);

/// @brief The fraction of samples whose score has the label's sign (> 0 means label 1).
double accuracy(std::span<const Scalar> scores, std::span<const int> labels);

}  // namespace byo::scalar
