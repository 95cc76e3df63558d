/// @file
/// @brief sum_to: the reduction that undoes a broadcast, and its adjointness to broadcast_to.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/broadcast.h"
#include "test_util.h"

namespace byo {
namespace {

// a[i][j][k] = 12i + 4j + k; the sums below are worked out by hand from that formula.
NDArray counting() { return NDArray::arange(0, 24).reshape({2, 3, 4}); }

TEST(SumTo, KeepsTheMiddleDimension) {
  // Sums over i (a leading dimension [3, 1] lacks) and k (stretched from 1):
  // sum_i sum_k (12i + 4j + k) = 60 + 32j.
  test::expect_array(sum_to(counting(), {3, 1}), {3, 1}, {60, 92, 124});
}

TEST(SumTo, ToOneElement) {
  test::expect_array(sum_to(counting(), {1}), {1}, {276});
  test::expect_array(sum_to(counting(), {1, 1, 1}), {1, 1, 1}, {276});
  test::expect_array(sum_to(counting(), {}), {}, {276});  // 0-d
}

TEST(SumTo, OtherPatterns) {
  // Over j only: sum_j (12i + 4j + k) = 36i + 3k + 12.
  test::expect_array(sum_to(counting(), {2, 1, 4}), {2, 1, 4}, {12, 15, 18, 21, 48, 51, 54, 57});
  // Over i and j: 60 + 6k, with or without the leading size-1 dimensions.
  test::expect_array(sum_to(counting(), {4}), {4}, {60, 66, 72, 78});
  test::expect_array(sum_to(counting(), {1, 1, 4}), {1, 1, 4}, {60, 66, 72, 78});
  // Over i only.
  test::expect_array(sum_to(counting(), {3, 4}), {3, 4},
                     {12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34});
}

TEST(SumTo, IdentityReturnsTheSameView) {
  const NDArray a = counting();
  const NDArray same = sum_to(a, {2, 3, 4});
  EXPECT_EQ(same.storage(), a.storage());
  EXPECT_EQ(same.strides(), a.strides());
  test::expect_array(same, {2, 3, 4}, a.to_vector());
  // Size-1 dimensions of the input that stay size 1 need no sum either.
  const NDArray b = NDArray::ones({1, 3});
  EXPECT_EQ(sum_to(b, {1, 3}).storage(), b.storage());
}

TEST(SumTo, DropsLeadingSizeOneDimensions) {
  // [1, 3] to [3]: a leading dimension of size 1 is summed (trivially) and dropped.
  test::expect_array(sum_to(NDArray::from_vector({1, 2, 3}, {1, 3}), {3}), {3}, {1, 2, 3});
}

TEST(SumTo, NonContiguousInput) {
  // counting().transpose(0, 2) is [4, 3, 2] with t[k][j][i] = 12i + 4j + k.
  const NDArray t = counting().transpose(0, 2);
  ASSERT_FALSE(t.is_contiguous());
  test::expect_array(sum_to(t, {4, 1, 1}), {4, 1, 1}, {60, 66, 72, 78});
  test::expect_array(sum_to(t, {2}), {2}, {66, 210});  // sum over j, k of 12i + 4j + k
}

TEST(SumTo, SizeZeroSumsToZeros) {
  test::expect_array(sum_to(NDArray::zeros({0, 3}), {1, 3}), {1, 3}, {0, 0, 0});
  test::expect_array(sum_to(NDArray::zeros({0, 3}), {3}), {3}, {0, 0, 0});
}

TEST(SumTo, UndoesBroadcastUpToTheCopyCount) {
  Generator gen(3);
  const NDArray x = NDArray::randn({3, 1, 5}, gen);
  const NDArray big = broadcast_to(x, {2, 3, 4, 5});  // every element copied 2*4 = 8 times
  const NDArray back = sum_to(big, x.shape());
  ASSERT_EQ(back.shape(), x.shape());
  const std::vector<float> xs = x.to_vector();
  const std::vector<float> bs = back.to_vector();
  for (size_t i = 0; i < xs.size(); ++i) EXPECT_NEAR(bs[i], 8.0f * xs[i], 1e-5f);
}

// <u, v> in double.
double dot(const NDArray& u, const NDArray& v) {
  const std::vector<float> a = u.to_vector();
  const std::vector<float> b = v.to_vector();
  EXPECT_EQ(a.size(), b.size());
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

TEST(SumTo, IsTheAdjointOfBroadcastTo) {
  // The defining identity of an adjoint: <B x, y> == <x, B^T y> for every x and y,
  // with B = broadcast_to(., big) and B^T = sum_to(., small).
  struct Case {
    Shape small;
    Shape big;
  };
  const std::vector<Case> cases = {
      {{3, 1}, {2, 3, 4}}, {{1}, {2, 3, 4}},       {{}, {5, 2}},     {{4}, {3, 4}},
      {{1, 5}, {6, 5}},    {{2, 1, 3}, {2, 7, 3}}, {{2, 3}, {2, 3}}, {{1, 16, 1, 1}, {8, 16, 5, 5}},
  };
  Generator gen(42);
  for (const Case& c : cases) {
    SCOPED_TRACE(shape_str(c.small) + " -> " + shape_str(c.big));
    const NDArray x = NDArray::randn(c.small, gen);
    const NDArray y = NDArray::randn(c.big, gen);
    const double lhs = dot(broadcast_to(x, c.big), y);
    const double rhs = dot(x, sum_to(y, c.small));
    EXPECT_NEAR(lhs, rhs, 1e-4 * (1.0 + std::abs(lhs)));
  }
}

TEST(SumTo, ErrorsNameBothShapes) {
  const std::string msg = test::error_message([] { sum_to(counting(), {3}); });
  EXPECT_EQ(msg.rfind("sum_to:", 0), 0u) << msg;
  EXPECT_NE(msg.find("[3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3, 4]"), std::string::npos) << msg;
  EXPECT_THROW(sum_to(counting(), {1, 2, 3, 4}), Error);  // more dimensions than the array
  EXPECT_THROW(sum_to(counting(), {2, 3, 5}), Error);
  EXPECT_THROW(sum_to(NDArray(), {1}), Error);
}

}  // namespace
}  // namespace byo
