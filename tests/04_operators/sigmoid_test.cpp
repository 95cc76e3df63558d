// The forward value of sigmoid over its whole float range, against 1 / (1 + e^-x) in
// double: it must stay right where σ is tiny (below x ≈ -87.3 it is a denormal float,
// below x ≈ -104 it rounds to 0). Chapter 7 holds its fast kernel to the same bounds
// (tests/07_im2col/fast_kernels_test.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "byo/ops.h"

namespace byo {
namespace {

double sigmoid_in_double(float x) { return 1.0 / (1.0 + std::exp(-static_cast<double>(x))); }

// Every y[i] within a few float roundings of the double value: a relative 1e-6 (8 ulp),
// and one step of the denormal grid (2^-149), the most a denormal result can be off by.
void expect_sigmoid_of(const std::vector<float>& xs) {
  const std::vector<float> ys =
      sigmoid(from_vector(xs, {static_cast<int64_t>(xs.size())})).data().to_vector();
  ASSERT_EQ(ys.size(), xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    const double want = sigmoid_in_double(xs[i]);
    EXPECT_NEAR(ys[i], want, 1e-6 * want + std::numeric_limits<float>::denorm_min())
        << "sigmoid(" << xs[i] << ")";
  }
}

const std::vector<float> kPoints = {-100.0f, -88.0f, -87.0f, -50.0f, 0.0f, 50.0f, 100.0f};

// Seven values: shorter than one SIMD vector of chapter 7's kernel.
TEST(SigmoidValues, NamedPointsOneByOne) { expect_sigmoid_of(kPoints); }

// The same points eight times over: whole vectors for chapter 7's kernel.
TEST(SigmoidValues, NamedPointsEightWide) {
  std::vector<float> xs;
  for (float x : kPoints) xs.insert(xs.end(), 8, x);
  expect_sigmoid_of(xs);
}

// A clamp at -87 once gave 1.6e-38 for every x below it; the truth at -100 is 3.7e-44.
TEST(SigmoidValues, TinyValuesBelowMinus87) {
  const std::vector<float> ys = sigmoid(from_vector(kPoints, {7})).data().to_vector();
  EXPECT_LT(ys[0], 1e-43f);  // -100: a denormal, not 1.6e-38
  EXPECT_GT(ys[0], 3e-44f);
  EXPECT_LT(ys[1], std::numeric_limits<float>::min());  // -88: denormal too
  EXPECT_GT(ys[1], 6e-39f);
  std::vector<float> xs;
  for (float x = -200.0f; x <= -80.0f; x += 0.25f) xs.push_back(x);
  expect_sigmoid_of(xs);
}

TEST(SigmoidValues, AcrossTheMiddle) {
  std::vector<float> xs;
  for (float x = -80.0f; x <= 80.0f; x += 0.125f) xs.push_back(x);
  expect_sigmoid_of(xs);
}

TEST(SigmoidValues, InfinitiesNanAndNegativeZero) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> ys =
      sigmoid(from_vector({-inf, inf, -0.0f, std::nanf("")}, {4})).data().to_vector();
  EXPECT_EQ(ys[0], 0.0f);
  EXPECT_EQ(ys[1], 1.0f);
  EXPECT_EQ(ys[2], 0.5f);
  EXPECT_TRUE(std::isnan(ys[3]));
}

}  // namespace
}  // namespace byo
