/// @file
/// @brief `byo::nn::init`: filling parameters with random values the way PyTorch does.
///
/// Why initialisation matters: a layer's output variance is its fan-in times the weight
/// variance times the input variance. Too large and activations explode layer after
/// layer; too small and they (and their gradients) vanish. The schemes below pick the
/// weight variance that keeps it about constant:
///
/// | scheme            | distribution     | bound / std                                    |
/// |-------------------|------------------|------------------------------------------------|
/// | xavier_uniform_   | U(-a, a)         | a = gain·sqrt(6 / (fan_in + fan_out))          |
/// | xavier_normal_    | N(0, std²)       | std = gain·sqrt(2 / (fan_in + fan_out))        |
/// | kaiming_uniform_  | U(-b, b)         | b = gain·sqrt(3 / fan)                          |
/// | kaiming_normal_   | N(0, std²)       | std = gain / sqrt(fan)                          |
///
/// fan_in of a weight of shape (out, in, k...) is in·k..., fan_out is out·k... . Linear's
/// default, kaiming_uniform_ with a = sqrt(5) (leaky-ReLU gain sqrt(2/(1+a²)) = sqrt(1/3)),
/// reduces to U(-1/sqrt(in), 1/sqrt(in)). Every function draws from the Generator it is
/// given, in row-major order, and writes in place without recording any graph.
#pragma once

#include <cstdint>
#include <utility>

#include "byo/random.h"
#include "byo/tensor.h"

namespace byo::nn {

/// @brief The generator layers draw from when none is passed (as torch's global one).
Generator& default_generator();
/// @brief Reseeds default_generator() (as `torch.manual_seed`).
void manual_seed(uint64_t seed);

}  // namespace byo::nn

namespace byo::nn::init {

/// @brief The nonlinearity that follows a layer, for calculate_gain.
enum class Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU };

/// @brief Which fan Kaiming initialisation preserves: the forward pass (FanIn) or the
///        backward pass (FanOut).
enum class FanMode { FanIn, FanOut };

/// @brief The gain PyTorch recommends for `nonlinearity`: 1 for Linear and Sigmoid, 5/3
///        for Tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope²)) for LeakyReLU.
double calculate_gain(Nonlinearity nonlinearity, double negative_slope = 0.01);

/// @brief (fan_in, fan_out) of a weight of shape (out, in, k...): needs at least 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

/// @brief Fills `tensor` with draws from U(low, high).
void uniform_(const Tensor& tensor, double low, double high, Generator& gen);
/// @brief Fills `tensor` with draws from N(mean, stddev²).
void normal_(const Tensor& tensor, double mean, double stddev, Generator& gen);
void constant_(const Tensor& tensor, double value);
void zeros_(const Tensor& tensor);
void ones_(const Tensor& tensor);
/// @brief Glorot & Bengio (2010): U(-a, a), a = gain·sqrt(6 / (fan_in + fan_out)).
void xavier_uniform_(const Tensor& tensor, Generator& gen, double gain = 1.0);
/// @brief Glorot & Bengio (2010): N(0, std²), std = gain·sqrt(2 / (fan_in + fan_out)).
void xavier_normal_(const Tensor& tensor, Generator& gen, double gain = 1.0);
/// @brief He et al. (2015): U(-b, b), b = gain·sqrt(3 / fan), gain from `nonlinearity`
///        with slope `a` (PyTorch's defaults: a = 0, FanIn, LeakyReLU).
void kaiming_uniform_(const Tensor& tensor, Generator& gen, double a = 0.0,
                      FanMode mode = FanMode::FanIn,
                      Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
/// @brief He et al. (2015): N(0, std²), std = gain / sqrt(fan).
void kaiming_normal_(const Tensor& tensor, Generator& gen, double a = 0.0,
                     FanMode mode = FanMode::FanIn,
                     Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);

}  // namespace byo::nn::init
