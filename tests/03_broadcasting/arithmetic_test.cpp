/// @file
/// @brief + - * / and unary minus: hand-computed values, scalars, views, broadcasting.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "byo/broadcast.h"
#include "byo/operators.h"
#include "test_util.h"

namespace byo {
namespace {

const NDArray kA = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
const NDArray kB = NDArray::from_vector({6, 5, 4, 3, 2, 1}, {2, 3});

TEST(Arithmetic, SameShape) {
  test::expect_array(kA + kB, {2, 3}, {7, 7, 7, 7, 7, 7});
  test::expect_array(kA - kB, {2, 3}, {-5, -3, -1, 1, 3, 5});
  test::expect_array(kA * kB, {2, 3}, {6, 10, 12, 12, 10, 6});
  test::expect_array(kA / kB, {2, 3}, {1.0f / 6, 2.0f / 5, 3.0f / 4, 4.0f / 3, 5.0f / 2, 6.0f});
  test::expect_array(-kA, {2, 3}, {-1, -2, -3, -4, -5, -6});
}

TEST(Arithmetic, ScalarOnTheRight) {
  test::expect_array(kA + 1.0f, {2, 3}, {2, 3, 4, 5, 6, 7});
  test::expect_array(kA - 1.0f, {2, 3}, {0, 1, 2, 3, 4, 5});
  test::expect_array(kA * 2.0f, {2, 3}, {2, 4, 6, 8, 10, 12});
  test::expect_array(kA / 2.0f, {2, 3}, {0.5f, 1, 1.5f, 2, 2.5f, 3});
}

TEST(Arithmetic, ScalarOnTheLeftKeepsTheOrder) {
  test::expect_array(1.0f + kA, {2, 3}, {2, 3, 4, 5, 6, 7});
  test::expect_array(10.0f - kA, {2, 3}, {9, 8, 7, 6, 5, 4});
  test::expect_array(2.0f * kA, {2, 3}, {2, 4, 6, 8, 10, 12});
  test::expect_array(12.0f / kA, {2, 3}, {12, 6, 4, 3, 12.0f / 5, 2});
}

TEST(Arithmetic, ZeroDimArrayActsLikeAScalar) {
  const NDArray two = NDArray::scalar(2.0f);
  test::expect_array(kA * two, {2, 3}, {2, 4, 6, 8, 10, 12});
  test::expect_array(two - kA, {2, 3}, {1, 0, -1, -2, -3, -4});
  test::expect_array(two + two, {}, {4});
}

TEST(Arithmetic, ColumnPlusRowBroadcastsBothWays) {
  const NDArray col = NDArray::from_vector({0, 10, 20}, {3, 1});
  const NDArray row = NDArray::from_vector({1, 2, 3, 4}, {1, 4});
  const std::vector<float> sum = {1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24};
  test::expect_array(col + row, {3, 4}, sum);
  test::expect_array(row + col, {3, 4}, sum);
  test::expect_array(col - row, {3, 4}, {-1, -2, -3, -4, 9, 8, 7, 6, 19, 18, 17, 16});
  test::expect_array(row * col, {3, 4}, {0, 0, 0, 0, 10, 20, 30, 40, 20, 40, 60, 80});
}

TEST(Arithmetic, MissingLeadingDimensions) {
  const NDArray row = NDArray::from_vector({1, 2, 3}, {3});
  test::expect_array(kA * row, {2, 3}, {1, 4, 9, 4, 10, 18});
  test::expect_array(row / kA, {2, 3}, {1, 1, 1, 0.25f, 0.4f, 0.5f});
}

TEST(Arithmetic, TransposedInput) {
  // kA.transpose(0, 1) is [[1, 4], [2, 5], [3, 6]] with strides [1, 3].
  const NDArray t = kA.transpose(0, 1);
  ASSERT_FALSE(t.is_contiguous());
  const NDArray c = NDArray::from_vector({10, 20, 30, 40, 50, 60}, {3, 2});
  test::expect_array(t + c, {3, 2}, {11, 24, 32, 45, 53, 66});
  test::expect_array(c - t, {3, 2}, {9, 16, 28, 35, 47, 54});
  test::expect_array(t * t, {3, 2}, {1, 16, 4, 25, 9, 36});
  test::expect_array(-t, {3, 2}, {-1, -4, -2, -5, -3, -6});
  test::expect_array(t * 2.0f, {3, 2}, {2, 8, 4, 10, 6, 12});
}

TEST(Arithmetic, SlicedInputs) {
  const NDArray m = NDArray::arange(0, 20).reshape({4, 5});
  const NDArray every_other_row = m.slice(0, 0, 4, 2);  // rows 0, 2: [2, 5]
  const NDArray middle_cols = m.slice(1, 1, 4);         // [4, 3]
  const NDArray col = m.slice(1, 4, 5);                 // [4, 1], stride 5
  test::expect_array(every_other_row + 1.0f, {2, 5}, {1, 2, 3, 4, 5, 11, 12, 13, 14, 15});
  test::expect_array(middle_cols - col, {4, 3}, {-3, -2, -1, -3, -2, -1, -3, -2, -1, -3, -2, -1});
  // A sliced row broadcast against a transposed view.
  const NDArray row = m.select(0, 1).slice(0, 0, 4);                  // [5, 6, 7, 8]
  const NDArray t = m.slice(0, 0, 4).slice(1, 0, 4).transpose(0, 1);  // [4, 4]: t[i][j] = m[j][i]
  test::expect_array(t * row, {4, 4},
                     {0, 30, 70, 120, 5, 36, 77, 128, 10, 42, 84, 136, 15, 48, 91, 144});
}

TEST(Arithmetic, ResultIsANewContiguousArray) {
  const NDArray t = kA.transpose(0, 1);
  const NDArray r = t + 0.0f;
  EXPECT_TRUE(r.is_contiguous());
  EXPECT_NE(r.storage(), kA.storage());
  test::expect_array(r, {3, 2}, {1, 4, 2, 5, 3, 6});
}

TEST(Arithmetic, DivisionFollowsIeee) {
  const NDArray num = NDArray::from_vector({1, -1, 0}, {3});
  const NDArray q = num / 0.0f;
  EXPECT_EQ(q.to_vector()[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(q.to_vector()[1], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(q.to_vector()[2]));
}

TEST(Arithmetic, SizeZeroBroadcasts) {
  const NDArray empty = NDArray::zeros({0, 3});
  const NDArray r = empty + NDArray::ones({1, 3});
  EXPECT_EQ(r.shape(), (Shape{0, 3}));
  EXPECT_EQ(r.numel(), 0);
}

TEST(Arithmetic, MismatchNamesTheOperationAndBothShapes) {
  const NDArray a = NDArray::zeros({2, 3});
  const NDArray b = NDArray::zeros({2, 4});
  const std::string msg = test::error_message([&] { (void)(a * b); });
  EXPECT_EQ(msg.rfind("mul:", 0), 0u) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 4]"), std::string::npos) << msg;
  EXPECT_THROW((void)(a + b), Error);
  EXPECT_THROW((void)(a - b), Error);
  EXPECT_THROW((void)(a / b), Error);
  EXPECT_THROW((void)(NDArray() + a), Error);
  EXPECT_THROW((void)(-NDArray()), Error);
}

TEST(InPlace, ContiguousUpdateWritesThroughEveryView) {
  NDArray a = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  const NDArray alias = a.reshape({6});  // a view of the same storage
  const float* before = a.data();
  a += NDArray::from_vector({10, 20, 30}, {3});
  EXPECT_EQ(a.data(), before);  // no new storage
  test::expect_array(alias, {6}, {11, 22, 33, 14, 25, 36});
  a -= 1.0f;
  a *= NDArray::from_vector({2, 0}, {2, 1});
  test::expect_array(a, {2, 3}, {20, 42, 64, 0, 0, 0});
  a /= 2.0f;
  test::expect_array(alias, {6}, {10, 21, 32, 0, 0, 0});
}

TEST(InPlace, StridedTargetAndSelfAliasing) {
  NDArray m = NDArray::arange(0, 6).reshape({2, 3});
  NDArray t = m.transpose(0, 1);  // [3, 2], not contiguous
  t += NDArray::from_vector({100, 200}, {2});
  test::expect_array(m, {2, 3}, {100, 101, 102, 203, 204, 205});
  // The right-hand side reads the storage being written: computed as if out of place.
  NDArray sq = NDArray::arange(0, 4).reshape({2, 2});
  NDArray sq_t = sq.transpose(0, 1);
  sq += sq_t;
  test::expect_array(sq, {2, 2}, {0, 3, 3, 6});
  NDArray s = NDArray::from_vector({1, 2}, {2});
  s *= s;
  test::expect_array(s, {2}, {1, 4});
}

TEST(InPlace, Errors) {
  NDArray a = NDArray::zeros({2, 3});
  // The shape of an in-place target never changes, so b must broadcast to it.
  const std::string msg = test::error_message([&] { a += NDArray::zeros({4, 2, 3}); });
  EXPECT_NE(msg.find("[4, 2, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  // A broadcast view has one storage slot for many elements: refuse to write into it.
  NDArray v = broadcast_to(NDArray::zeros({3}), {2, 3});
  EXPECT_THROW(v += 1.0f, Error);
  EXPECT_THROW(v *= NDArray::ones({2, 3}), Error);
}

}  // namespace
}  // namespace byo
