#include "byo/optim/optimizer.h"

#include <unordered_set>
#include <utility>

#include "byo/check.h"

namespace byo::optim {

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), lr_(lr), name_(std::move(name)) {
  BYO_CHECK(lr >= 0.0) << name_ << ": learning rate " << lr << " is negative";
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

void Optimizer::set_lr(double lr) {
  BYO_CHECK(lr >= 0.0) << name_ << ": learning rate " << lr << " is negative";
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

}  // namespace byo::optim
