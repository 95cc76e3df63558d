// nn::Conv2d, nn::LazyConv2d, nn::AvgPool2d and nn::MaxPool2d.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include "byo/conv.h"
#include "byo/gradcheck.h"
#include "byo/nn.h"
#include "byo/nn/conv.h"

namespace byo::nn {
namespace {

float max_abs(const NDArray& a) {
  float m = 0;
  for (float v : a.to_vector()) m = std::max(m, std::abs(v));
  return m;
}

TEST(Conv2dLayer, ParametersShapesAndPyTorchInitialisation) {
  Generator gen(0);
  Conv2d conv(Conv2dOptions(6, 16, 5), gen);
  const auto named = conv.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[1].first, "bias");
  EXPECT_EQ(conv.weight.shape(), (Shape{16, 6, 5, 5}));
  EXPECT_EQ(conv.bias.shape(), (Shape{16}));
  EXPECT_TRUE(conv.weight.requires_grad());
  // U(-b, b) with b = 1/sqrt(fan_in), fan_in = 6·5·5 = 150: inside the bound, and spread
  // over most of it (2400 draws all below half the bound would be astronomically unlikely).
  const float bound = 1.0f / std::sqrt(150.0f);
  EXPECT_LE(max_abs(conv.weight.data()), bound);
  EXPECT_GT(max_abs(conv.weight.data()), 0.9f * bound);
  EXPECT_LE(max_abs(conv.bias.data()), bound);
}

TEST(Conv2dLayer, OptionsChainAndForward) {
  Generator gen(1);
  Conv2d conv(Conv2dOptions(2, 3, {3, 2}).stride(2).padding({1, 0}).bias(false), gen);
  EXPECT_FALSE(conv.bias.defined());
  EXPECT_EQ(conv.parameters().size(), 1u);
  EXPECT_EQ(conv.options().stride(), (Size2{2, 2}));
  Tensor x = randn({4, 2, 7, 6}, gen);
  Tensor y = conv(x);
  EXPECT_EQ(y.shape(), (Shape{4, 3, 4, 3}));
  EXPECT_TRUE(allclose(y.data(), conv2d(x, conv.weight, Tensor(), {2, 2}, {1, 0}).data()));
  EXPECT_EQ(conv.extra_repr(),
            "2, 3, kernel_size=(3, 2), stride=(2, 2), padding=(1, 0), bias=false");
}

TEST(Conv2dLayer, RefusesBadOptionsAndInputs) {
  EXPECT_THROW(Conv2d(Conv2dOptions(0, 4, 3)), Error);
  EXPECT_THROW(Conv2d(Conv2dOptions(1, 4, 0)), Error);
  Conv2d conv(Conv2dOptions(3, 4, 3));
  try {
    conv(zeros({1, 1, 8, 8}));
    FAIL() << "expected a channel mismatch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[1, 1, 8, 8]"), std::string::npos) << e.what();
  }
}

TEST(Conv2dLayer, GradcheckThroughTheLayer) {
  Generator gen(2);
  Conv2d conv(Conv2dOptions(2, 3, 3).padding(1), gen);
  Tensor x = randn({2, 2, 5, 5}, gen, true);
  const GradcheckResult r = gradcheck(
      [&](const std::vector<Tensor>& in) {
        return conv2d(in[0], in[1], in[2], {1, 1}, {1, 1});
      },
      {x, conv.weight, conv.bias});
  EXPECT_TRUE(r.passed()) << r.max_abs_error();
}

TEST(LazyConv2dLayer, InfersInChannelsOnTheFirstCall) {
  LazyConv2d lazy(Conv2dOptions(0, 4, 3).padding(1), /*seed=*/5);
  EXPECT_FALSE(lazy.materialized());
  EXPECT_EQ(lazy.extra_repr(),
            "?, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=true");
  EXPECT_THROW(lazy.state_dict(), Error);
  Tensor y = lazy(ones({2, 3, 6, 6}));
  EXPECT_TRUE(lazy.materialized());
  EXPECT_EQ(lazy.in_channels(), 3);
  EXPECT_EQ(lazy.weight.shape(), (Shape{4, 3, 3, 3}));
  EXPECT_EQ(y.shape(), (Shape{2, 4, 6, 6}));
  // Registered under the same names, now defined: what an optimiser and a checkpoint see.
  const auto named = lazy.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_TRUE(named[0].second.defined());
  EXPECT_EQ(named[0].second.data().storage(), lazy.weight.data().storage());
  // The same seed gives the same weights.
  LazyConv2d twin(Conv2dOptions(0, 4, 3).padding(1), 5);
  twin(ones({1, 3, 6, 6}));
  EXPECT_TRUE(allclose(twin.weight.data(), lazy.weight.data(), 0, 0));
}

TEST(LazyConv2dLayer, LoadStateDictMaterialises) {
  Conv2d source(Conv2dOptions(2, 4, 3));
  LazyConv2d lazy(4, 3);
  lazy.load_state_dict(source.state_dict());
  EXPECT_TRUE(lazy.materialized());
  EXPECT_EQ(lazy.in_channels(), 2);
  EXPECT_TRUE(allclose(lazy.weight.data(), source.weight.data(), 0, 0));
  // A weight whose kernel differs is refused, and the layer stays lazy.
  Conv2d other(Conv2dOptions(2, 4, 5));
  LazyConv2d fresh(4, 3);
  EXPECT_THROW(fresh.load_state_dict(other.state_dict()), Error);
  EXPECT_FALSE(fresh.materialized());
}

TEST(LazyConv2dLayer, RefusesWhatItCannotInfer) {
  EXPECT_THROW(LazyConv2d(Conv2dOptions(3, 4, 3)), Error);  // in_channels must be left 0
  LazyConv2d lazy(4, 3);
  EXPECT_THROW(lazy(ones({3, 8, 8})), Error);  // not (N,C,H,W)
  EXPECT_FALSE(lazy.materialized());
}

TEST(PoolingLayers, MatchTheOpsAndDefaultStrideToTheKernel) {
  Generator gen(3);
  Tensor x = randn({2, 3, 8, 6}, gen);
  MaxPool2d max2(2);
  AvgPool2d avg3({3, 3}, Size2{2, 2}, {1, 1});
  EXPECT_EQ(max2.extra_repr(), "kernel_size=(2, 2), stride=(2, 2), padding=(0, 0)");
  EXPECT_EQ(avg3.extra_repr(), "kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)");
  EXPECT_EQ(max2.type_name(), "MaxPool2d");
  EXPECT_EQ(avg3.type_name(), "AvgPool2d");
  EXPECT_TRUE(allclose(max2(x).data(), max_pool2d(x, {2, 2}).data(), 0, 0));
  EXPECT_TRUE(allclose(avg3(x).data(), avg_pool2d(x, {3, 3}, {2, 2}, {1, 1}).data(), 0, 0));
  EXPECT_TRUE(max2.parameters().empty());
}

TEST(PoolingLayers, LeNetAsASequential) {
  auto net = std::make_shared<Sequential>(
      std::make_shared<Conv2d>(Conv2dOptions(1, 6, 5).padding(2)), std::make_shared<Sigmoid>(),
      std::make_shared<AvgPool2d>(2), std::make_shared<Conv2d>(Conv2dOptions(6, 16, 5)),
      std::make_shared<Sigmoid>(), std::make_shared<AvgPool2d>(2), std::make_shared<Flatten>(),
      std::make_shared<Linear>(400, 120));
  const auto named = net->named_parameters();
  ASSERT_EQ(named.size(), 6u);
  EXPECT_EQ(named[0].first, "0.weight");
  EXPECT_EQ(named[2].first, "3.weight");
  EXPECT_EQ(named[4].first, "7.weight");
  EXPECT_EQ(net->forward(zeros({2, 1, 28, 28})).shape(), (Shape{2, 120}));
  std::ostringstream os;
  os << *net;
  EXPECT_NE(os.str().find("Conv2d(1, 6, kernel_size=(5, 5)"), std::string::npos) << os.str();
}

}  // namespace
}  // namespace byo::nn
