#include "byo/optim/rmsprop.h"

#include <cmath>

#include "byo/check.h"

namespace byo::optim {

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : Optimizer(std::move(params), options.lr(), "RMSprop"),
      options_(options),
      state_(params_.size()) {
  BYO_CHECK(std::isfinite(options.alpha()) && options.alpha() >= 0.0)
      << "RMSprop: alpha " << options.alpha() << " must be a finite number of 0 or more";
  BYO_CHECK(std::isfinite(options.eps()) && options.eps() >= 0.0)
      << "RMSprop: eps " << options.eps() << " must be a finite number of 0 or more";
  BYO_CHECK(std::isfinite(options.weight_decay()) && options.weight_decay() >= 0.0)
      << "RMSprop: weight_decay " << options.weight_decay()
      << " must be a finite number of 0 or more";
  BYO_CHECK(std::isfinite(options.momentum()) && options.momentum() >= 0.0)
      << "RMSprop: momentum " << options.momentum() << " must be a finite number of 0 or more";
}

void RMSprop::prepare(size_t i, const NDArray& grad) {
  State& s = state_[i];
  if (s.step == 0) {
    s.square_avg = NDArray::zeros(grad.shape());
    if (static_cast<float>(options_.momentum()) > 0.0f)
      s.momentum_buffer = NDArray::zeros(grad.shape());
    if (options_.centered()) s.grad_avg = NDArray::zeros(grad.shape());
  }
  ++s.step;
}

void RMSprop::update_elements(size_t i, const float* g, int64_t begin, int64_t end) {
  // float, as PyTorch's float32 kernels; the scalars are rounded once, here.
  const auto lr = static_cast<float>(lr_);
  const auto alpha = static_cast<float>(options_.alpha());
  const auto one_minus_alpha = static_cast<float>(1.0 - options_.alpha());
  const auto eps = static_cast<float>(options_.eps());
  const auto weight_decay = static_cast<float>(options_.weight_decay());
  const auto momentum = static_cast<float>(options_.momentum());
  const bool centered = options_.centered();

  const State& s = state_[i];
  float* p = params_[i].data().data();
  float* v = s.square_avg.data();
  float* b = momentum > 0.0f ? s.momentum_buffer.data() : nullptr;
  float* a = centered ? s.grad_avg.data() : nullptr;
  for (int64_t k = begin; k < end; ++k) {
    float d = g[k];
    if (weight_decay != 0.0f) d += weight_decay * p[k];
    v[k] = v[k] * alpha + one_minus_alpha * d * d;
    float denom;
    if (a != nullptr) {
      a[k] = a[k] * alpha + one_minus_alpha * d;
      denom = std::sqrt(v[k] - a[k] * a[k]) + eps;
    } else {
      denom = std::sqrt(v[k]) + eps;
    }
    if (b != nullptr) {
      b[k] = b[k] * momentum + d / denom;
      p[k] -= lr * b[k];
    } else {
      p[k] -= lr * d / denom;
    }
  }
}

nn::StateDict RMSprop::state_dict() const {
  nn::StateDict state;
  for (size_t i = 0; i < state_.size(); ++i) {
    const State& s = state_[i];
    if (s.step == 0) continue;
    const std::string index = std::to_string(i);
    state.insert("step." + index, NDArray::from_vector({static_cast<float>(s.step)}, {1}));
    state.insert("square_avg." + index, s.square_avg.clone());
    if (s.momentum_buffer.defined()) {
      state.insert("momentum_buffer." + index, s.momentum_buffer.clone());
    }
    if (s.grad_avg.defined()) state.insert("grad_avg." + index, s.grad_avg.clone());
  }
  return state;
}

void RMSprop::load_state_dict(const nn::StateDict& state) {
  std::vector<State> loaded(params_.size());  // built aside: an error changes nothing
  for (const auto& [name, value] : state) {
    const auto [what, i] = parse_state_name(name);
    State& s = loaded[i];
    if (what == "step") {
      s.step = read_step_count(name, value);
      continue;
    }
    NDArray* slot = what == "square_avg"        ? &s.square_avg
                    : what == "momentum_buffer" ? &s.momentum_buffer
                    : what == "grad_avg"        ? &s.grad_avg
                                                : nullptr;
    BYO_CHECK(slot != nullptr) << "RMSprop: load_state_dict: unexpected entry '" << name
                               << "' (RMSprop keeps step, square_avg, momentum_buffer and "
                                  "grad_avg, each .<i>)";
    check_state_shape(name, value, i);
    *slot = value.contiguous().clone();
  }
  const bool momentum = options_.momentum() > 0.0;
  const bool centered = options_.centered();
  for (size_t i = 0; i < loaded.size(); ++i) {
    const State& s = loaded[i];
    const bool any = s.step != 0 || s.square_avg.defined() || s.momentum_buffer.defined() ||
                     s.grad_avg.defined();
    BYO_CHECK(!any || (s.step != 0 && s.square_avg.defined() &&
                       s.momentum_buffer.defined() == momentum && s.grad_avg.defined() == centered))
        << "RMSprop: load_state_dict: parameter " << i << " needs step and square_avg"
        << (momentum ? ", momentum_buffer" : "") << (centered ? ", grad_avg" : "")
        << " and nothing else, or none";
  }
  state_ = std::move(loaded);
}

}  // namespace byo::optim
