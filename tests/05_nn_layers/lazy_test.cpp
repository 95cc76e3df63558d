// LazyLinear: what exists before the first forward, what the first forward creates.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "byo/nn.h"
#include "byo/optim.h"
#include "nn_test_util.h"

namespace byo::nn {
namespace {

using test::expect_error;
using test::values;

TEST(LazyLinear, ParametersAreNamedButUndefinedBeforeTheFirstForward) {
  LazyLinear lazy(3);
  EXPECT_FALSE(lazy.materialized());
  EXPECT_EQ(lazy.in_features(), 0);
  const auto named = lazy.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[1].first, "bias");
  EXPECT_FALSE(named[0].second.defined());
  EXPECT_EQ(to_string(lazy), "LazyLinear(in_features=?, out_features=3, bias=true)");
  expect_error([&] { (void)lazy.state_dict(); }, "'weight' is not materialised yet");
  lazy.zero_grad();  // harmless before materialisation
}

TEST(LazyLinear, FirstForwardInfersInFeatures) {
  LazyLinear lazy(3, /*bias=*/true, /*seed=*/5);
  Generator gen(1);
  const Tensor x = randn({4, 7}, gen);
  const Tensor y = lazy.forward(x);
  EXPECT_TRUE(lazy.materialized());
  EXPECT_EQ(lazy.in_features(), 7);
  EXPECT_EQ(y.shape(), (Shape{4, 3}));
  EXPECT_EQ(lazy.weight.shape(), (Shape{3, 7}));
  EXPECT_EQ(lazy.bias.shape(), (Shape{3}));
  EXPECT_TRUE(lazy.weight.requires_grad());
  const auto params = lazy.parameters();
  EXPECT_EQ(params[0].impl(), lazy.weight.impl());
  EXPECT_EQ(params[1].impl(), lazy.bias.impl());
  EXPECT_EQ(to_string(lazy), "LazyLinear(in_features=7, out_features=3, bias=true)");

  // Initialised exactly as a Linear drawing from a generator with the same seed.
  Generator same(5);
  Linear eager(LinearOptions(7, 3), same);
  EXPECT_EQ(values(lazy.weight), values(eager.weight));
  EXPECT_EQ(values(lazy.bias), values(eager.bias));
  EXPECT_EQ(values(y), values(eager.forward(x)));

  expect_error(
      [&] {
        lazy.forward(randn({4, 6}, gen));
      },
      "input of shape [4, 6] does not end in in_features = 7");
}

TEST(LazyLinear, InsideASequentialThenTrained) {
  Sequential net(std::make_shared<LazyLinear>(4, true, 1), std::make_shared<Tanh>(),
                 std::make_shared<LazyLinear>(2, false, 2));
  expect_error([&] { optim::SGD(net.parameters(), optim::SGDOptions(0.1)); },
               "a lazy layer (LazyLinear) that has not seen its first input");
  Generator gen(3);
  const Tensor x = randn({5, 6}, gen);
  const Tensor target = zeros({5, 2});
  net.forward(x);  // the dry run
  std::vector<std::string> names;
  for (const auto& [name, p] : net.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight"}));

  optim::SGD sgd(net.parameters(), optim::SGDOptions(0.1));
  const float before = MSELoss()(net.forward(x), target).item();
  for (int i = 0; i < 5; ++i) {
    sgd.zero_grad();
    MSELoss()(net.forward(x), target).backward();
    sgd.step();
  }
  EXPECT_LT(MSELoss()(net.forward(x), target).item(), before);
}

TEST(LazyLinear, LoadMaterialisesFromTheStateDict) {
  StateDict state;
  state.insert("weight", NDArray::from_vector({1, 2, 3, 4}, {2, 2}));
  state.insert("bias", NDArray::from_vector({0.5f, -0.5f}, {2}));
  LazyLinear lazy(2);
  lazy.load_state_dict(state);
  EXPECT_TRUE(lazy.materialized());
  EXPECT_EQ(lazy.in_features(), 2);
  EXPECT_EQ(values(lazy.forward(from_vector({1, 1}, {1, 2}))), (std::vector<float>{3.5f, 6.5f}));

  StateDict bad_bias;
  bad_bias.insert("weight", NDArray::zeros({2, 5}));
  bad_bias.insert("bias", NDArray::zeros({3}));
  LazyLinear other(2);
  expect_error([&] { other.load_state_dict(bad_bias); },
               "cannot materialise 'bias' from shape [3]: expected [2]");
  EXPECT_FALSE(other.materialized());  // the valid weight was not applied either
  EXPECT_EQ(other.in_features(), 0);
}

TEST(LazyLinear, RefusesAnEmptyInput) {
  LazyLinear lazy(2);
  expect_error([&] { lazy.forward(zeros({3, 0})); }, "cannot infer in_features");
}

}  // namespace
}  // namespace byo::nn
