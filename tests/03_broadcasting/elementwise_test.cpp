/// @file
/// @brief Elementwise math: exp, log, sqrt, tanh, sigmoid, relu, pow, abs, maximum,
///        minimum, where.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "byo/elementwise.h"
#include "byo/operators.h"
#include "test_util.h"

namespace byo {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

void expect_near(const NDArray& a, const Shape& shape, const std::vector<float>& values,
                 float tol = 1e-6f) {
  ASSERT_EQ(a.shape(), shape);
  test::expect_close(a.to_vector(), values, tol);
}

TEST(Elementwise, ExpLogSqrt) {
  const NDArray x = NDArray::from_vector({0, 1, 2}, {3});
  expect_near(exp(x), {3}, {1.0f, 2.7182818f, 7.3890561f}, 1e-5f);
  expect_near(log(NDArray::from_vector({1, 2.7182818f, 0.5f}, {3})), {3},
              {0.0f, 1.0f, -0.6931472f});
  test::expect_array(sqrt(NDArray::from_vector({0, 4, 9, 2.25f}, {4})), {4}, {0, 2, 3, 1.5f});
  EXPECT_EQ(log(NDArray::scalar(0.0f)).item(), -kInf);
  EXPECT_TRUE(std::isnan(sqrt(NDArray::scalar(-1.0f)).item()));
}

TEST(Elementwise, LogUndoesExp) {
  Generator gen(1);
  const NDArray x = NDArray::randn({4, 5}, gen);
  EXPECT_TRUE(allclose(log(exp(x)), x, 1e-5f, 1e-6f));
}

TEST(Elementwise, Tanh) {
  expect_near(tanh(NDArray::from_vector({-1, 0, 0.5f, 20}, {4})), {4},
              {-0.7615942f, 0.0f, 0.4621172f, 1.0f});
}

TEST(Elementwise, SigmoidValues) {
  expect_near(sigmoid(NDArray::from_vector({-2, 0, 2}, {3})), {3}, {0.1192029f, 0.5f, 0.8807971f});
}

TEST(Elementwise, SigmoidIsStableForHugeInputs) {
  // One formula alone fails at one end: e^x/(1+e^x) is inf/inf = NaN at x = 1000. The
  // stable form picks, per sign, the formula whose exp cannot overflow.
  const NDArray s = sigmoid(NDArray::from_vector({-1000, -100, 100, 1000}, {4}));
  const std::vector<float> v = s.to_vector();
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_GT(v[1], 0.0f);                        // e^-100 ≈ 3.7e-44 is a float denormal, not 0
  EXPECT_NEAR(v[1], 3.7200760e-44f, 1.5e-45f);  // within one denormal step
  EXPECT_EQ(v[2], 1.0f);
  EXPECT_EQ(v[3], 1.0f);
  // sigmoid(-x) == 1 - sigmoid(x)
  Generator gen(2);
  const NDArray x = NDArray::randn({50}, gen) * 5.0f;
  EXPECT_TRUE(allclose(sigmoid(-x), 1.0f - sigmoid(x), 1e-5f, 1e-6f));
}

TEST(Elementwise, ReluKeepsNan) {
  const NDArray r = relu(NDArray::from_vector({-2, -0.5f, 0, 3, kNan}, {5}));
  const std::vector<float> v = r.to_vector();
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_EQ(v[1], 0.0f);
  EXPECT_EQ(v[2], 0.0f);
  EXPECT_EQ(v[3], 3.0f);
  EXPECT_TRUE(std::isnan(v[4]));  // as torch.relu
}

TEST(Elementwise, PowAndAbs) {
  const NDArray x = NDArray::from_vector({-2, 0, 1.5f, 4}, {4});
  test::expect_array(pow(x, 2.0f), {4}, {4, 0, 2.25f, 16});
  test::expect_array(pow(x, 3.0f), {4}, {-8, 0, 3.375f, 64});
  test::expect_array(pow(NDArray::from_vector({4, 9}, {2}), 0.5f), {2}, {2, 3});
  test::expect_array(pow(x, 0.0f), {4}, {1, 1, 1, 1});
  test::expect_array(abs(x), {4}, {2, 0, 1.5f, 4});
}

TEST(Elementwise, UnaryOnNonContiguousInput) {
  const NDArray m = NDArray::from_vector({-1, 2, -3, 4, -5, 6}, {2, 3});
  const NDArray t = m.transpose(0, 1);  // [[-1, 4], [2, -5], [-3, 6]]
  test::expect_array(abs(t), {3, 2}, {1, 4, 2, 5, 3, 6});
  test::expect_array(relu(t.slice(0, 1, 3)), {2, 2}, {2, 0, 0, 6});
}

TEST(Elementwise, MaximumMinimumBroadcast) {
  const NDArray col = NDArray::from_vector({1, 3}, {2, 1});
  const NDArray row = NDArray::from_vector({0, 2, 4}, {3});
  test::expect_array(maximum(col, row), {2, 3}, {1, 2, 4, 3, 3, 4});
  test::expect_array(minimum(col, row), {2, 3}, {0, 1, 1, 0, 2, 3});
  test::expect_array(maximum(row, NDArray::scalar(1.0f)), {3}, {1, 2, 4});
}

TEST(Elementwise, MaximumMinimumPropagateNan) {
  const NDArray a = NDArray::from_vector({kNan, 1, 2}, {3});
  const NDArray b = NDArray::from_vector({0, kNan, 1}, {3});
  for (const NDArray& r : {maximum(a, b), minimum(a, b), maximum(b, a), minimum(b, a)}) {
    const std::vector<float> v = r.to_vector();
    EXPECT_TRUE(std::isnan(v[0]));
    EXPECT_TRUE(std::isnan(v[1]));
  }
  EXPECT_EQ(maximum(a, b).to_vector()[2], 2.0f);
  EXPECT_EQ(minimum(a, b).to_vector()[2], 1.0f);
}

TEST(Elementwise, WhereBroadcastsAllThree) {
  const NDArray cond = NDArray::from_vector({1, 0, 1}, {3});  // [3]
  const NDArray a = NDArray::from_vector({10, 20}, {2, 1});   // [2, 1]
  const NDArray b = NDArray::scalar(-1.0f);                   // []
  test::expect_array(where(cond, a, b), {2, 3}, {10, -1, 10, 20, -1, 20});
  // A comparison mask picks elementwise: a leaky relu.
  const NDArray x = NDArray::from_vector({-2, 0, 3}, {3});
  test::expect_array(where(x > 0.0f, x, x * 0.5f), {3}, {-1, 0, 3});
  EXPECT_THROW(where(NDArray::zeros({2}), NDArray::zeros({3}), b), Error);
}

}  // namespace
}  // namespace byo
