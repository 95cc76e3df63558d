/// @file
/// @brief Learning-rate schedules: `optim::LRScheduler` and `optim::StepLR` (step decay).
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

}  // namespace byo::optim
