// nn::init: gains, fans, and that every scheme draws from the distribution PyTorch uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "byo/nn.h"
#include "nn_test_util.h"

namespace byo::nn::init {
namespace {

using test::expect_error;
using test::values;

struct Moments {
  double mean = 0.0;
  double std = 0.0;
  double max_abs = 0.0;
};

Moments moments(const Tensor& t) {
  const auto v = values(t);
  Moments m;
  for (float x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  for (float x : v) {
    m.std += (x - m.mean) * (x - m.mean);
    m.max_abs = std::max(m.max_abs, std::abs(static_cast<double>(x)));
  }
  m.std = std::sqrt(m.std / static_cast<double>(v.size()));
  return m;
}

TEST(Init, GainsAsPyTorch) {
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::Linear), 1.0);
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::Sigmoid), 1.0);
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::Tanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::ReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::LeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3.0));
}

TEST(Init, FansOfLinearAndConvolutionWeights) {
  EXPECT_EQ(calculate_fan_in_and_fan_out(zeros({4, 3})), (std::pair<int64_t, int64_t>{3, 4}));
  // A conv weight (out 8, in 3, 5 x 5): fan_in = 3·25, fan_out = 8·25.
  EXPECT_EQ(calculate_fan_in_and_fan_out(zeros({8, 3, 5, 5})),
            (std::pair<int64_t, int64_t>{75, 200}));
  expect_error([] { calculate_fan_in_and_fan_out(zeros({4})); }, "got shape [4]");
}

TEST(Init, UniformAndNormalHaveTheirMoments) {
  Generator gen(1);
  Tensor t = zeros({200, 100});
  uniform_(t, -2.0, 4.0, gen);
  Moments m = moments(t);
  EXPECT_NEAR(m.mean, 1.0, 0.05);
  EXPECT_NEAR(m.std, 6.0 / std::sqrt(12.0), 0.02);  // U(a, b): std (b - a)/sqrt(12)
  EXPECT_LE(m.max_abs, 4.0);
  normal_(t, 3.0, 0.5, gen);
  m = moments(t);
  EXPECT_NEAR(m.mean, 3.0, 0.01);
  EXPECT_NEAR(m.std, 0.5, 0.01);
}

TEST(Init, Constants) {
  Tensor t = full({2, 3}, 5.0f);
  zeros_(t);
  EXPECT_EQ(values(t), std::vector<float>(6, 0.0f));
  ones_(t);
  EXPECT_EQ(values(t), std::vector<float>(6, 1.0f));
  constant_(t, -2.5);
  EXPECT_EQ(values(t), std::vector<float>(6, -2.5f));
}

TEST(Init, XavierKeepsVarianceAcrossFans) {
  Generator gen(2);
  Tensor w = zeros({300, 100});  // fan_in 100, fan_out 300
  xavier_uniform_(w, gen);
  Moments m = moments(w);
  const double bound = std::sqrt(6.0 / 400.0);
  EXPECT_LE(m.max_abs, bound);
  EXPECT_GT(m.max_abs, 0.99 * bound);
  EXPECT_NEAR(m.std, bound / std::sqrt(3.0), 0.002);
  xavier_normal_(w, gen, /*gain=*/2.0);
  m = moments(w);
  EXPECT_NEAR(m.std, 2.0 * std::sqrt(2.0 / 400.0), 0.003);
  EXPECT_NEAR(m.mean, 0.0, 0.003);
}

TEST(Init, KaimingForReluAndLinearsDefault) {
  Generator gen(3);
  Tensor w = zeros({256, 64});  // fan_in 64
  kaiming_normal_(w, gen, 0.0, FanMode::FanIn, Nonlinearity::ReLU);
  EXPECT_NEAR(moments(w).std, std::sqrt(2.0 / 64.0), 0.005);
  kaiming_uniform_(w, gen, 0.0, FanMode::FanOut, Nonlinearity::ReLU);
  EXPECT_LE(moments(w).max_abs, std::sqrt(6.0 / 256.0));
  EXPECT_NEAR(moments(w).std, std::sqrt(2.0 / 256.0), 0.002);
  // a = sqrt(5), Linear's default, reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  kaiming_uniform_(w, gen, std::sqrt(5.0));
  EXPECT_LE(moments(w).max_abs, 1.0 / 8.0);
  EXPECT_GT(moments(w).max_abs, 0.99 / 8.0);
}

TEST(Init, LinearUsesPyTorchsBounds) {
  Generator gen(4);
  Linear layer(LinearOptions(400, 300), gen);
  const double bound = 1.0 / std::sqrt(400.0);
  const Moments w = moments(layer.weight);
  EXPECT_LE(w.max_abs, bound);
  EXPECT_GT(w.max_abs, 0.99 * bound);
  EXPECT_NEAR(w.std, bound / std::sqrt(3.0), 0.001);
  EXPECT_LE(moments(layer.bias).max_abs, bound);
  EXPECT_GT(moments(layer.bias).max_abs, 0.9 * bound);
}

TEST(Init, ManualSeedFixesTheDefaultGenerator) {
  manual_seed(123);
  Linear a(6, 5);
  manual_seed(123);
  Linear b(6, 5);
  Linear c(6, 5);  // the stream has moved on
  EXPECT_EQ(values(a.weight), values(b.weight));
  EXPECT_NE(values(b.weight), values(c.weight));
}

}  // namespace
}  // namespace byo::nn::init
