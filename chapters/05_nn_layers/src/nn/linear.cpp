#include "byo/nn/linear.h"

#include <cmath>
#include <sstream>

#include "byo/check.h"
#include "byo/nn/init.h"
#include "byo/ops.h"

namespace byo::nn {
namespace {

// x·Wᵀ + b for x of shape (..., in): ops::linear takes (N, in), so the leading dims are
// folded into N and unfolded afterwards.
Tensor apply_linear(const Tensor& x, const Tensor& weight, const Tensor& bias, const char* layer) {
  BYO_CHECK(x.defined() && x.dim() >= 1) << layer << ": the input must have at least 1 dim";
  const int64_t in = weight.size(1);
  BYO_CHECK(x.size(-1) == in) << layer << ": input of shape " << shape_str(x.shape())
                              << " does not end in in_features = " << in;
  if (x.dim() == 2) return byo::linear(x, weight, bias);
  Shape out_shape = x.shape();
  out_shape.back() = weight.size(0);
  return byo::linear(x.reshape({-1, in}), weight, bias).reshape(out_shape);
}

// PyTorch's Linear.reset_parameters: kaiming_uniform_(a = sqrt(5)) for the weight, which
// is U(-1/sqrt(in), 1/sqrt(in)), and the same bound for the bias.
void reset_linear(const Tensor& weight, const Tensor& bias, Generator& gen) {
  init::kaiming_uniform_(weight, gen, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(weight.size(1)));
    init::uniform_(bias, -bound, bound, gen);
  }
}

std::string repr(int64_t in, bool known, int64_t out, bool bias) {
  std::ostringstream os;
  os << "in_features=";
  if (known) {
    os << in;
  } else {
    os << "?";
  }
  os << ", out_features=" << out << ", bias=" << (bias ? "true" : "false");
  return os.str();
}

}  // namespace

// ---- Linear ----------------------------------------------------------------------------

Linear::Linear(const LinearOptions& options) : Linear(options, default_generator()) {}

Linear::Linear(const LinearOptions& options, Generator& gen) : options_(options) {
  BYO_CHECK(options.in_features() > 0 && options.out_features() > 0)
      << "Linear: in_features " << options.in_features() << " and out_features "
      << options.out_features() << " must be positive";
  weight = register_parameter(
      "weight", Tensor(NDArray::empty({options.out_features(), options.in_features()})));
  if (options.bias()) {
    bias = register_parameter("bias", Tensor(NDArray::empty({options.out_features()})));
  }
  reset_parameters(gen);
}

void Linear::reset_parameters(Generator& gen) { reset_linear(weight, bias, gen); }

Tensor Linear::forward(const Tensor& input) { return apply_linear(input, weight, bias, "Linear"); }

std::string Linear::extra_repr() const {
  return repr(options_.in_features(), true, options_.out_features(), options_.bias());
}

// ---- LazyLinear ------------------------------------------------------------------------

LazyLinear::LazyLinear(int64_t out_features, bool bias, std::optional<uint64_t> seed)
    : out_features_(out_features), has_bias_(bias) {
  BYO_CHECK(out_features > 0) << "LazyLinear: out_features " << out_features << " must be positive";
  if (seed) gen_.emplace(*seed);
  // Undefined placeholders: the names exist (and keep their order) before the values do.
  register_parameter("weight", Tensor());
  if (has_bias_) register_parameter("bias", Tensor());
}

Tensor LazyLinear::forward(const Tensor& input) {
  if (!materialized()) {
    BYO_CHECK(input.defined() && input.dim() >= 1 && input.size(-1) > 0)
        << "LazyLinear: cannot infer in_features from an input of shape "
        << (input.defined() ? shape_str(input.shape()) : std::string("(undefined)"));
    in_features_ = input.size(-1);
    weight = Tensor(NDArray::empty({out_features_, in_features_}), true);
    if (has_bias_) bias = Tensor(NDArray::empty({out_features_}), true);
    reset_linear(weight, bias, gen_ ? *gen_ : default_generator());
    replace_parameter("weight", weight);
    if (has_bias_) replace_parameter("bias", bias);
  }
  return apply_linear(input, weight, bias, "LazyLinear");
}

void LazyLinear::check_materialize(const std::string& name, const Shape& shape) const {
  if (name == "weight") {
    BYO_CHECK(shape.size() == 2 && shape[0] == out_features_ && shape[1] > 0)
        << "LazyLinear: cannot materialise 'weight' from shape " << shape_str(shape)
        << ": expected [" << out_features_ << ", in_features]";
  } else {
    BYO_CHECK(name == "bias" && shape == Shape{out_features_})
        << "LazyLinear: cannot materialise '" << name << "' from shape " << shape_str(shape)
        << ": expected [" << out_features_ << "]";
  }
}

void LazyLinear::materialize(const std::string& name, const NDArray& value) {
  Tensor tensor(value.clone(), true);
  replace_parameter(name, tensor);
  if (name == "weight") {
    weight = tensor;
    in_features_ = value.size(1);
  } else {
    bias = tensor;
  }
}

std::string LazyLinear::extra_repr() const {
  return repr(in_features_, materialized(), out_features_, has_bias_);
}

}  // namespace byo::nn
