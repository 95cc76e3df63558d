// Neuron, Layer, MLP, make_moons, and an MLP that learns the moons.
#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "byo/check.h"
#include "byo/micro_nn.h"
#include "byo/moons.h"
#include "byo/scalar_gradcheck.h"

namespace byo::scalar {
namespace {

TEST(MicroNN, NeuronComputesActOfWeightedSum) {
  Generator gen(1);
  const Neuron neuron(3, Activation::tanh, gen);
  const std::vector<Scalar> params = neuron.parameters();
  ASSERT_EQ(params.size(), 4u);  // 3 weights, then the bias
  const std::vector<Scalar> x{0.5, -1.0, 2.0};
  double z = params[3].data();
  for (int i = 0; i < 3; ++i)
    z += params[static_cast<size_t>(i)].data() * x[static_cast<size_t>(i)].data();
  const Scalar out = neuron(x);
  EXPECT_DOUBLE_EQ(out.data(), std::tanh(z));
  out.backward();
  // d out / d w_i = (1 - out^2) x_i; d out / d b = 1 - out^2.
  const double d = 1.0 - out.data() * out.data();
  EXPECT_DOUBLE_EQ(params[0].grad(), d * 0.5);
  EXPECT_DOUBLE_EQ(params[2].grad(), d * 2.0);
  EXPECT_DOUBLE_EQ(params[3].grad(), d);
}

TEST(MicroNN, InitialisationIsUniformInMinusOneOne) {
  Generator gen(7);
  const Layer layer(16, 16, Activation::relu, gen);
  double largest = 0.0;
  for (const Scalar& p : layer.parameters()) largest = std::max(largest, std::abs(p.data()));
  EXPECT_LT(largest, 1.0);
  EXPECT_GT(largest, 0.9);  // 272 draws: one near the edge, or the range is wrong
}

TEST(MicroNN, MLPShapesParametersAndZeroGrad) {
  Generator gen(3);
  const MLP model(2, {16, 16, 1}, gen);
  EXPECT_EQ(model.parameters().size(), 2u * 16 + 16 + 16u * 16 + 16 + 16 + 1);  // 337
  EXPECT_EQ(model.to_string(), "MLP(2 -> 16 -> 16 -> 1, 337 parameters)");
  const std::vector<Scalar> x{0.3, -0.8};
  const std::vector<Scalar> out = model(x);
  ASSERT_EQ(out.size(), 1u);
  out[0].backward();
  double total = 0.0;
  for (const Scalar& p : model.parameters()) total += std::abs(p.grad());
  EXPECT_GT(total, 0.0);
  model.zero_grad();
  for (const Scalar& p : model.parameters()) EXPECT_EQ(p.grad(), 0.0);
}

TEST(MicroNN, MLPGradientPassesGradcheck) {
  Generator gen(5);
  const MLP model(2, {4, 1}, gen);
  // Gradient with respect to the inputs, through both layers (a point off the ReLU kinks).
  const GradcheckResult r = gradcheck([&model](std::span<const Scalar> v) { return model(v)[0]; },
                                      std::vector<double>{0.37, -0.61});
  EXPECT_TRUE(r.passed) << r.summary();
}

TEST(MicroNN, WrongSizesAreErrors) {
  Generator gen(0);
  const Neuron neuron(3, Activation::none, gen);
  try {
    neuron(std::vector<Scalar>{1.0, 2.0});
    FAIL() << "a neuron of 3 inputs accepted 2";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("expected 3 inputs, got 2"), std::string::npos) << e.message();
  }
  EXPECT_THROW(Neuron(0, Activation::none, gen), Error);
  EXPECT_THROW(Layer(2, 0, Activation::none, gen), Error);
  EXPECT_THROW(MLP(2, {}, gen), Error);
  EXPECT_THROW(hinge_loss(std::vector<Scalar>{1.0}, std::vector<int>{1, 0}), Error);
  EXPECT_THROW(hinge_loss(std::vector<Scalar>{1.0}, std::vector<int>{2}), Error);
}

TEST(MicroNN, HingeLossAndAccuracyByHand) {
  const std::vector<Scalar> scores{2.0, 0.5, -0.25, 1.0};
  const std::vector<int> labels{1, 1, 0, 0};
  // max(0, 1 - y s): 0, 0.5, 0.75, 2  -> mean 0.8125
  EXPECT_DOUBLE_EQ(hinge_loss(scores, labels).data(), 0.8125);
  EXPECT_DOUBLE_EQ(accuracy(scores, labels), 0.75);
}

TEST(Moons, ShapeLabelsAndExactArcsWithoutNoise) {
  Generator gen(0);
  const Moons moons = make_moons(7, 0.0, gen);
  ASSERT_EQ(moons.points.size(), 7u);
  ASSERT_EQ(moons.labels.size(), 7u);
  // 3 upper (label 0) at angles 0, pi/2, pi; 4 lower (label 1).
  EXPECT_EQ(moons.labels, (std::vector<int>{0, 0, 0, 1, 1, 1, 1}));
  EXPECT_NEAR(moons.points[0][0], 1.0, 1e-15);
  EXPECT_NEAR(moons.points[1][1], 1.0, 1e-15);
  EXPECT_NEAR(moons.points[2][0], -1.0, 1e-15);
  EXPECT_NEAR(moons.points[3][0], 0.0, 1e-15);  // lower moon starts at (1 - 1, 0.5 - 0)
  EXPECT_NEAR(moons.points[3][1], 0.5, 1e-15);
  EXPECT_NEAR(moons.points[6][0], 2.0, 1e-15);
  for (size_t i = 0; i < 3; ++i) {
    const auto [x, y] = moons.points[i];
    EXPECT_NEAR(x * x + y * y, 1.0, 1e-12);
  }
}

TEST(Moons, SeededAndNoisy) {
  Generator a(42), b(42), c(43);
  const Moons ma = make_moons(50, 0.1, a);
  const Moons mb = make_moons(50, 0.1, b);
  const Moons mc = make_moons(50, 0.1, c);
  EXPECT_EQ(ma.points, mb.points);
  EXPECT_NE(ma.points, mc.points);
  EXPECT_THROW(make_moons(1, 0.1, a), Error);
  EXPECT_THROW(make_moons(10, -0.1, a), Error);
}

// The chapter's promise, as the demo trains but on 40 points instead of 100: gradient
// descent on the hinge loss reaches 100% training accuracy (here from step 40 on) and the
// loss falls.
TEST(MicroNN, MLPLearnsTwoMoons) {
  Generator gen(0);
  const Moons moons = make_moons(40, 0.1, gen);
  const MLP model(2, {16, 16, 1}, gen);
  std::vector<Scalar> params = model.parameters();
  const int steps = 100;
  double first_loss = 0.0, loss_value = 0.0, acc = 0.0;
  for (int step = 0; step <= steps; ++step) {
    std::vector<Scalar> scores;
    for (const auto& [x, y] : moons.points) scores.push_back(model(std::vector<Scalar>{x, y})[0]);
    Scalar l2 = 0.0;
    for (const Scalar& p : params) l2 = l2 + p * p;
    const Scalar loss = hinge_loss(scores, moons.labels) + 1e-4 * l2;
    loss_value = loss.data();
    acc = accuracy(scores, moons.labels);
    if (step == 0) first_loss = loss_value;
    if (step == steps) break;
    model.zero_grad();
    loss.backward();
    const double lr = 1.0 - 0.9 * step / steps;
    for (Scalar& p : params) p.set_data(p.data() - lr * p.grad());
  }
  EXPECT_EQ(acc, 1.0);
  EXPECT_LT(loss_value, 0.1 * first_loss);
}

}  // namespace
}  // namespace byo::scalar
