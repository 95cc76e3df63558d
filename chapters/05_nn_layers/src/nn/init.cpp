#include "byo/nn/init.h"

#include <cmath>
#include <vector>

#include "byo/check.h"

namespace byo::nn {

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace byo::nn

namespace byo::nn::init {
namespace {

// Draws numel values in row-major order and copies them in, whatever the layout.
template <typename Draw>
void fill(const Tensor& tensor, const char* op, Draw draw) {
  BYO_CHECK(tensor.defined()) << "init::" << op << ": the tensor is undefined";
  const NDArray& data = tensor.data();
  std::vector<float> values(static_cast<size_t>(data.numel()));
  for (float& v : values) v = static_cast<float>(draw());
  data.copy_(NDArray::from_vector(values, data.shape()));
}

int64_t fan(const Tensor& tensor, FanMode mode) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  const int64_t f = mode == FanMode::FanIn ? fan_in : fan_out;
  BYO_CHECK(f > 0) << "init: a tensor of shape " << shape_str(tensor.shape()) << " has a zero fan";
  return f;
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double negative_slope) {
  switch (nonlinearity) {
    case Nonlinearity::Linear:
    case Nonlinearity::Sigmoid:
      return 1.0;
    case Nonlinearity::Tanh:
      return 5.0 / 3.0;
    case Nonlinearity::ReLU:
      return std::sqrt(2.0);
    case Nonlinearity::LeakyReLU:
      return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope));
  }
  return 1.0;
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  BYO_CHECK(tensor.defined() && tensor.dim() >= 2)
      << "init: fan in and fan out need a tensor of at least 2 dims, got shape "
      << (tensor.defined() ? shape_str(tensor.shape()) : std::string("(undefined)"));
  int64_t receptive_field = 1;  // the kernel's size for a convolution weight (out, in, k...)
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive_field *= tensor.size(d);
  return {tensor.size(1) * receptive_field, tensor.size(0) * receptive_field};
}

void uniform_(const Tensor& tensor, double low, double high, Generator& gen) {
  BYO_CHECK(low <= high) << "init::uniform_: low " << low << " > high " << high;
  fill(tensor, "uniform_", [&] { return gen.uniform(low, high); });
}

void normal_(const Tensor& tensor, double mean, double stddev, Generator& gen) {
  BYO_CHECK(stddev >= 0) << "init::normal_: stddev " << stddev << " is negative";
  fill(tensor, "normal_", [&] { return gen.normal(mean, stddev); });
}

void constant_(const Tensor& tensor, double value) {
  BYO_CHECK(tensor.defined()) << "init::constant_: the tensor is undefined";
  tensor.data().fill_(static_cast<float>(value));
}

void zeros_(const Tensor& tensor) { constant_(tensor, 0.0); }

void ones_(const Tensor& tensor) { constant_(tensor, 1.0); }

void xavier_uniform_(const Tensor& tensor, Generator& gen, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  const double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  uniform_(tensor, -bound, bound, gen);
}

void xavier_normal_(const Tensor& tensor, Generator& gen, double gain) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  normal_(tensor, 0.0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)), gen);
}

void kaiming_uniform_(const Tensor& tensor, Generator& gen, double a, FanMode mode,
                      Nonlinearity nonlinearity) {
  const double stddev =
      calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(tensor, mode)));
  const double bound = std::sqrt(3.0) * stddev;  // U(-b, b) has variance b²/3
  uniform_(tensor, -bound, bound, gen);
}

void kaiming_normal_(const Tensor& tensor, Generator& gen, double a, FanMode mode,
                     Nonlinearity nonlinearity) {
  normal_(tensor, 0.0,
          calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(tensor, mode))), gen);
}

}  // namespace byo::nn::init
