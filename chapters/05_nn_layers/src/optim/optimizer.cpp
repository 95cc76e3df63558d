#include "byo/optim/optimizer.h"

#include <charconv>
#include <cmath>
#include <unordered_set>
#include <utility>

#include "byo/check.h"

namespace byo::optim {

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), lr_(lr), name_(std::move(name)) {
  BYO_CHECK(std::isfinite(lr) && lr >= 0.0)
      << name_ << ": learning rate " << lr << " must be a finite number of 0 or more";
  std::unordered_set<const TensorImpl*> seen;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    BYO_CHECK(p.defined()) << name_ << ": parameter " << i
                           << " is undefined — a lazy layer (LazyLinear) that has not seen its "
                              "first input. Run one forward pass before building the optimiser";
    // A tensor computed by an op is overwritten by the next forward pass; an update to
    // it would be lost (PyTorch refuses the same: "can't optimize a non-leaf Tensor").
    BYO_CHECK(p.is_leaf()) << name_ << ": parameter " << i << " of shape " << shape_str(p.shape())
                           << " is not a leaf (an op computed it); pass the tensors it was "
                              "computed from";
    // The updates walk the raw floats; every parameter a layer creates is contiguous.
    BYO_CHECK(p.data().is_contiguous()) << name_ << ": parameter " << i << " of shape "
                                        << shape_str(p.shape()) << " is not contiguous";
    // Listed twice, a parameter would be updated twice per step.
    BYO_CHECK(seen.insert(p.impl().get()).second)
        << name_ << ": parameter " << i << " appears twice in the list";
  }
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::step() {
  begin_step();
  for (size_t i = 0; i < params_.size(); ++i) {
    if (prepared_[i]) update(i, 0, params_[i].numel());
  }
}

void Optimizer::begin_step() {
  // Every gradient is checked before any state changes: a bad one changes nothing.
  std::vector<NDArray> grads;
  for (size_t i = 0; i < params_.size(); ++i) grads.push_back(grad_of(i));
  prepared_.assign(params_.size(), 0);
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!grads[i].defined()) continue;
    prepare(i, grads[i]);
    prepared_[i] = 1;
  }
}

void Optimizer::update(size_t i, int64_t begin, int64_t end) {
  BYO_CHECK(i < params_.size()) << name_ << ": update of parameter " << i << ", but there are "
                                << params_.size();
  BYO_CHECK(0 <= begin && begin <= end && end <= params_[i].numel())
      << name_ << ": update of elements [" << begin << ", " << end << ") of parameter " << i
      << ", which has " << params_[i].numel();
  BYO_CHECK(i < prepared_.size() && prepared_[i])
      << name_ << ": update of parameter " << i
      << ", which had no gradient at the last begin_step() (or begin_step() was not called)";
  const NDArray grad = grad_of(i);
  BYO_CHECK(grad.defined()) << name_ << ": update of parameter " << i
                            << ", whose gradient was cleared after begin_step()";
  update_elements(i, grad.data(), begin, end);
}

void Optimizer::set_lr(double lr) {
  BYO_CHECK(std::isfinite(lr) && lr >= 0.0)
      << name_ << ": learning rate " << lr << " must be a finite number of 0 or more";
  lr_ = lr;
}

NDArray Optimizer::grad_of(size_t i) const {
  const Tensor grad = params_[i].grad();
  if (!grad.defined()) return NDArray();
  BYO_CHECK(grad.shape() == params_[i].shape())
      << name_ << ": the gradient of parameter " << i << " has shape " << shape_str(grad.shape())
      << ", the parameter " << shape_str(params_[i].shape());
  return grad.data().contiguous();
}

std::pair<std::string, size_t> Optimizer::parse_state_name(const std::string& name) const {
  const size_t dot = name.rfind('.');
  size_t index = 0;
  const char* first = name.data() + dot + 1;
  const char* last = name.data() + name.size();
  const bool parsed = dot != std::string::npos && dot > 0 && first != last &&
                      std::from_chars(first, last, index).ptr == last;
  BYO_CHECK(parsed && index < params_.size())
      << name_ << ": load_state_dict: '" << name << "' does not name one of the " << params_.size()
      << " parameters (expected <what>.<index>)";
  return {name.substr(0, dot), index};
}

void Optimizer::check_state_shape(const std::string& name, const NDArray& value, size_t i) const {
  BYO_CHECK(value.defined() && value.shape() == params_[i].shape())
      << name_ << ": load_state_dict: '" << name << "' has shape "
      << (value.defined() ? shape_str(value.shape()) : "undefined") << ", parameter " << i
      << " has shape " << shape_str(params_[i].shape());
}

int64_t Optimizer::read_step_count(const std::string& name, const NDArray& value) const {
  const float count = value.defined() && value.numel() == 1 ? value.contiguous().data()[0] : -1.0f;
  BYO_CHECK(count >= 1.0f && count <= 16777216.0f && count == std::floor(count))
      << name_ << ": load_state_dict: '" << name << "' is not a step count";
  return static_cast<int64_t>(count);
}

}  // namespace byo::optim
