// gradcheck: it must pass right gradients and catch wrong ones.
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "byo/check.h"
#include "byo/scalar_gradcheck.h"

namespace byo::scalar {
namespace {

// x^2 with a backward that forgets the factor 2.
Scalar bad_square(const Scalar& x) {
  return Scalar::make(x.data() * x.data(), {x}, "bad_square",
                      [](const Node& out) { out.input(0).grad += out.input(0).data * out.grad; });
}

// x * y whose backward assigns instead of accumulating: wrong only when x is shared.
Scalar assigning_mul(const Scalar& x, const Scalar& y) {
  return Scalar::make(x.data() * y.data(), {x, y}, "assigning_mul", [](const Node& out) {
    out.input(0).grad = out.input(1).data * out.grad;
    out.input(1).grad = out.input(0).data * out.grad;
  });
}

TEST(Gradcheck, NumericalGradientOfKnownFunction) {
  const std::vector<double> x{1.0, -2.0};
  const std::vector<double> g =
      numerical_gradient([](std::span<const double> v) { return v[0] * v[0] * v[1]; }, x);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_NEAR(g[0], -4.0, 1e-8);  // 2 x y
  EXPECT_NEAR(g[1], 1.0, 1e-8);   // x^2
}

TEST(Gradcheck, PassesACorrectGradient) {
  const GradcheckResult r =
      gradcheck([](std::span<const Scalar> v) { return v[0] * exp(v[1]) / (1.0 + v[0] * v[0]); },
                std::vector<double>{0.5, -1.2});
  EXPECT_TRUE(r.passed) << r.summary();
  ASSERT_EQ(r.analytic.size(), 2u);
  ASSERT_EQ(r.numeric.size(), 2u);
  EXPECT_LT(r.max_abs_error, 1e-9);
  // d/dy of x e^y / (1 + x^2) is the function itself.
  EXPECT_DOUBLE_EQ(r.analytic[1], 0.5 * std::exp(-1.2) / 1.25);
}

TEST(Gradcheck, CatchesAWrongGradient) {
  const GradcheckResult r = gradcheck([](std::span<const Scalar> v) { return bad_square(v[0]); },
                                      std::vector<double>{3.0});
  EXPECT_FALSE(r.passed);
  EXPECT_NEAR(r.analytic[0], 3.0, 1e-12);
  EXPECT_NEAR(r.numeric[0], 6.0, 1e-6);
  EXPECT_NEAR(r.max_abs_error, 3.0, 1e-6);
  EXPECT_NEAR(r.max_rel_error, 0.5, 1e-6);
  EXPECT_NE(r.summary().find("analytic 3,"), std::string::npos) << r.summary();
}

TEST(Gradcheck, CatchesAssignmentInsteadOfAccumulation) {
  const auto f = [](std::span<const Scalar> v) { return assigning_mul(v[0], v[1]) + v[0]; };
  const GradcheckResult r = gradcheck(f, std::vector<double>{2.0, 5.0});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.worst_index, 0u);  // x's "+ v[0]" share was overwritten
}

TEST(Gradcheck, ReportsTheWorstInput) {
  const GradcheckResult r =
      compare_gradients(std::vector<double>{1.0, 2.0, 3.0}, std::vector<double>{1.0, 2.5, 3.1});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.worst_index, 1u);
  EXPECT_DOUBLE_EQ(r.max_abs_error, 0.5);
  EXPECT_DOUBLE_EQ(r.max_rel_error, 0.2);
}

TEST(Gradcheck, ToleranceIsAtolPlusRtolTimesNumeric) {
  GradcheckOptions options;
  options.atol = 1e-5;
  options.rtol = 1e-3;
  EXPECT_TRUE(compare_gradients(std::vector<double>{1000.5}, std::vector<double>{1000.0},
                                options)
                  .passed);  // 0.5 <= 1e-5 + 1
  EXPECT_FALSE(
      compare_gradients(std::vector<double>{1002.0}, std::vector<double>{1000.0}, options).passed);
}

TEST(Gradcheck, NonFiniteGradientsFail) {
  const double inf = std::numeric_limits<double>::infinity();
  const GradcheckResult r = compare_gradients(std::vector<double>{inf}, std::vector<double>{inf});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.max_abs_error, inf);
  const GradcheckResult nan =
      compare_gradients(std::vector<double>{std::nan("")}, std::vector<double>{1.0});
  EXPECT_FALSE(nan.passed);
}

TEST(Gradcheck, BadArguments) {
  EXPECT_THROW(compare_gradients(std::vector<double>{1.0}, std::vector<double>{1.0, 2.0}), Error);
  EXPECT_THROW(
      gradcheck([](std::span<const Scalar>) { return Scalar(1.0); }, std::vector<double>{}), Error);
  EXPECT_THROW(numerical_gradient([](std::span<const double>) { return 0.0; },
                                  std::vector<double>{1.0}, 0.0),
               Error);
}

}  // namespace
}  // namespace byo::scalar
