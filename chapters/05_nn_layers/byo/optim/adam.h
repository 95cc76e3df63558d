/// @file
/// @brief `optim::Adam` (Kingma & Ba, 2015), step for step as `torch.optim.Adam`.
///
/// For each parameter p with gradient g, at step t = 1, 2, ... (β₁, β₂ betas, λ weight
/// decay, η lr):
///
///     g ← g + λ·p                              (L2 decay, added to the gradient)
///     m ← β₁·m + (1 − β₁)·g                    (first moment, the mean)
///     v ← β₂·v + (1 − β₂)·g²                   (second moment, the uncentred variance)
///     p ← p − η/(1 − β₁ᵗ) · m / (sqrt(v)/sqrt(1 − β₂ᵗ) + ε)
///
/// m and v start at zero, so early on they are biased towards zero; dividing by
/// (1 − βᵗ) corrects that. Each parameter thus moves about η per step whatever the
/// scale of its gradient.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "byo/optim/optimizer.h"

namespace byo::optim {

/// @brief Settings of Adam: AdamOptions(1e-3).betas(0.9, 0.999).eps(1e-8).
class AdamOptions {
 public:
  /// @brief Adam with learning rate `lr` (PyTorch's default is 1e-3).
  explicit AdamOptions(double lr = 1e-3) : lr_(lr) {}

  AdamOptions& lr(double value) {
    lr_ = value;
    return *this;
  }
  double lr() const { return lr_; }
  /// @brief Sets the decay rates β₁, β₂ of the two moment averages.
  AdamOptions& betas(double beta1, double beta2) {
    beta1_ = beta1;
    beta2_ = beta2;
    return *this;
  }
  /// @brief β₁ (default 0.9).
  double beta1() const { return beta1_; }
  /// @brief β₂ (default 0.999).
  double beta2() const { return beta2_; }
  /// @brief Sets ε, added to the denominator for stability.
  AdamOptions& eps(double value) {
    eps_ = value;
    return *this;
  }
  /// @brief ε (default 1e-8).
  double eps() const { return eps_; }
  /// @brief Sets the L2 weight decay λ.
  AdamOptions& weight_decay(double value) {
    weight_decay_ = value;
    return *this;
  }
  /// @brief The weight decay λ (default 0).
  double weight_decay() const { return weight_decay_; }

 private:
  double lr_;
  double beta1_ = 0.9;
  double beta2_ = 0.999;
  double eps_ = 1e-8;
  double weight_decay_ = 0.0;
};

/// @brief Adam, as torch.optim.Adam (without amsgrad).
class Adam : public Optimizer {
 public:
  /// @brief Adam over `params`; checks 0 ≤ β < 1, ε ≥ 0, lr ≥ 0, λ ≥ 0.
  Adam(std::vector<Tensor> params, const AdamOptions& options);
  /// @brief "step.<i>" (a one-element array), "exp_avg.<i>" and "exp_avg_sq.<i>" for every
  ///        parameter updated so far.
  nn::StateDict state_dict() const override;
  /// @brief Restores the step counts and moments of state_dict().
  void load_state_dict(const nn::StateDict& state) override;
  /// @brief The settings (the learning rate lives in Optimizer::lr()).
  const AdamOptions& options() const { return options_; }

 protected:
  /// @brief As the public constructor; `name` ("AdamW") prefixes errors.
  Adam(std::vector<Tensor> params, const AdamOptions& options, std::string name);
  void prepare(size_t i, const NDArray& grad) override;
  void update_elements(size_t i, const float* g, int64_t begin, int64_t end) override;

 private:
  // Per-parameter state, created on the parameter's first update.
  struct State {
    int64_t step = 0;
    NDArray exp_avg;                  // m
    NDArray exp_avg_sq;               // v
    float step_size = 0;              // η / (1 − β₁ᵗ), this step's
    float bias_correction2_sqrt = 0;  // sqrt(1 − β₂ᵗ), this step's
  };
  AdamOptions options_;
  std::vector<State> state_;
};

}  // namespace byo::optim
