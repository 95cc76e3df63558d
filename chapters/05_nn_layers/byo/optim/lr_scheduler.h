/// @file
/// @brief Learning-rate schedules: `optim::LRScheduler`, `optim::StepLR` (step decay),
///        `optim::CosineAnnealingLR` and `optim::LinearLR` (warm-up).
///
/// A scheduler owns no parameters; it only sets its optimiser's learning rate as a
/// function of the epoch. StepLR multiplies it by γ every `step_size` epochs:
///
///     lr(epoch) = base_lr · γ^floor(epoch / step_size)
///
///     byo::optim::StepLR scheduler(optimizer, /*step_size=*/2, /*gamma=*/0.5);
///     for (int epoch = 0; epoch < epochs; ++epoch) {
///       train_one_epoch();
///       scheduler.step();   // at the end of each epoch, as in PyTorch
///     }
#pragma once

#include <cstdint>

#include "byo/optim/optimizer.h"

namespace byo::optim {

/// @brief Sets an optimiser's learning rate from the epoch count; subclasses say how.
class LRScheduler {
 public:
  /// @brief Remembers the optimiser's current lr as base_lr; the epoch count starts at 0.
  explicit LRScheduler(Optimizer& optimizer);
  /// @brief Virtual: schedulers may be held through the base class.
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// @brief Ends an epoch: counts it and sets the optimiser's lr to lr_at(new count).
  void step();
  /// @brief Epochs counted so far (PyTorch's `last_epoch`).
  int64_t last_epoch() const { return epoch_; }
  /// @brief The lr this scheduler last set (PyTorch's `get_last_lr()`).
  double get_last_lr() const { return optimizer_.lr(); }
  double base_lr() const { return base_lr_; }

 protected:
  /// @brief The learning rate for `epoch` (0 is the first epoch).
  virtual double lr_at(int64_t epoch) const = 0;

 private:
  Optimizer& optimizer_;
  double base_lr_;
  int64_t epoch_ = 0;
};

/// @brief Step decay: lr = base_lr · γ^floor(epoch / step_size).
class StepLR : public LRScheduler {
 public:
  /// @brief Decays by `gamma` every `step_size` epochs (step_size > 0, gamma > 0).
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 protected:
  /// @brief base_lr · γ^floor(epoch / step_size).
  double lr_at(int64_t epoch) const override;

 private:
  int64_t step_size_;
  double gamma_;
};

/// @brief Cosine annealing from base_lr down to eta_min over T_max epochs, as
///        torch.optim.lr_scheduler.CosineAnnealingLR (without restarts):
///
///     lr(epoch) = eta_min + (base_lr − eta_min) · (1 + cos(π · epoch / T_max)) / 2
///
/// The lr falls slowly at first, fastest half way, and slowly again near eta_min, which
/// it reaches at epoch T_max; after that the cosine climbs back, as PyTorch's does.
class CosineAnnealingLR : public LRScheduler {
 public:
  /// @brief Anneals over `T_max` epochs (> 0) down to `eta_min` (≥ 0).
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0);

 protected:
  /// @brief eta_min + (base_lr − eta_min)·(1 + cos(π·epoch/T_max))/2.
  double lr_at(int64_t epoch) const override;

 private:
  int64_t T_max_;
  double eta_min_;
};

/// @brief A linear ramp of the lr's factor from start_factor to end_factor over
///        total_iters epochs, then constant, as torch.optim.lr_scheduler.LinearLR. With
///        the defaults it is a warm-up: base_lr/3 at first, base_lr after 5 epochs.
///
///     lr(epoch) = base_lr · (start + (end − start) · min(epoch, total_iters) / total_iters)
///
/// Like PyTorch's, it sets the optimiser's lr to lr(0) = base_lr·start_factor as soon as
/// it is built, so the first epoch already trains at the reduced rate.
class LinearLR : public LRScheduler {
 public:
  /// @brief Ramps over `total_iters` epochs (> 0); start_factor and end_factor in [0, 1].
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3.0, double end_factor = 1.0,
           int64_t total_iters = 5);

 protected:
  /// @brief base_lr·(start + (end − start)·min(epoch, total_iters)/total_iters).
  double lr_at(int64_t epoch) const override;

 private:
  double start_factor_;
  double end_factor_;
  int64_t total_iters_;
};

}  // namespace byo::optim
