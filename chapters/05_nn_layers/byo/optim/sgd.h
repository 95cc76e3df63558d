/// @file
/// @brief `optim::SGD`: stochastic gradient descent with momentum, dampening, weight
///        decay and Nesterov momentum, step for step as `torch.optim.SGD`.
///
/// For each parameter p with gradient g (λ weight decay, μ momentum, τ dampening, η lr):
///
///     g ← g + λ·p
///     b ← g                       on the first step
///     b ← μ·b + (1 − τ)·g         afterwards           (b: the momentum buffer)
///     g ← g + μ·b   if nesterov,   else   g ← b         (only when μ ≠ 0)
///     p ← p − η·g
///
///     byo::optim::SGD sgd(model->parameters(), byo::optim::SGDOptions(0.05).momentum(0.9));
#pragma once

#include <vector>

#include "byo/optim/optimizer.h"

namespace byo::optim {

/// @brief Settings of SGD, set in libtorch's chained style: SGDOptions(lr).momentum(0.9).
class SGDOptions {
 public:
  /// @brief Plain SGD with learning rate `lr`.
  explicit SGDOptions(double lr) : lr_(lr) {}

  SGDOptions& lr(double value) {
    lr_ = value;
    return *this;
  }
  double lr() const { return lr_; }
  /// @brief Sets the momentum μ (0 turns momentum off).
  SGDOptions& momentum(double value) {
    momentum_ = value;
    return *this;
  }
  /// @brief The momentum μ (default 0).
  double momentum() const { return momentum_; }
  /// @brief Sets the dampening τ of the gradient's share in the momentum buffer.
  SGDOptions& dampening(double value) {
    dampening_ = value;
    return *this;
  }
  /// @brief The dampening τ (default 0).
  double dampening() const { return dampening_; }
  /// @brief Sets the L2 weight decay λ, added to the gradient as λ·p.
  SGDOptions& weight_decay(double value) {
    weight_decay_ = value;
    return *this;
  }
  /// @brief The weight decay λ (default 0).
  double weight_decay() const { return weight_decay_; }
  /// @brief Sets Nesterov momentum (needs μ > 0 and τ = 0).
  SGDOptions& nesterov(bool value) {
    nesterov_ = value;
    return *this;
  }
  /// @brief Whether Nesterov momentum is on (default false).
  bool nesterov() const { return nesterov_; }

 private:
  double lr_;
  double momentum_ = 0.0;
  double dampening_ = 0.0;
  double weight_decay_ = 0.0;
  bool nesterov_ = false;
};

/// @brief Stochastic gradient descent, as torch.optim.SGD.
class SGD : public Optimizer {
 public:
  /// @brief SGD over `params`; checks the options (lr ≥ 0, μ ≥ 0, λ ≥ 0, Nesterov's needs).
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  /// @brief "momentum_buffer.<i>" for every parameter that has one.
  nn::StateDict state_dict() const override;
  /// @brief Restores the momentum buffers of state_dict().
  void load_state_dict(const nn::StateDict& state) override;
  /// @brief The settings (the learning rate lives in Optimizer::lr()).
  const SGDOptions& options() const { return options_; }

 protected:
  void prepare(size_t i, const NDArray& grad) override;
  void update_elements(size_t i, const float* g, int64_t begin, int64_t end) override;

 private:
  SGDOptions options_;
  std::vector<NDArray> momentum_buffers_;  // one per parameter; undefined until first used
  std::vector<char> first_;                // per parameter: this step made its buffer
};

}  // namespace byo::optim
