#include "byo/optim/adamw.h"

#include <cmath>

#include "byo/check.h"

namespace byo::optim {

namespace {

// Adam's settings without the L2 term: AdamW applies its decay itself.
AdamOptions without_decay(AdamOptions options) {
  BYO_CHECK(std::isfinite(options.weight_decay()) && options.weight_decay() >= 0.0)
      << "AdamW: weight_decay " << options.weight_decay()
      << " must be a finite number of 0 or more";
  return options.weight_decay(0.0);
}

}  // namespace

AdamW::AdamW(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(std::move(params), without_decay(options), "AdamW"),
      weight_decay_(options.weight_decay()) {}

void AdamW::update_elements(size_t i, const float* g, int64_t begin, int64_t end) {
  // The factor in float, rounded once from the double product, as PyTorch's mul_(1 - lr·λ).
  const auto keep = static_cast<float>(1.0 - lr_ * weight_decay_);
  if (weight_decay_ != 0.0) {
    float* p = params_[i].data().data();
    for (int64_t k = begin; k < end; ++k) p[k] *= keep;
  }
  Adam::update_elements(i, g, begin, end);
}

}  // namespace byo::optim
