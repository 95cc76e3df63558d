#include "byo/optim/adam.h"

#include <cmath>

#include "byo/check.h"

namespace byo::optim {

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(std::move(params), options, "Adam") {}

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options, std::string name)
    : Optimizer(std::move(params), options.lr(), std::move(name)),
      options_(options),
      state_(params_.size()) {
  BYO_CHECK(options.beta1() >= 0.0 && options.beta1() < 1.0 && options.beta2() >= 0.0 &&
            options.beta2() < 1.0)
      << name_ << ": betas (" << options.beta1() << ", " << options.beta2()
      << ") must lie in [0, 1)";
  BYO_CHECK(std::isfinite(options.eps()) && options.eps() >= 0.0)
      << name_ << ": eps " << options.eps() << " must be a finite number of 0 or more";
  BYO_CHECK(std::isfinite(options.weight_decay()) && options.weight_decay() >= 0.0)
      << name_ << ": weight_decay " << options.weight_decay()
      << " must be a finite number of 0 or more";
}

void Adam::prepare(size_t i, const NDArray& grad) {
  State& s = state_[i];
  if (s.step == 0) {
    s.exp_avg = NDArray::zeros(grad.shape());
    s.exp_avg_sq = NDArray::zeros(grad.shape());
  }
  ++s.step;
  // The bias corrections in double, as PyTorch computes them in Python floats.
  const double bias_correction1 = 1.0 - std::pow(options_.beta1(), static_cast<double>(s.step));
  const double bias_correction2 = 1.0 - std::pow(options_.beta2(), static_cast<double>(s.step));
  s.step_size = static_cast<float>(lr_ / bias_correction1);
  s.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
}

void Adam::update_elements(size_t i, const float* g_in, int64_t begin, int64_t end) {
  // The scalars are rounded to float once, from the double values, as PyTorch passes
  // Python floats to its float32 kernels.
  const auto b1 = static_cast<float>(options_.beta1());
  const auto b2 = static_cast<float>(options_.beta2());
  const auto one_minus_b1 = static_cast<float>(1.0 - options_.beta1());
  const auto one_minus_b2 = static_cast<float>(1.0 - options_.beta2());
  const auto eps = static_cast<float>(options_.eps());
  const auto weight_decay = static_cast<float>(options_.weight_decay());
  const State& s = state_[i];
  const float step_size = s.step_size;
  const float bias_correction2_sqrt = s.bias_correction2_sqrt;

  // __restrict: the four arrays never overlap, so the compiler may run the loop 8 floats
  // at a time (one square root and one division per vector, not per float).
  float* __restrict p = params_[i].data().data();
  const float* __restrict g = g_in;
  float* __restrict m = s.exp_avg.data();
  float* __restrict v = s.exp_avg_sq.data();
  for (int64_t k = begin; k < end; ++k) {
    float d = g[k];
    if (weight_decay != 0.0f) d += weight_decay * p[k];
    m[k] = m[k] * b1 + one_minus_b1 * d;
    v[k] = v[k] * b2 + one_minus_b2 * d * d;
    const float denom = std::sqrt(v[k]) / bias_correction2_sqrt + eps;
    p[k] -= step_size * m[k] / denom;
  }
}

nn::StateDict Adam::state_dict() const {
  nn::StateDict state;
  for (size_t i = 0; i < state_.size(); ++i) {
    const State& s = state_[i];
    if (s.step == 0) continue;
    const std::string index = std::to_string(i);
    // float holds every count up to 2^24 steps exactly; load_state_dict checks the range.
    state.insert("step." + index, NDArray::from_vector({static_cast<float>(s.step)}, {1}));
    state.insert("exp_avg." + index, s.exp_avg.clone());
    state.insert("exp_avg_sq." + index, s.exp_avg_sq.clone());
  }
  return state;
}

void Adam::load_state_dict(const nn::StateDict& state) {
  std::vector<State> loaded(params_.size());  // built aside: an error changes nothing
  for (const auto& [name, value] : state) {
    const auto [what, i] = parse_state_name(name);
    State& s = loaded[i];
    if (what == "step") {
      s.step = read_step_count(name, value);
    } else if (what == "exp_avg") {
      check_state_shape(name, value, i);
      s.exp_avg = value.contiguous().clone();
    } else if (what == "exp_avg_sq") {
      check_state_shape(name, value, i);
      s.exp_avg_sq = value.contiguous().clone();
    } else {
      BYO_CHECK(false) << name_ << ": load_state_dict: unexpected entry '" << name
                       << "' (Adam keeps step.<i>, exp_avg.<i> and exp_avg_sq.<i>)";
    }
  }
  for (size_t i = 0; i < loaded.size(); ++i) {
    const State& s = loaded[i];
    const bool any = s.step != 0 || s.exp_avg.defined() || s.exp_avg_sq.defined();
    BYO_CHECK(!any || (s.step != 0 && s.exp_avg.defined() && s.exp_avg_sq.defined()))
        << name_ << ": load_state_dict: parameter " << i
        << " needs all of step, exp_avg and exp_avg_sq, or none";
  }
  state_ = std::move(loaded);
}

}  // namespace byo::optim
