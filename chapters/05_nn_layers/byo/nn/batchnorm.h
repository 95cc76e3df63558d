/// @file
/// @brief `nn::BatchNorm1d` and `nn::BatchNorm2d`: normalise each channel over the batch.
///
/// For each channel c, over the batch (and over the positions, for BatchNorm2d's H·W and
/// BatchNorm1d's L):
///
///     training:   y = (x − mean_B) / sqrt(var_B + ε) · γ + β      (biased batch variance)
///                 running_mean ← (1 − m)·running_mean + m·mean_B
///                 running_var  ← (1 − m)·running_var  + m·var_B·n/(n − 1)   (unbiased)
///                 num_batches_tracked ← num_batches_tracked + 1
///     evaluation: y = (x − running_mean) / sqrt(running_var + ε) · γ + β
///
/// γ (`weight`, ones) and β (`bias`, zeros) are parameters when `affine`; the running
/// statistics are buffers: saved in state_dict() under PyTorch's names, never trained. The
/// training-mode forward is built from chapter 4's ops (mean, sub, pow, sqrt, div), so
/// autograd differentiates it — through the batch statistics too, which is what makes
/// batch norm's gradient differ from a fixed affine map's.
#pragma once

#include <cstdint>
#include <string>

#include "byo/nn/module.h"

namespace byo::nn {

/// @brief Settings of BatchNorm1d/2d: BatchNormOptions(64).eps(1e-5).momentum(0.1).
class BatchNormOptions {
 public:
  /// @brief Normalises `num_features` channels (C of an (N, C, ...) input).
  explicit BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  /// @brief The number of channels C.
  int64_t num_features() const { return num_features_; }
  /// @brief Sets ε, added to the variance before the square root.
  BatchNormOptions& eps(double value) {
    eps_ = value;
    return *this;
  }
  /// @brief ε (default 1e-5).
  double eps() const { return eps_; }
  /// @brief Sets the momentum m of the running statistics' update.
  BatchNormOptions& momentum(double value) {
    momentum_ = value;
    return *this;
  }
  /// @brief The momentum m (default 0.1).
  double momentum() const { return momentum_; }
  /// @brief Sets whether the layer has the learned scale γ and shift β.
  BatchNormOptions& affine(bool value) {
    affine_ = value;
    return *this;
  }
  /// @brief Whether the layer has γ and β (default true).
  bool affine() const { return affine_; }

 private:
  int64_t num_features_;
  double eps_ = 1e-5;
  double momentum_ = 0.1;
  bool affine_ = true;
};

/// @brief What BatchNorm1d and BatchNorm2d share; they differ in the input ranks they take.
class BatchNorm : public Module {
 public:
  /// @brief Normalises over every dim but 1 (the channels) of the input.
  Tensor forward(const Tensor& input) override;
  /// @brief "3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True".
  std::string extra_repr() const override;
  /// @brief The settings.
  const BatchNormOptions& options() const { return options_; }

  Tensor weight;               ///< γ, (C), ones; undefined unless affine.
  Tensor bias;                 ///< β, (C), zeros; undefined unless affine.
  Tensor running_mean;         ///< (C), zeros at the start (a buffer).
  Tensor running_var;          ///< (C), ones at the start (a buffer).
  Tensor num_batches_tracked;  ///< 0-d count of training batches seen (a buffer).

 protected:
  /// @brief Registers the parameters and buffers; `name` prefixes errors.
  BatchNorm(const BatchNormOptions& options, const char* name);
  /// @brief Checks that `input` has a rank this layer takes.
  virtual void check_input(const Tensor& input) const = 0;
  /// @brief "BatchNorm1d" or "BatchNorm2d", for messages.
  const char* name_;

 private:
  BatchNormOptions options_;
};

/// @brief Batch norm over (N, C) or (N, C, L) inputs, as torch.nn.BatchNorm1d.
class BatchNorm1d : public BatchNorm {
 public:
  /// @brief Normalises `num_features` channels with the default settings.
  explicit BatchNorm1d(int64_t num_features) : BatchNorm1d(BatchNormOptions(num_features)) {}
  /// @brief Normalises with `options`.
  explicit BatchNorm1d(const BatchNormOptions& options) : BatchNorm(options, "BatchNorm1d") {}
  /// @brief "BatchNorm1d".
  std::string type_name() const override { return "BatchNorm1d"; }

 protected:
  /// @brief Takes (N, C) and (N, C, L).
  void check_input(const Tensor& input) const override;
};

/// @brief Batch norm over (N, C, H, W) inputs, as torch.nn.BatchNorm2d.
class BatchNorm2d : public BatchNorm {
 public:
  /// @brief Normalises `num_features` channels with the default settings.
  explicit BatchNorm2d(int64_t num_features) : BatchNorm2d(BatchNormOptions(num_features)) {}
  /// @brief Normalises with `options`.
  explicit BatchNorm2d(const BatchNormOptions& options) : BatchNorm(options, "BatchNorm2d") {}
  /// @brief "BatchNorm2d".
  std::string type_name() const override { return "BatchNorm2d"; }

 protected:
  /// @brief Takes (N, C, H, W).
  void check_input(const Tensor& input) const override;
};

}  // namespace byo::nn
