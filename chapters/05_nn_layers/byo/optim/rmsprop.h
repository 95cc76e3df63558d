/// @file
/// @brief `optim::RMSprop` (Hinton, 2012): each parameter's step divided by a running root
///        mean square of its gradients, step for step as `torch.optim.RMSprop`.
///
/// For each parameter p with gradient g (α smoothing, λ weight decay, μ momentum, η lr):
///
///     g ← g + λ·p
///     v ← α·v + (1 − α)·g²                         (square_avg, starts at 0)
///     centered:  a ← α·a + (1 − α)·g,  d ← sqrt(v − a²) + ε     (grad_avg, starts at 0)
///     otherwise: d ← sqrt(v) + ε
///     μ > 0:     b ← μ·b + g/d,  p ← p − η·b          (momentum_buffer, starts at 0)
///     otherwise: p ← p − η·g/d
///
/// Unlike Adam there is no bias correction: v starts at zero, so the first steps are
/// large (the first is η·g/(sqrt(1 − α)·|g|) = 10·η in size for α = 0.99).
#pragma once

#include <cstdint>
#include <vector>

#include "byo/optim/optimizer.h"

namespace byo::optim {

/// @brief Settings of RMSprop: RMSpropOptions(0.01).alpha(0.99).eps(1e-8).
class RMSpropOptions {
 public:
  /// @brief RMSprop with learning rate `lr` (PyTorch's default is 1e-2).
  explicit RMSpropOptions(double lr = 1e-2) : lr_(lr) {}

  /// @brief Sets the learning rate η.
  RMSpropOptions& lr(double value) {
    lr_ = value;
    return *this;
  }
  /// @brief The learning rate η.
  double lr() const { return lr_; }
  /// @brief Sets the smoothing constant α of the running averages.
  RMSpropOptions& alpha(double value) {
    alpha_ = value;
    return *this;
  }
  /// @brief α (default 0.99).
  double alpha() const { return alpha_; }
  /// @brief Sets ε, added to the denominator.
  RMSpropOptions& eps(double value) {
    eps_ = value;
    return *this;
  }
  /// @brief ε (default 1e-8).
  double eps() const { return eps_; }
  /// @brief Sets the L2 weight decay λ, added to the gradient as λ·p.
  RMSpropOptions& weight_decay(double value) {
    weight_decay_ = value;
    return *this;
  }
  /// @brief λ (default 0).
  double weight_decay() const { return weight_decay_; }
  /// @brief Sets the momentum μ (0 turns momentum off).
  RMSpropOptions& momentum(double value) {
    momentum_ = value;
    return *this;
  }
  /// @brief μ (default 0).
  double momentum() const { return momentum_; }
  /// @brief Sets whether the square average is centred by the mean gradient's square.
  RMSpropOptions& centered(bool value) {
    centered_ = value;
    return *this;
  }
  /// @brief Whether RMSprop is centred (default false).
  bool centered() const { return centered_; }

 private:
  double lr_;
  double alpha_ = 0.99;
  double eps_ = 1e-8;
  double weight_decay_ = 0.0;
  double momentum_ = 0.0;
  bool centered_ = false;
};

/// @brief RMSprop, as torch.optim.RMSprop.
class RMSprop : public Optimizer {
 public:
  /// @brief RMSprop over `params`; checks lr, α, ε, λ, μ ≥ 0.
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options);
  /// @brief "step.<i>" and "square_avg.<i>", plus "momentum_buffer.<i>" (μ > 0) and
  ///        "grad_avg.<i>" (centred), for every parameter updated so far.
  nn::StateDict state_dict() const override;
  /// @brief Restores the state of state_dict().
  void load_state_dict(const nn::StateDict& state) override;
  /// @brief The settings (the learning rate lives in Optimizer::lr()).
  const RMSpropOptions& options() const { return options_; }

 protected:
  void prepare(size_t i, const NDArray& grad) override;
  void update_elements(size_t i, const float* g, int64_t begin, int64_t end) override;

 private:
  // Per-parameter state, created on the parameter's first update.
  struct State {
    int64_t step = 0;
    NDArray square_avg;       // v
    NDArray momentum_buffer;  // b, when μ > 0
    NDArray grad_avg;         // a, when centred
  };
  RMSpropOptions options_;
  std::vector<State> state_;
};

}  // namespace byo::optim
