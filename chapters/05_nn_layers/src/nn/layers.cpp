#include "byo/nn/layers.h"

#include <sstream>

#include "byo/check.h"
#include "byo/nn/init.h"
#include "byo/ops.h"

namespace byo::nn {

Tensor ReLU::forward(const Tensor& input) { return byo::relu(input); }

Tensor Sigmoid::forward(const Tensor& input) { return byo::sigmoid(input); }

Tensor Tanh::forward(const Tensor& input) { return byo::tanh(input); }

Tensor Flatten::forward(const Tensor& input) { return byo::flatten(input, start_dim_, end_dim_); }

std::string Flatten::extra_repr() const {
  std::ostringstream os;
  os << "start_dim=" << start_dim_ << ", end_dim=" << end_dim_;
  return os.str();
}

Dropout::Dropout(double p) : Dropout(p, default_generator().next_u64()) {}

Dropout::Dropout(double p, uint64_t seed) : p_(p), gen_(seed) {
  BYO_CHECK(p >= 0.0 && p <= 1.0) << "Dropout: p = " << p << " is not a probability in [0, 1]";
}

Tensor Dropout::forward(const Tensor& input) {
  if (!is_training() || p_ == 0.0) return input;
  // The mask is a constant of the graph: the gradient is grad·mask, dropping the same
  // elements. With p = 1 everything is dropped (and nothing divides by zero).
  const float keep_scale = p_ < 1.0 ? static_cast<float>(1.0 / (1.0 - p_)) : 0.0f;
  NDArray mask = NDArray::empty(input.shape());
  float* m = mask.data();
  for (int64_t i = 0; i < mask.numel(); ++i) m[i] = gen_.uniform() < p_ ? 0.0f : keep_scale;
  return input * Tensor(mask);
}

std::string Dropout::extra_repr() const {
  std::ostringstream os;
  os << "p=" << p_;
  return os.str();
}

}  // namespace byo::nn
