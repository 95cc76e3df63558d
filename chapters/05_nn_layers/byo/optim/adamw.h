/// @file
/// @brief `optim::AdamW` (Loshchilov & Hutter, 2019): Adam with decoupled weight decay,
///        step for step as `torch.optim.AdamW`.
///
/// Adam's weight decay adds λ·p to the gradient, so the decay too is divided by
/// sqrt(v): parameters with large gradients are barely decayed. AdamW takes the decay out
/// of the gradient and applies it to the parameter directly, before Adam's update:
///
///     p ← p · (1 − η·λ)                       (decoupled decay)
///     p ← Adam's update of p with the plain gradient g
///
/// Adam's update never reads p, so shrinking p first and then running Adam (with λ = 0)
/// is exactly PyTorch's AdamW; that is how the class is written.
#pragma once

#include <vector>

#include "byo/optim/adam.h"

namespace byo::optim {

/// @brief AdamW's settings: Adam's, with PyTorch's AdamW default weight decay λ = 0.01.
///        The chained setters are AdamOptions's: AdamWOptions(1e-3).betas(0.9, 0.99).
class AdamWOptions : public AdamOptions {
 public:
  /// @brief AdamW with learning rate `lr` (default 1e-3) and weight decay 0.01.
  explicit AdamWOptions(double lr = 1e-3) : AdamOptions(lr) { weight_decay(1e-2); }
};

/// @brief AdamW, as torch.optim.AdamW (without amsgrad).
class AdamW : public Adam {
 public:
  /// @brief AdamW over `params`; `options.weight_decay()` is the decoupled λ.
  AdamW(std::vector<Tensor> params, const AdamOptions& options);
  /// @brief The decoupled weight decay λ.
  double weight_decay() const { return weight_decay_; }

 protected:
  /// @brief Decays the elements by (1 − η·λ), then Adam's update of them.
  void update_elements(size_t i, const float* g, int64_t begin, int64_t end) override;

 private:
  double weight_decay_;
};

}  // namespace byo::optim
