/// @file
/// @brief `nn::Linear` (y = x·Wᵀ + b) and `nn::LazyLinear` (in_features from the first input).
///
///     auto fc = std::make_shared<byo::nn::Linear>(byo::nn::LinearOptions(784, 256));
///     auto head = std::make_shared<byo::nn::Linear>(
///         byo::nn::LinearOptions(256, 10).bias(false));
///
/// Both initialise as PyTorch does: weight and bias from U(-1/sqrt(in), 1/sqrt(in)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "byo/nn/module.h"
#include "byo/random.h"

namespace byo::nn {

/// @brief Settings of a Linear layer, set in libtorch's chained style.
class LinearOptions {
 public:
  /// @brief A layer from `in_features` to `out_features`, with a bias.
  LinearOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}

  LinearOptions& in_features(int64_t value) {
    in_features_ = value;
    return *this;
  }
  int64_t in_features() const { return in_features_; }
  LinearOptions& out_features(int64_t value) {
    out_features_ = value;
    return *this;
  }
  int64_t out_features() const { return out_features_; }
  LinearOptions& bias(bool value) {
    bias_ = value;
    return *this;
  }
  /// @brief Whether the layer adds a learned bias (default true).
  bool bias() const { return bias_; }

 private:
  int64_t in_features_;
  int64_t out_features_;
  bool bias_ = true;
};

/// @brief Fully connected layer: y = x·Wᵀ + b, W of shape (out, in), b of shape (out).
class Linear : public Module {
 public:
  /// @brief Initialised from nn::default_generator().
  explicit Linear(const LinearOptions& options);
  /// @brief Initialised from `gen`.
  Linear(const LinearOptions& options, Generator& gen);
  /// @brief Shorthand for Linear(LinearOptions(in_features, out_features)).
  Linear(int64_t in_features, int64_t out_features)
      : Linear(LinearOptions(in_features, out_features)) {}

  /// @brief x is (..., in_features), the result (..., out_features).
  Tensor forward(const Tensor& input) override;
  /// @brief Redraws weight and bias from U(-1/sqrt(in), 1/sqrt(in)), as PyTorch does.
  void reset_parameters(Generator& gen);

  std::string type_name() const override { return "Linear"; }
  /// @brief "in_features=784, out_features=256, bias=true".
  std::string extra_repr() const override;
  const LinearOptions& options() const { return options_; }

  Tensor weight;  ///< (out_features, in_features).
  Tensor bias;    ///< (out_features), or undefined without bias.

 private:
  LinearOptions options_;
};

/// @brief A Linear layer whose in_features is read from its first input.
///
/// Until the first forward its parameters exist in name only: `named_parameters()` lists
/// "weight" and "bias" as undefined tensors, optimisers refuse them, and `state_dict()`
/// throws. So run one batch through a model with lazy layers before building its
/// optimiser (PyTorch recommends the same "dry run"). `load_state_dict` materialises
/// them from the shapes in the checkpoint instead.
class LazyLinear : public Module {
 public:
  /// @brief Draws its parameters from nn::default_generator() at materialisation, or from
  ///        a generator seeded with `seed` if one is given.
  explicit LazyLinear(int64_t out_features, bool bias = true,
                      std::optional<uint64_t> seed = std::nullopt);

  /// @brief x is (..., in); the first call fixes in = x.size(-1) and creates the parameters.
  Tensor forward(const Tensor& input) override;
  /// @brief True once the parameters exist.
  bool materialized() const { return weight.defined(); }
  /// @brief The inferred input size, or 0 before materialisation.
  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }

  std::string type_name() const override { return "LazyLinear"; }
  /// @brief "in_features=?, out_features=10, bias=true" (the ? until materialised).
  std::string extra_repr() const override;

  Tensor weight;  ///< (out_features, in_features) once materialised; undefined before.
  Tensor bias;    ///< (out_features) once materialised (if it has one); undefined before.

 protected:
  /// @brief Accepts weight (out_features, k) with k > 0 and bias (out_features).
  void check_materialize(const std::string& name, const Shape& shape) const override;
  /// @brief Creates weight or bias from a loaded value.
  void materialize(const std::string& name, const NDArray& value) override;

 private:
  int64_t in_features_ = 0;
  int64_t out_features_;
  bool has_bias_;
  std::optional<Generator> gen_;
};

}  // namespace byo::nn
