// The layers: Linear, ReLU, Sigmoid, Tanh, Flatten, Dropout, Sequential; the losses; and a
// gradcheck of a small network built from them.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "byo/gradcheck.h"
#include "byo/nn.h"
#include "byo/ops.h"
#include "nn_test_util.h"

namespace byo::nn {
namespace {

using test::expect_error;
using test::values;

// weight [[1, 2, 3], [-1, 0, 1]], bias [0.5, -0.5]
void set_known_parameters(Linear& layer) {
  layer.weight.data().copy_(NDArray::from_vector({1, 2, 3, -1, 0, 1}, {2, 3}));
  layer.bias.data().copy_(NDArray::from_vector({0.5f, -0.5f}, {2}));
}

TEST(Linear, ForwardMatchesHandComputation) {
  Linear layer(3, 2);
  set_known_parameters(layer);
  const Tensor x = from_vector({1, 0, 2, -1, 1, 1}, {2, 3});
  const Tensor y = layer.forward(x);
  // row 0: [1+0+6, -1+0+2] + b = [7.5, 0.5]; row 1: [-1+2+3, 1+0+1] + b = [4.5, 1.5]
  EXPECT_EQ(y.shape(), (Shape{2, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{7.5f, 0.5f, 4.5f, 1.5f}));
  EXPECT_EQ(values(layer(x)), values(y));  // operator() is forward
}

TEST(Linear, AcceptsLeadingBatchDims) {
  Linear layer(3, 2);
  set_known_parameters(layer);
  const Tensor x = from_vector({1, 0, 2, -1, 1, 1, 1, 0, 2, 0, 0, 0}, {2, 2, 3});
  const Tensor y = layer.forward(x);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{7.5f, 0.5f, 4.5f, 1.5f, 7.5f, 0.5f, 0.5f, -0.5f}));
}

TEST(Linear, WithoutBias) {
  Linear layer(LinearOptions(3, 2).bias(false));
  EXPECT_FALSE(layer.bias.defined());
  ASSERT_EQ(layer.named_parameters().size(), 1u);
  EXPECT_EQ(layer.named_parameters()[0].first, "weight");
  layer.weight.data().copy_(NDArray::from_vector({1, 2, 3, -1, 0, 1}, {2, 3}));
  EXPECT_EQ(values(layer.forward(from_vector({1, 0, 2}, {1, 3}))),
            (std::vector<float>{7.0f, 1.0f}));
  EXPECT_EQ(layer.extra_repr(), "in_features=3, out_features=2, bias=false");
}

TEST(Linear, GradientsReachWeightAndBias) {
  Linear layer(3, 2);
  set_known_parameters(layer);
  const Tensor x = from_vector({1, 0, 2, -1, 1, 1}, {2, 3});
  layer.forward(x).sum().backward();
  // d sum / d W[o, i] = sum over the batch of x[n, i]; d sum / d b[o] = N.
  EXPECT_EQ(values(layer.weight.grad()), (std::vector<float>{0, 1, 3, 0, 1, 3}));
  EXPECT_EQ(values(layer.bias.grad()), (std::vector<float>{2, 2}));
}

TEST(Linear, RefusesBadShapesAndSizes) {
  Linear layer(3, 2);
  expect_error(
      [&] {
        layer.forward(zeros({4, 5}));
      },
      "input of shape [4, 5] does not end in in_features = 3");
  expect_error([] { Linear(0, 2); }, "must be positive");
}

TEST(Linear, SameGeneratorSeedSameWeights) {
  Generator g1(42);
  Generator g2(42);
  Generator g3(43);
  Linear a(LinearOptions(5, 4), g1);
  Linear b(LinearOptions(5, 4), g2);
  Linear c(LinearOptions(5, 4), g3);
  EXPECT_EQ(values(a.weight), values(b.weight));
  EXPECT_EQ(values(a.bias), values(b.bias));
  EXPECT_NE(values(a.weight), values(c.weight));
}

TEST(Activations, ValuesElementwise) {
  const Tensor x = from_vector({-2.0f, 0.0f, 0.5f}, {3});
  EXPECT_EQ(values(ReLU().forward(x)), (std::vector<float>{0.0f, 0.0f, 0.5f}));
  const auto s = values(Sigmoid().forward(x));
  EXPECT_NEAR(s[0], 0.11920292f, 1e-7);
  EXPECT_NEAR(s[1], 0.5f, 1e-7);
  EXPECT_NEAR(s[2], 0.62245933f, 1e-7);
  const auto t = values(Tanh().forward(x));
  EXPECT_NEAR(t[0], -0.96402758f, 1e-7);
  EXPECT_NEAR(t[1], 0.0f, 1e-7);
  EXPECT_NEAR(t[2], 0.46211716f, 1e-7);
}

TEST(Flatten, KeepsTheBatchDimByDefault) {
  Generator gen(1);
  const Tensor x = randn({2, 3, 4, 5}, gen);
  EXPECT_EQ(Flatten().forward(x).shape(), (Shape{2, 60}));
  EXPECT_EQ(Flatten(0, -1).forward(x).shape(), (Shape{120}));
  EXPECT_EQ(Flatten(1, 2).forward(x).shape(), (Shape{2, 12, 5}));
  EXPECT_EQ(values(Flatten().forward(x)), values(x));
}

TEST(Dropout, ScalesKeptValuesAndIsSeeded) {
  const Tensor x = ones({20, 50});
  Dropout a(0.25, 7);
  Dropout b(0.25, 7);
  const auto ya = values(a.forward(x));
  EXPECT_EQ(ya, values(b.forward(x)));  // same seed, same mask
  int64_t dropped = 0;
  for (float v : ya) {
    if (v == 0.0f) {
      ++dropped;
    } else {
      EXPECT_FLOAT_EQ(v, 1.0f / 0.75f);  // kept values are scaled by 1/(1-p)
    }
  }
  // 1000 Bernoulli(0.25) draws: mean 250, standard deviation 13.7.
  EXPECT_GT(dropped, 200);
  EXPECT_LT(dropped, 300);
  EXPECT_NE(values(a.forward(x)), ya);  // a fresh mask on every call
}

TEST(Dropout, GradientFollowsTheMask) {
  Dropout dropout(0.5, 3);
  const Tensor x = full({4, 4}, 2.0f, /*requires_grad=*/true);
  const Tensor y = dropout.forward(x);
  y.sum().backward();
  const auto out = values(y);
  const auto grad = values(x.grad());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_FLOAT_EQ(grad[i], out[i] / 2.0f);
}

TEST(Dropout, IdentityInEvalAndForPZero) {
  Generator gen(2);
  const Tensor x = randn({3, 4}, gen);
  Dropout dropout(0.9, 1);
  dropout.eval();
  EXPECT_EQ(dropout.forward(x).impl(), x.impl());
  EXPECT_EQ(Dropout(0.0, 1).forward(x).impl(), x.impl());
  EXPECT_EQ(values(Dropout(1.0, 1).forward(x)), std::vector<float>(12, 0.0f));
  expect_error([] { Dropout(1.5); }, "p = 1.5 is not a probability");
}

TEST(Sequential, ChainsItsModules) {
  auto fc = std::make_shared<Linear>(3, 2);
  set_known_parameters(*fc);
  Sequential seq(fc, std::make_shared<ReLU>(), std::make_shared<Flatten>());
  const Tensor x = from_vector({-1, 0, 0, -1, 1, 1}, {2, 3});
  // fc: [-0.5, 0.5], [4.5, 1.5]; relu: [0, 0.5], [4.5, 1.5]
  EXPECT_EQ(values(seq.forward(x)), (std::vector<float>{0.0f, 0.5f, 4.5f, 1.5f}));
  EXPECT_EQ(Sequential().forward(x).impl(), x.impl());
  seq.push_back("head", std::make_shared<Tanh>());
  EXPECT_EQ(seq.named_children().back().first, "head");
}

TEST(Losses, CrossEntropyAndMse) {
  const Tensor logits = from_vector({1, 2, 3, 1, 1, 1}, {2, 3});
  const Tensor labels = from_vector({2, 0}, {2});
  // row 0: log(e + e² + e³) - 3 = 0.40760596; row 1: log 3 = 1.09861229
  EXPECT_NEAR(CrossEntropyLoss()(logits, labels).item(), (0.40760596 + 1.09861229) / 2, 1e-6);
  const Tensor a = from_vector({1, 2, 3, 5}, {2, 2});
  const Tensor b = from_vector({0, 2, 3, 3}, {2, 2});
  EXPECT_FLOAT_EQ(MSELoss()(a, b).item(), 1.25f);  // (1 + 0 + 0 + 4) / 4
}

TEST(Gradcheck, SmallNetworkThroughTheLayers) {
  // Smooth activations only: gradcheck's central differences must not straddle a kink.
  Generator gen(11);
  std::vector<std::shared_ptr<Linear>> fc{std::make_shared<Linear>(LinearOptions(4, 5), gen),
                                          std::make_shared<Linear>(LinearOptions(5, 5), gen),
                                          std::make_shared<Linear>(LinearOptions(5, 3), gen)};
  Sequential net(fc[0], std::make_shared<Tanh>(), fc[1], std::make_shared<Sigmoid>(), fc[2]);
  const Tensor x = randn({6, 4}, gen, /*requires_grad=*/true);
  const Tensor labels = from_vector({0, 1, 2, 2, 1, 0}, {6});
  std::vector<Tensor> inputs{x};
  for (const Tensor& p : net.parameters()) inputs.push_back(p);
  // gradcheck hands fn its own leaf tensors (sharing the inputs' storage) and reads their
  // gradients, so the layers are pointed at those leaves before the forward pass.
  const GradcheckResult result = gradcheck(
      [&](const std::vector<Tensor>& in) {
        for (size_t layer = 0; layer < fc.size(); ++layer) {
          fc[layer]->weight = in[1 + 2 * layer];
          fc[layer]->bias = in[2 + 2 * layer];
        }
        return CrossEntropyLoss()(net.forward(in[0]), labels);
      },
      inputs);
  ASSERT_EQ(result.inputs.size(), 7u);
  for (const auto& r : result.inputs) EXPECT_TRUE(r.checked);
  EXPECT_TRUE(result.passed()) << "worst absolute error " << result.max_abs_error();
}

}  // namespace
}  // namespace byo::nn
