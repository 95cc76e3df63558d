/// @file
/// @brief LeNet5: the layers, the two variants, and their initialisation.
#include "byo/models/lenet.h"

#include "byo/check.h"
#include "byo/fused.h"
#include "byo/nn/init.h"

namespace byo::models {

std::string variant_name(LeNetVariant variant) {
  return variant == LeNetVariant::classic ? "classic" : "modern";
}

LeNetVariant parse_variant(std::string_view name) {
  if (name == "classic") return LeNetVariant::classic;
  if (name == "modern") return LeNetVariant::modern;
  BYO_CHECK(false) << "LeNet5: unknown variant '" << name << "' (choose classic or modern)";
  return LeNetVariant::modern;  // not reached
}

namespace {

std::shared_ptr<nn::Module> activation(LeNetVariant variant) {
  if (variant == LeNetVariant::classic) return std::make_shared<nn::Sigmoid>();
  return std::make_shared<nn::ReLU>();
}

constexpr int64_t kPool = 2;  // 2×2 windows, stride 2

std::shared_ptr<nn::Module> pool(LeNetVariant variant) {
  if (variant == LeNetVariant::classic) return std::make_shared<nn::AvgPool2d>(kPool);
  return std::make_shared<nn::MaxPool2d>(kPool);
}

}  // namespace

LeNet5::LeNet5(LeNetVariant variant, Generator& gen) : variant_(variant) {
  // Registration order fixes the parameter order (conv1.weight first), the printout and
  // the checkpoint layout.
  conv1 = register_module("conv1",
                          std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 5).padding(2), gen));
  act1_ = register_module("act1", activation(variant));
  // The pools are registered for the printout, which names every layer; forward runs them
  // fused with their convolutions (conv_block).
  register_module("pool1", pool(variant));
  conv2 = register_module("conv2", std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 16, 5), gen));
  act2_ = register_module("act2", activation(variant));
  register_module("pool2", pool(variant));
  flatten_ = register_module("flatten", std::make_shared<nn::Flatten>());
  fc1 = register_module("fc1", std::make_shared<nn::Linear>(nn::LinearOptions(400, 120), gen));
  act3_ = register_module("act3", activation(variant));
  fc2 = register_module("fc2", std::make_shared<nn::Linear>(nn::LinearOptions(120, 84), gen));
  act4_ = register_module("act4", activation(variant));
  fc3 = register_module("fc3", std::make_shared<nn::Linear>(nn::LinearOptions(84, 10), gen));
  reset_parameters(gen);
}

void LeNet5::reset_parameters(Generator& gen) {
  const Tensor weights[] = {conv1->weight, conv2->weight, fc1->weight, fc2->weight, fc3->weight};
  const Tensor biases[] = {conv1->bias, conv2->bias, fc1->bias, fc2->bias, fc3->bias};
  for (const Tensor& w : weights) {
    if (variant_ == LeNetVariant::classic) {
      nn::init::xavier_uniform_(w, gen);
    } else {
      nn::init::kaiming_uniform_(w, gen, 0.0, nn::init::FanMode::FanIn,
                                 nn::init::Nonlinearity::ReLU);
    }
  }
  for (const Tensor& b : biases) nn::init::zeros_(b);
}

Tensor LeNet5::forward(const Tensor& input) { return run(input, nullptr); }

LeNetActivations LeNet5::forward_all(const Tensor& input) {
  LeNetActivations a;
  a.logits = run(input, &a);
  return a;
}

Tensor LeNet5::run(const Tensor& input, LeNetActivations* keep) {
  BYO_CHECK(input.dim() == 4 && input.size(1) == 1 && input.size(2) == 28 && input.size(3) == 28)
      << "LeNet5: input must be (N,1,28,28), got " << shape_str(input.shape());
  Tensor h = conv_block(*conv1, *act1_, input, keep ? &keep->conv1 : nullptr);
  if (keep) keep->pool1 = h;
  h = conv_block(*conv2, *act2_, h, keep ? &keep->conv2 : nullptr);
  if (keep) keep->pool2 = h;
  h = act3_->forward(fc1->forward(flatten_->forward(h)));
  h = act4_->forward(fc2->forward(h));
  return fc3->forward(h);
}

Tensor LeNet5::conv_block(nn::Conv2d& conv, nn::Module& act, const Tensor& x, Tensor* maps) {
  // The fused op below never writes the activated maps, so forward_all computes them apart:
  // one more convolution, for a caller who wants to look at them.
  if (maps) *maps = act.forward(conv.forward(x));
  // The convolution and the pooling run as one op, a chunk of images at a time, so that
  // the convolution's output never leaves the cache (byo/fused.h); the same bits as conv,
  // act and pool one after the other.
  const nn::Conv2dOptions& o = conv.options();
  if (variant_ == LeNetVariant::modern) {
    // ReLU and max pooling commute: relu(max(a, b)) = max(relu(a), relu(b)), and the
    // gradient reaches the same cell either way. Pooling first leaves ReLU a quarter of
    // the values, forward and backward.
    return act.forward(
        conv2d_max_pool2d(x, conv.weight, conv.bias, o.stride(), o.padding(), {kPool, kPool}));
  }
  // Sigmoid and averaging do not commute, but they fuse with the convolution all the same.
  return conv2d_sigmoid_avg_pool2d(x, conv.weight, conv.bias, o.stride(), o.padding(),
                                   {kPool, kPool});
}

std::string LeNet5::extra_repr() const { return "variant=" + variant_name(variant_); }

int64_t count_parameters(const nn::Module& module) {
  int64_t total = 0;
  for (const Tensor& p : module.parameters()) total += p.numel();
  return total;
}

}  // namespace byo::models
