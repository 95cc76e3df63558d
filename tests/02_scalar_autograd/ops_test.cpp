// Each operation's value and gradient, by hand and by gradcheck.
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "byo/scalar.h"
#include "byo/scalar_gradcheck.h"

namespace byo::scalar {
namespace {

// d(op(a, b))/da and /db after backward(), with the value.
struct Binary {
  double value, da, db;
};

template <typename Op>
Binary run(Op op, double a_value, double b_value) {
  Scalar a = a_value, b = b_value;
  Scalar c = op(a, b);
  c.backward();
  return {c.data(), a.grad(), b.grad()};
}

TEST(ScalarOps, AddSubMulDivByHand) {
  const Binary add = run([](auto& a, auto& b) { return a + b; }, 3.0, -2.0);
  EXPECT_DOUBLE_EQ(add.value, 1.0);
  EXPECT_DOUBLE_EQ(add.da, 1.0);
  EXPECT_DOUBLE_EQ(add.db, 1.0);

  const Binary sub = run([](auto& a, auto& b) { return a - b; }, 3.0, -2.0);
  EXPECT_DOUBLE_EQ(sub.value, 5.0);
  EXPECT_DOUBLE_EQ(sub.da, 1.0);
  EXPECT_DOUBLE_EQ(sub.db, -1.0);

  const Binary mul = run([](auto& a, auto& b) { return a * b; }, 3.0, -2.0);
  EXPECT_DOUBLE_EQ(mul.value, -6.0);
  EXPECT_DOUBLE_EQ(mul.da, -2.0);
  EXPECT_DOUBLE_EQ(mul.db, 3.0);

  const Binary div = run([](auto& a, auto& b) { return a / b; }, 3.0, -2.0);
  EXPECT_DOUBLE_EQ(div.value, -1.5);
  EXPECT_DOUBLE_EQ(div.da, -0.5);   // 1/b
  EXPECT_DOUBLE_EQ(div.db, -0.75);  // -a/b^2
}

TEST(ScalarOps, PlainNumbersOnEitherSide) {
  Scalar x = 4.0;
  const Scalar y = 2.0 * x + x / 8.0 - 1.0 + 10.0 / x - (3.0 - x);  // 8 + .5 - 1 + 2.5 - (-1)
  y.backward();
  EXPECT_DOUBLE_EQ(y.data(), 11.0);
  EXPECT_DOUBLE_EQ(x.grad(), 2.0 + 1.0 / 8.0 - 10.0 / 16.0 + 1.0);
}

TEST(ScalarOps, NegAndPow) {
  Scalar x = 3.0;
  Scalar y = -pow(x, 2.0);
  y.backward();
  EXPECT_DOUBLE_EQ(y.data(), -9.0);
  EXPECT_DOUBLE_EQ(x.grad(), -6.0);
  EXPECT_EQ(y.op(), "neg");

  Scalar z = 4.0;
  Scalar r = pow(z, -0.5);
  r.backward();
  EXPECT_DOUBLE_EQ(r.data(), 0.5);
  EXPECT_DOUBLE_EQ(z.grad(), -0.5 * std::pow(4.0, -1.5));  // -1/16
  EXPECT_EQ(r.op(), "^-0.5");
}

TEST(ScalarOps, ExpLogByHand) {
  Scalar x = 2.0;
  Scalar e = exp(x);
  e.backward();
  EXPECT_DOUBLE_EQ(e.data(), std::exp(2.0));
  EXPECT_DOUBLE_EQ(x.grad(), std::exp(2.0));

  Scalar u = 0.25;
  Scalar l = log(u);
  l.backward();
  EXPECT_DOUBLE_EQ(l.data(), std::log(0.25));
  EXPECT_DOUBLE_EQ(u.grad(), 4.0);
}

TEST(ScalarOps, TanhSigmoidReluByHand) {
  Scalar x = 0.5;
  Scalar t = tanh(x);
  t.backward();
  EXPECT_DOUBLE_EQ(t.data(), std::tanh(0.5));
  EXPECT_DOUBLE_EQ(x.grad(), 1.0 - std::tanh(0.5) * std::tanh(0.5));

  Scalar s_in = 0.0;
  Scalar s = sigmoid(s_in);
  s.backward();
  EXPECT_DOUBLE_EQ(s.data(), 0.5);
  EXPECT_DOUBLE_EQ(s_in.grad(), 0.25);

  Scalar pos = 1.5, neg = -1.5, zero = 0.0;
  Scalar sum = relu(pos) + relu(neg) + relu(zero);
  sum.backward();
  EXPECT_DOUBLE_EQ(sum.data(), 1.5);
  EXPECT_DOUBLE_EQ(pos.grad(), 1.0);
  EXPECT_DOUBLE_EQ(neg.grad(), 0.0);
  EXPECT_DOUBLE_EQ(zero.grad(), 0.0);  // PyTorch's choice at the kink
}

TEST(ScalarOps, SigmoidDoesNotOverflow) {
  EXPECT_DOUBLE_EQ(sigmoid(Scalar(-800.0)).data(), 0.0);
  EXPECT_DOUBLE_EQ(sigmoid(Scalar(800.0)).data(), 1.0);
  EXPECT_NEAR(sigmoid(Scalar(-30.0)).data(), 9.3576229688393e-14, 1e-27);
  Scalar x = -800.0;
  sigmoid(x).backward();
  EXPECT_EQ(x.grad(), 0.0);
}

// Numbers follow IEEE arithmetic, as PyTorch: no exceptions, infinities and NaNs.
TEST(ScalarOps, OutOfDomainGivesInfOrNanLikePyTorch) {
  Scalar zero = 0.0;
  Scalar l0 = log(zero);
  l0.backward();
  EXPECT_EQ(l0.data(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(zero.grad(), std::numeric_limits<double>::infinity());

  Scalar minus = -1.0;
  EXPECT_TRUE(std::isnan(log(minus).data()));
  EXPECT_TRUE(std::isnan(pow(minus, 0.5).data()));
  EXPECT_EQ((Scalar(1.0) / 0.0).data(), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(relu(Scalar(std::nan(""))).data()));
}

// Every operation against central differences, at points away from any kink.
TEST(ScalarOps, GradcheckEveryOperation) {
  struct Case {
    const char* name;
    ScalarFunction f;
    std::vector<double> x;
  };
  const std::vector<Case> cases = {
      {"add", [](std::span<const Scalar> v) { return v[0] + v[1]; }, {0.3, -1.7}},
      {"sub", [](std::span<const Scalar> v) { return v[0] - v[1]; }, {0.3, -1.7}},
      {"mul", [](std::span<const Scalar> v) { return v[0] * v[1]; }, {0.3, -1.7}},
      {"div", [](std::span<const Scalar> v) { return v[0] / v[1]; }, {0.3, -1.7}},
      {"neg", [](std::span<const Scalar> v) { return -v[0]; }, {0.8}},
      {"pow 3", [](std::span<const Scalar> v) { return pow(v[0], 3.0); }, {-1.3}},
      {"pow -1.5", [](std::span<const Scalar> v) { return pow(v[0], -1.5); }, {0.7}},
      {"exp", [](std::span<const Scalar> v) { return exp(v[0]); }, {1.2}},
      {"log", [](std::span<const Scalar> v) { return log(v[0]); }, {0.4}},
      {"tanh", [](std::span<const Scalar> v) { return tanh(v[0]); }, {-0.9}},
      {"sigmoid", [](std::span<const Scalar> v) { return sigmoid(v[0]); }, {-2.2}},
      {"sigmoid+", [](std::span<const Scalar> v) { return sigmoid(v[0]); }, {1.4}},
      {"relu+", [](std::span<const Scalar> v) { return relu(v[0]); }, {0.6}},
      {"relu-", [](std::span<const Scalar> v) { return relu(v[0]); }, {-0.6}},
      {"composite",
       [](std::span<const Scalar> v) {
         return log(1.0 + exp(v[0] * v[1])) / (2.0 + tanh(v[2])) - sigmoid(v[0]) * relu(v[1]);
       },
       {0.5, 1.3, -0.4}},
  };
  for (const Case& c : cases) {
    const GradcheckResult r = gradcheck(c.f, c.x);
    EXPECT_TRUE(r.passed) << c.name << ": " << r.summary();
    EXPECT_LT(r.max_abs_error, 1e-7) << c.name << ": " << r.summary();
  }
}

}  // namespace
}  // namespace byo::scalar
