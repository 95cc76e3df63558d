#include "byo/nn/batchnorm.h"

#include <cmath>
#include <sstream>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/ops.h"

namespace byo::nn {

BatchNorm::BatchNorm(const BatchNormOptions& options, const char* name)
    : name_(name), options_(options) {
  const int64_t c = options.num_features();
  BYO_CHECK(c > 0) << name << ": num_features " << c << " must be positive";
  BYO_CHECK(options.eps() > 0.0) << name << ": eps " << options.eps() << " must be positive";
  BYO_CHECK(options.momentum() >= 0.0 && options.momentum() <= 1.0)
      << name << ": momentum " << options.momentum() << " must lie in [0, 1]";
  if (options.affine()) {
    weight = register_parameter("weight", ones({c}));
    bias = register_parameter("bias", zeros({c}));
  }
  running_mean = register_buffer("running_mean", zeros({c}));
  running_var = register_buffer("running_var", ones({c}));
  num_batches_tracked = register_buffer("num_batches_tracked", Tensor(NDArray::scalar(0.0f)));
}

Tensor BatchNorm::forward(const Tensor& input) {
  check_input(input);
  const int64_t c = options_.num_features();
  BYO_CHECK(input.size(1) == c) << name_ << ": input of shape " << shape_str(input.shape())
                                << " has " << input.size(1) << " channels, the layer " << c;
  // The statistics are per channel: reduce over every dim but 1, and view the (C) vectors
  // as (1, C, 1, ...) so that they broadcast against the input.
  std::vector<int64_t> dims{0};
  Shape channel_shape(static_cast<size_t>(input.dim()), 1);
  channel_shape[1] = c;
  for (int64_t d = 2; d < input.dim(); ++d) dims.push_back(d);
  const auto eps = static_cast<float>(options_.eps());

  Tensor normalized;
  if (is_training()) {
    const int64_t n = input.numel() / c;
    BYO_CHECK(n > 1) << name_ << ": training needs more than one value per channel, got input "
                     << shape_str(input.shape());
    Tensor mean = input.mean(dims, /*keepdim=*/true);
    Tensor centered = input - mean;
    Tensor var = centered.pow(2.0f).mean(dims, /*keepdim=*/true);  // biased, as PyTorch
    normalized = centered / (var + eps).sqrt();
    {
      NoGradGuard no_grad;
      const auto m = static_cast<float>(options_.momentum());
      const float unbiased = static_cast<float>(n) / static_cast<float>(n - 1);
      const NDArray batch_mean = mean.data().reshape({c});
      const NDArray batch_var = var.data().reshape({c});
      running_mean.data().copy_(running_mean.data().zip(
          batch_mean, [m](float r, float b) { return (1.0f - m) * r + m * b; }));
      running_var.data().copy_(running_var.data().zip(batch_var, [m, unbiased](float r, float b) {
        return (1.0f - m) * r + m * b * unbiased;
      }));
      num_batches_tracked.data().fill_(num_batches_tracked.item() + 1.0f);
    }
  } else {
    const Tensor mean(running_mean.data().reshape(channel_shape));
    const Tensor var(running_var.data().reshape(channel_shape));
    normalized = (input - mean) / (var + eps).sqrt();
  }
  if (!options_.affine()) return normalized;
  return normalized * reshape(weight, channel_shape) + reshape(bias, channel_shape);
}

std::string BatchNorm::extra_repr() const {
  std::ostringstream os;
  os << options_.num_features() << ", eps=" << options_.eps()
     << ", momentum=" << options_.momentum()
     << ", affine=" << (options_.affine() ? "True" : "False") << ", track_running_stats=True";
  return os.str();
}

void BatchNorm1d::check_input(const Tensor& input) const {
  BYO_CHECK(input.defined()) << "BatchNorm1d: undefined input";
  BYO_CHECK(input.dim() == 2 || input.dim() == 3)
      << "BatchNorm1d: expected a 2-d (N, C) or 3-d (N, C, L) input, got shape "
      << shape_str(input.shape());
}

void BatchNorm2d::check_input(const Tensor& input) const {
  BYO_CHECK(input.defined()) << "BatchNorm2d: undefined input";
  BYO_CHECK(input.dim() == 4) << "BatchNorm2d: expected a 4-d (N, C, H, W) input, got shape "
                              << shape_str(input.shape());
}

}  // namespace byo::nn
