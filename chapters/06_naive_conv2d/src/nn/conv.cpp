#include "byo/nn/conv.h"

#include <cmath>
#include <sstream>

#include "byo/check.h"
#include "byo/conv.h"
#include "byo/nn/init.h"

namespace byo::nn {
namespace {

// PyTorch's _ConvNd.reset_parameters: kaiming_uniform_(a = sqrt(5)) for the weight, which
// is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C·R·S, and the same bound for the bias.
void reset_conv(const Tensor& weight, const Tensor& bias, Generator& gen) {
  init::kaiming_uniform_(weight, gen, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = weight.size(1) * weight.size(2) * weight.size(3);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    init::uniform_(bias, -bound, bound, gen);
  }
}

void check_options(const Conv2dOptions& o, const char* layer, bool lazy) {
  BYO_CHECK((lazy || o.in_channels() > 0) && o.out_channels() > 0)
      << layer << ": in_channels " << o.in_channels() << " and out_channels " << o.out_channels()
      << " must be positive";
  BYO_CHECK(o.kernel_size()[0] > 0 && o.kernel_size()[1] > 0)
      << layer << ": kernel_size (" << o.kernel_size()[0] << ", " << o.kernel_size()[1]
      << ") must be positive";
}

std::ostream& operator<<(std::ostream& os, Size2 s) {
  return os << "(" << s[0] << ", " << s[1] << ")";
}

std::string conv_repr(const Conv2dOptions& o, bool known) {
  std::ostringstream os;
  if (known) {
    os << o.in_channels();
  } else {
    os << "?";
  }
  os << ", " << o.out_channels() << ", kernel_size=" << o.kernel_size() << ", stride=" << o.stride()
     << ", padding=" << o.padding() << ", bias=" << (o.bias() ? "true" : "false");
  return os.str();
}

}  // namespace

// ---- Conv2d ------------------------------------------------------------------------------

Conv2d::Conv2d(const Conv2dOptions& options) : Conv2d(options, default_generator()) {}

Conv2d::Conv2d(const Conv2dOptions& options, Generator& gen) : options_(options) {
  check_options(options, "Conv2d", /*lazy=*/false);
  const Size2 k = options.kernel_size();
  weight = register_parameter(
      "weight",
      Tensor(NDArray::empty({options.out_channels(), options.in_channels(), k[0], k[1]})));
  if (options.bias()) {
    bias = register_parameter("bias", Tensor(NDArray::empty({options.out_channels()})));
  }
  reset_parameters(gen);
}

void Conv2d::reset_parameters(Generator& gen) { reset_conv(weight, bias, gen); }

Tensor Conv2d::forward(const Tensor& input) {
  return conv2d(input, weight, bias, options_.stride(), options_.padding());
}

std::string Conv2d::extra_repr() const { return conv_repr(options_, true); }

// ---- LazyConv2d --------------------------------------------------------------------------

LazyConv2d::LazyConv2d(const Conv2dOptions& options, std::optional<uint64_t> seed)
    : options_(options) {
  BYO_CHECK(options.in_channels() == 0)
      << "LazyConv2d: in_channels is inferred from the first input; pass 0, not "
      << options.in_channels();
  check_options(options_, "LazyConv2d", /*lazy=*/true);
  if (seed) gen_.emplace(*seed);
  // Undefined placeholders: the names exist (and keep their order) before the values do.
  register_parameter("weight", Tensor());
  if (options_.bias()) register_parameter("bias", Tensor());
}

Tensor LazyConv2d::forward(const Tensor& input) {
  if (!materialized()) {
    BYO_CHECK(input.defined() && input.dim() == 4 && input.size(1) > 0)
        << "LazyConv2d: cannot infer in_channels from an input of shape "
        << (input.defined() ? shape_str(input.shape()) : std::string("(undefined)"))
        << "; expected (N, C, H, W)";
    const Size2 k = options_.kernel_size();
    options_.in_channels(input.size(1));
    weight = Tensor(NDArray::empty({options_.out_channels(), input.size(1), k[0], k[1]}), true);
    if (options_.bias()) bias = Tensor(NDArray::empty({options_.out_channels()}), true);
    reset_conv(weight, bias, gen_ ? *gen_ : default_generator());
    replace_parameter("weight", weight);
    if (options_.bias()) replace_parameter("bias", bias);
  }
  return conv2d(input, weight, bias, options_.stride(), options_.padding());
}

void LazyConv2d::check_materialize(const std::string& name, const Shape& shape) const {
  const Size2 k = options_.kernel_size();
  if (name == "weight") {
    BYO_CHECK(shape.size() == 4 && shape[0] == options_.out_channels() && shape[1] > 0 &&
              shape[2] == k[0] && shape[3] == k[1])
        << "LazyConv2d: cannot materialise 'weight' from shape " << shape_str(shape)
        << ": expected [" << options_.out_channels() << ", in_channels, " << k[0] << ", " << k[1]
        << "]";
  } else {
    BYO_CHECK(name == "bias" && shape == Shape{options_.out_channels()})
        << "LazyConv2d: cannot materialise '" << name << "' from shape " << shape_str(shape)
        << ": expected [" << options_.out_channels() << "]";
  }
}

void LazyConv2d::materialize(const std::string& name, const NDArray& value) {
  Tensor tensor(value.clone(), true);
  replace_parameter(name, tensor);
  if (name == "weight") {
    weight = tensor;
    options_.in_channels(value.size(1));
  } else {
    bias = tensor;
  }
}

std::string LazyConv2d::extra_repr() const { return conv_repr(options_, materialized()); }

// ---- Pooling -----------------------------------------------------------------------------

std::string detail::Pool2dBase::extra_repr() const {
  std::ostringstream os;
  os << "kernel_size=" << kernel_ << ", stride=" << stride_ << ", padding=" << padding_;
  return os.str();
}

Tensor AvgPool2d::forward(const Tensor& input) {
  return avg_pool2d(input, kernel_, stride_, padding_);
}

Tensor MaxPool2d::forward(const Tensor& input) {
  return max_pool2d(input, kernel_, stride_, padding_);
}

}  // namespace byo::nn
