/// @file
/// @brief `models::LeNet5`: LeCun's convolutional network for 28×28 digits, in two variants.
///
///     input (N,1,28,28)
///       conv1  5×5, 1→6, pad 2   (N,6,28,28)   → act → pool 2×2   (N,6,14,14)
///       conv2  5×5, 6→16         (N,16,10,10)  → act → pool 2×2   (N,16,5,5)
///       flatten                  (N,400)
///       fc1    400→120  → act
///       fc2    120→84   → act
///       fc3    84→10             (N,10) logits
///
/// `classic` uses sigmoid and average pooling (as LeCun 1998, d2l.ai and the original numpy
/// project build it); `modern` uses ReLU and max pooling, and pools before its ReLU: the two
/// commute, and ReLU then sees a quarter of the values. Each convolution runs with its
/// pooling as one op (chapter 7's byo/fused.h), with the bits of the layers apart. Both
/// have 61,706 parameters, named conv1.weight, conv1.bias, ..., fc3.bias as in PyTorch's
/// usual LeNet class.
///
/// Initialisation decides whether the classic net learns at all: with PyTorch's default
/// (U(±1/sqrt(fan_in)), a weight variance of 1/(3·fan_in)) each sigmoid layer shrinks the
/// signal's variance and the gradient that reaches conv1 is tiny, so plain SGD leaves the
/// network at chance for epochs. Here `classic` draws its weights with Xavier/Glorot uniform
/// (variance 2/(fan_in+fan_out), made for sigmoid-like units) and `modern` with Kaiming/He
/// uniform (variance 2/fan_in, made for ReLU); every bias starts at zero.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "byo/nn.h"
#include "byo/nn/conv.h"
#include "byo/random.h"

namespace byo::models {

/// @brief Which LeNet-5: sigmoid + average pooling, or ReLU + max pooling.
enum class LeNetVariant {
  classic,  ///< Sigmoid activations, average pooling (LeCun 1998, d2l.ai).
  modern,   ///< ReLU activations, max pooling.
};

/// @brief "classic" or "modern".
std::string variant_name(LeNetVariant variant);
/// @brief The variant called `name`; throws `byo::Error` listing the two names otherwise.
LeNetVariant parse_variant(std::string_view name);

/// @brief The activations of one image batch at every stage, for pictures and tests.
struct LeNetActivations {
  Tensor conv1;   ///< (N,6,28,28): conv1 after its activation.
  Tensor pool1;   ///< (N,6,14,14).
  Tensor conv2;   ///< (N,16,10,10): conv2 after its activation.
  Tensor pool2;   ///< (N,16,5,5).
  Tensor logits;  ///< (N,10).
};

/// @brief LeNet-5 for (N,1,28,28) inputs; see the file comment for the layers.
class LeNet5 : public nn::Module {
 public:
  /// @brief The `variant` network, its weights drawn from `gen` (Xavier for classic,
  ///        Kaiming for modern, zero biases).
  LeNet5(LeNetVariant variant, Generator& gen);

  /// @brief x is (N,1,28,28); the result is the (N,10) logits.
  Tensor forward(const Tensor& input) override;
  /// @brief The forward pass, keeping every stage's output (see LeNetActivations).
  LeNetActivations forward_all(const Tensor& input);
  /// @brief Redraws every weight (Xavier or Kaiming uniform, by variant) and zeroes biases.
  void reset_parameters(Generator& gen);

  LeNetVariant variant() const { return variant_; }
  std::string type_name() const override { return "LeNet5"; }
  /// @brief "variant=classic".
  std::string extra_repr() const override;

  std::shared_ptr<nn::Conv2d> conv1;  ///< 1→6 channels, 5×5, padding 2.
  std::shared_ptr<nn::Conv2d> conv2;  ///< 6→16 channels, 5×5.
  std::shared_ptr<nn::Linear> fc1;    ///< 400→120.
  std::shared_ptr<nn::Linear> fc2;    ///< 120→84.
  std::shared_ptr<nn::Linear> fc3;    ///< 84→10.

 private:
  // The forward pass; `keep`, if given, receives every stage's output.
  Tensor run(const Tensor& input, LeNetActivations* keep);
  // conv, then its activation and the variant's 2×2 pooling; `maps`, if given, receives
  // the activated conv output.
  Tensor conv_block(nn::Conv2d& conv, nn::Module& act, const Tensor& x, Tensor* maps);

  LeNetVariant variant_;
  std::shared_ptr<nn::Module> act1_, act2_, flatten_, act3_, act4_;
};

/// @brief The number of trainable values of a module (61,706 for LeNet5).
int64_t count_parameters(const nn::Module& module);

}  // namespace byo::models
