#include "byo/optim/sgd.h"

#include <cmath>

#include "byo/check.h"

namespace byo::optim {

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer(std::move(params), options.lr(), "SGD"),
      options_(options),
      momentum_buffers_(params_.size()),
      first_(params_.size()) {
  BYO_CHECK(std::isfinite(options.momentum()) && options.momentum() >= 0.0)
      << "SGD: momentum " << options.momentum() << " must be a finite number of 0 or more";
  BYO_CHECK(std::isfinite(options.weight_decay()) && options.weight_decay() >= 0.0)
      << "SGD: weight_decay " << options.weight_decay() << " must be a finite number of 0 or more";
  BYO_CHECK(!options.nesterov() || (options.momentum() > 0.0 && options.dampening() == 0.0))
      << "SGD: Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum "
      << options.momentum() << ", dampening " << options.dampening() << ")";
}

void SGD::prepare(size_t i, const NDArray& grad) {
  // PyTorch's buffer starts as the first gradient itself, not as μ·0 + (1 − τ)·g.
  first_[i] = !momentum_buffers_[i].defined();
  if (options_.momentum() != 0.0 && first_[i]) momentum_buffers_[i] = NDArray::empty(grad.shape());
}

void SGD::update_elements(size_t i, const float* g, int64_t begin, int64_t end) {
  // float, as PyTorch's float32 kernels compute; the scalars are rounded once, here.
  const auto lr = static_cast<float>(lr_);
  const auto momentum = static_cast<float>(options_.momentum());
  const auto one_minus_dampening = static_cast<float>(1.0 - options_.dampening());
  const auto weight_decay = static_cast<float>(options_.weight_decay());
  const bool nesterov = options_.nesterov();
  const bool first = first_[i] != 0;

  float* p = params_[i].data().data();
  float* buf = momentum != 0.0f ? momentum_buffers_[i].data() : nullptr;
  for (int64_t k = begin; k < end; ++k) {
    float d = g[k];
    if (weight_decay != 0.0f) d += weight_decay * p[k];
    if (buf != nullptr) {
      buf[k] = first ? d : momentum * buf[k] + one_minus_dampening * d;
      d = nesterov ? d + momentum * buf[k] : buf[k];
    }
    p[k] -= lr * d;
  }
}

nn::StateDict SGD::state_dict() const {
  nn::StateDict state;
  for (size_t i = 0; i < momentum_buffers_.size(); ++i) {
    if (momentum_buffers_[i].defined()) {
      state.insert("momentum_buffer." + std::to_string(i), momentum_buffers_[i].clone());
    }
  }
  return state;
}

void SGD::load_state_dict(const nn::StateDict& state) {
  std::vector<NDArray> buffers(params_.size());  // built aside: an error changes nothing
  for (const auto& [name, value] : state) {
    const auto [what, i] = parse_state_name(name);
    BYO_CHECK(what == "momentum_buffer") << "SGD: load_state_dict: unexpected entry '" << name
                                         << "' (SGD keeps momentum_buffer.<i>)";
    check_state_shape(name, value, i);
    buffers[i] = value.contiguous().clone();
  }
  momentum_buffers_ = std::move(buffers);
}

}  // namespace byo::optim
