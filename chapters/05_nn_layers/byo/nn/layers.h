/// @file
/// @brief Layers without parameters: ReLU, Sigmoid, Tanh, Flatten, Dropout.
///
/// Each wraps one op of chapter 4 in a Module so that it can stand in a Sequential.
/// Dropout is the one layer here whose behaviour depends on the mode:
///
///     training:   y = x · m / (1 - p),  m_i ~ Bernoulli(1 - p)   (seeded)
///     evaluation: y = x
///
/// Scaling the kept values by 1/(1-p) keeps the expected value of each output equal to
/// its input, so nothing needs rescaling at evaluation time ("inverted dropout").
#pragma once

#include <cstdint>
#include <string>

#include "byo/nn/module.h"
#include "byo/random.h"

namespace byo::nn {

/// @brief max(x, 0), elementwise.
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "ReLU"; }
};

/// @brief 1 / (1 + e^-x), elementwise.
class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Sigmoid"; }
};

/// @brief tanh(x), elementwise.
class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Tanh"; }
};

/// @brief Merges dims start_dim..end_dim: (N, C, H, W) → (N, C·H·W) by default.
class Flatten : public Module {
 public:
  /// @brief Flattens start_dim..end_dim (PyTorch's defaults keep the batch dim).
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : start_dim_(start_dim), end_dim_(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "Flatten"; }
  /// @brief "start_dim=1, end_dim=-1".
  std::string extra_repr() const override;

 private:
  int64_t start_dim_;
  int64_t end_dim_;
};

/// @brief Zeroes each element with probability p while training; identity in eval().
class Dropout : public Module {
 public:
  /// @brief Drop probability `p` in [0, 1]; its generator is seeded from
  ///        nn::default_generator().
  explicit Dropout(double p = 0.5);
  /// @brief Drop probability `p`, masks drawn from a generator seeded with `seed`.
  Dropout(double p, uint64_t seed);
  /// @brief x·mask/(1-p) in training mode (a fresh mask each call), x in eval mode.
  Tensor forward(const Tensor& input) override;
  double p() const { return p_; }
  std::string type_name() const override { return "Dropout"; }
  /// @brief "p=0.5".
  std::string extra_repr() const override;

 private:
  double p_;
  Generator gen_;
};

}  // namespace byo::nn
