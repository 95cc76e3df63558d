#include "byo/optim/lr_scheduler.h"

#include <cmath>

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

}  // namespace byo::optim
