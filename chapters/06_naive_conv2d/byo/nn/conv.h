/// @file
/// @brief The layers of chapter 6: `nn::Conv2d`, `nn::LazyConv2d`, `nn::AvgPool2d`,
///        `nn::MaxPool2d`.
///
///     auto conv1 = std::make_shared<byo::nn::Conv2d>(
///         byo::nn::Conv2dOptions(1, 6, 5).padding(2));          // 1→6 channels, 5×5
///     auto pool = std::make_shared<byo::nn::MaxPool2d>(2);       // 2×2, stride 2
///
/// Conv2d initialises as PyTorch does: weight and bias from U(-1/sqrt(fan_in),
/// 1/sqrt(fan_in)) with fan_in = in_channels·R·S.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "byo/conv_geometry.h"
#include "byo/nn/module.h"
#include "byo/random.h"

namespace byo::nn {

/// @brief Settings of a Conv2d layer, in libtorch's chained style.
class Conv2dOptions {
 public:
  /// @brief `in_channels`→`out_channels` with a square kernel of side `kernel_size`.
  Conv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dOptions(in_channels, out_channels, Size2{kernel_size, kernel_size}) {}
  /// @brief `in_channels`→`out_channels` with a (height, width) kernel.
  Conv2dOptions(int64_t in_channels, int64_t out_channels, Size2 kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}

  /// @brief Sets the number of input channels (0: unknown, for LazyConv2d).
  Conv2dOptions& in_channels(int64_t value) {
    in_channels_ = value;
    return *this;
  }
  /// @brief Sets the same stride for height and width.
  Conv2dOptions& stride(int64_t value) { return stride(Size2{value, value}); }
  /// @brief Sets the (height, width) stride.
  Conv2dOptions& stride(Size2 value) {
    stride_ = value;
    return *this;
  }
  /// @brief Sets the same zero padding for height and width.
  Conv2dOptions& padding(int64_t value) { return padding(Size2{value, value}); }
  /// @brief Sets the (height, width) zero padding.
  Conv2dOptions& padding(Size2 value) {
    padding_ = value;
    return *this;
  }
  /// @brief Sets whether the layer adds a learned bias per output channel.
  Conv2dOptions& bias(bool value) {
    bias_ = value;
    return *this;
  }

  /// @brief Channels of the input (0 for a lazy layer until its first call).
  int64_t in_channels() const { return in_channels_; }
  /// @brief Channels of the output: the number of filters.
  int64_t out_channels() const { return out_channels_; }
  /// @brief (height, width) of each filter.
  Size2 kernel_size() const { return kernel_size_; }
  /// @brief (height, width) stride, default (1, 1).
  Size2 stride() const { return stride_; }
  /// @brief (height, width) padding, default (0, 0).
  Size2 padding() const { return padding_; }
  /// @brief Whether the layer has a bias (default true).
  bool bias() const { return bias_; }

 private:
  int64_t in_channels_;
  int64_t out_channels_;
  Size2 kernel_size_;
  Size2 stride_{1, 1};
  Size2 padding_{0, 0};
  bool bias_ = true;
};

/// @brief 2-D convolution layer: x (N,C,H,W) → conv2d(x, weight, bias) (N,K,P,Q).
class Conv2d : public Module {
 public:
  /// @brief Initialised from nn::default_generator().
  explicit Conv2d(const Conv2dOptions& options);
  /// @brief Initialised from `gen`.
  Conv2d(const Conv2dOptions& options, Generator& gen);

  /// @brief x is (N, in_channels, H, W); the result is (N, out_channels, P, Q).
  Tensor forward(const Tensor& input) override;
  /// @brief Redraws weight and bias as PyTorch does (see the file comment).
  void reset_parameters(Generator& gen);

  std::string type_name() const override { return "Conv2d"; }
  /// @brief "1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), bias=true".
  std::string extra_repr() const override;
  const Conv2dOptions& options() const { return options_; }

  Tensor weight;  ///< (out_channels, in_channels, R, S).
  Tensor bias;    ///< (out_channels), or undefined without bias.

 private:
  Conv2dOptions options_;
};

/// @brief A Conv2d whose in_channels is read from its first input, as the original numpy
///        project's lazy layers do.
///
/// As LazyLinear: until the first forward its parameters exist in name only, optimisers
/// refuse them and state_dict() throws; load_state_dict materialises them.
class LazyConv2d : public Module {
 public:
  /// @brief `options` with in_channels 0 (unknown): `Conv2dOptions(0, 16, 5)`. `seed` gives
  ///        the layer its own generator; otherwise nn::default_generator() is used when the
  ///        parameters are created.
  explicit LazyConv2d(const Conv2dOptions& options, std::optional<uint64_t> seed = std::nullopt);
  /// @brief Shorthand for LazyConv2d(Conv2dOptions(0, out_channels, kernel_size)).
  LazyConv2d(int64_t out_channels, int64_t kernel_size)
      : LazyConv2d(Conv2dOptions(0, out_channels, kernel_size)) {}

  /// @brief x is (N, C, H, W); the first call fixes in_channels = C and creates the weights.
  Tensor forward(const Tensor& input) override;
  /// @brief True once the parameters exist.
  bool materialized() const { return weight.defined(); }
  /// @brief The inferred input channels, or 0 before materialisation.
  int64_t in_channels() const { return options_.in_channels(); }

  std::string type_name() const override { return "LazyConv2d"; }
  /// @brief As Conv2d's, with "?" for in_channels until materialised.
  std::string extra_repr() const override;

  Tensor weight;  ///< (out_channels, in_channels, R, S) once materialised.
  Tensor bias;    ///< (out_channels) once materialised (if it has one).

 protected:
  /// @brief Accepts weight (out_channels, C, R, S) with C > 0 and bias (out_channels).
  void check_materialize(const std::string& name, const Shape& shape) const override;
  /// @brief Creates weight or bias from a loaded value.
  void materialize(const std::string& name, const NDArray& value) override;

 private:
  Conv2dOptions options_;
  std::optional<Generator> gen_;
};

namespace detail {

/// @brief What the pooling layers share: the window, stride and padding, and their repr.
///
/// A pooling layer has no parameters; all it knows is its geometry. The concrete layers
/// below add only the op they call and their name (this class stays abstract: it has
/// neither `forward` nor `type_name`).
class Pool2dBase : public Module {
 public:
  /// @brief Square window of side `kernel_size`; stride defaults to the window.
  explicit Pool2dBase(int64_t kernel_size) : Pool2dBase(Size2{kernel_size, kernel_size}) {}
  /// @brief (height, width) window, stride (default: the window) and padding.
  explicit Pool2dBase(Size2 kernel_size, std::optional<Size2> stride = std::nullopt,
                      Size2 padding = {0, 0})
      : kernel_(kernel_size), stride_(stride.value_or(kernel_size)), padding_(padding) {}

  /// @brief "kernel_size=(2, 2), stride=(2, 2), padding=(0, 0)".
  std::string extra_repr() const override;

 protected:
  Size2 kernel_;   ///< (height, width) of the window.
  Size2 stride_;   ///< (height, width) step between windows.
  Size2 padding_;  ///< Implicit padding on each side of height and width.
};

}  // namespace detail

/// @brief Average pooling layer (no parameters): see byo::avg_pool2d.
class AvgPool2d : public detail::Pool2dBase {
 public:
  using Pool2dBase::Pool2dBase;
  /// @brief x is (N,C,H,W).
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "AvgPool2d"; }
};

/// @brief Max pooling layer (no parameters): see byo::max_pool2d.
class MaxPool2d : public detail::Pool2dBase {
 public:
  using Pool2dBase::Pool2dBase;
  /// @brief x is (N,C,H,W).
  Tensor forward(const Tensor& input) override;
  std::string type_name() const override { return "MaxPool2d"; }
};

}  // namespace byo::nn
