#include "byo/optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "byo/check.h"

namespace byo::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}

void LRScheduler::step() {
  ++epoch_;
  optimizer_.set_lr(lr_at(epoch_));
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  BYO_CHECK(step_size > 0) << "StepLR: step_size " << step_size << " must be positive";
  BYO_CHECK(gamma > 0.0) << "StepLR: gamma " << gamma << " must be positive";
}

double StepLR::lr_at(int64_t epoch) const {
  return base_lr() * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  BYO_CHECK(T_max > 0) << "CosineAnnealingLR: T_max " << T_max << " must be positive";
  BYO_CHECK(eta_min >= 0.0) << "CosineAnnealingLR: eta_min " << eta_min << " is negative";
}

double CosineAnnealingLR::lr_at(int64_t epoch) const {
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(T_max_);
  return eta_min_ + (base_lr() - eta_min_) * (1.0 + std::cos(phase)) / 2.0;
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor,
                   int64_t total_iters)
    : LRScheduler(optimizer),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
  BYO_CHECK(start_factor >= 0.0 && start_factor <= 1.0)
      << "LinearLR: start_factor " << start_factor << " must lie in [0, 1]";
  BYO_CHECK(end_factor >= 0.0 && end_factor <= 1.0)
      << "LinearLR: end_factor " << end_factor << " must lie in [0, 1]";
  BYO_CHECK(total_iters > 0) << "LinearLR: total_iters " << total_iters << " must be positive";
  optimizer.set_lr(lr_at(0));
}

double LinearLR::lr_at(int64_t epoch) const {
  const double progress =
      static_cast<double>(std::min(epoch, total_iters_)) / static_cast<double>(total_iters_);
  return base_lr() * (start_factor_ + (end_factor_ - start_factor_) * progress);
}

}  // namespace byo::optim
