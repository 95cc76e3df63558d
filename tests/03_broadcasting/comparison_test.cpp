/// @file
/// @brief == != < <= > >=: 0/1 float masks, broadcasting, scalars on either side, NaN.
#include <gtest/gtest.h>

#include <limits>

#include "byo/operators.h"
#include "test_util.h"

namespace byo {
namespace {

const NDArray kX = NDArray::from_vector({1, 2, 3}, {3});
const NDArray kY = NDArray::from_vector({3, 2, 1}, {3});

TEST(Comparison, ArrayWithArray) {
  test::expect_array(kX == kY, {3}, {0, 1, 0});
  test::expect_array(kX != kY, {3}, {1, 0, 1});
  test::expect_array(kX < kY, {3}, {1, 0, 0});
  test::expect_array(kX <= kY, {3}, {1, 1, 0});
  test::expect_array(kX > kY, {3}, {0, 0, 1});
  test::expect_array(kX >= kY, {3}, {0, 1, 1});
}

TEST(Comparison, ScalarOnEitherSide) {
  test::expect_array(kX == 2.0f, {3}, {0, 1, 0});
  test::expect_array(kX != 2.0f, {3}, {1, 0, 1});
  test::expect_array(kX < 2.0f, {3}, {1, 0, 0});
  test::expect_array(kX <= 2.0f, {3}, {1, 1, 0});
  test::expect_array(kX > 2.0f, {3}, {0, 0, 1});
  test::expect_array(kX >= 2.0f, {3}, {0, 1, 1});
  // s < x is x > s: the scalar's side matters.
  test::expect_array(2.0f == kX, {3}, {0, 1, 0});
  test::expect_array(2.0f != kX, {3}, {1, 0, 1});
  test::expect_array(2.0f < kX, {3}, {0, 0, 1});
  test::expect_array(2.0f <= kX, {3}, {0, 1, 1});
  test::expect_array(2.0f > kX, {3}, {1, 0, 0});
  test::expect_array(2.0f >= kX, {3}, {1, 1, 0});
}

TEST(Comparison, BroadcastsColumnAgainstRow) {
  const NDArray col = NDArray::from_vector({1, 2, 3}, {3, 1});
  const NDArray row = NDArray::from_vector({1, 2, 3}, {1, 3});
  test::expect_array(col < row, {3, 3}, {0, 1, 1, 0, 0, 1, 0, 0, 0});   // strictly upper
  test::expect_array(col == row, {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});  // identity
  test::expect_array(row >= col, {3, 3}, {1, 1, 1, 0, 1, 1, 0, 0, 1});
}

TEST(Comparison, NonContiguousInput) {
  const NDArray m = NDArray::from_vector({1, 5, 2, 6, 3, 7}, {3, 2});
  const NDArray t = m.transpose(0, 1);  // [[1, 2, 3], [5, 6, 7]]
  test::expect_array(t > 2.5f, {2, 3}, {0, 0, 1, 1, 1, 1});
  test::expect_array(t.slice(1, 1, 3) <= kX.slice(0, 1, 3), {2, 2}, {1, 1, 0, 0});
}

TEST(Comparison, NanComparesUnequalToEverything) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const NDArray n = NDArray::from_vector({nan, 1}, {2});
  test::expect_array(n == n, {2}, {0, 1});
  test::expect_array(n != n, {2}, {1, 0});
  test::expect_array(n < 2.0f, {2}, {0, 1});
  test::expect_array(n >= 1.0f, {2}, {0, 1});
}

TEST(Comparison, MaskSelectsByMultiplication) {
  // The 0/1 masks are floats, so they combine with arithmetic: relu as x * (x > 0).
  const NDArray x = NDArray::from_vector({-2, -1, 0, 1, 2}, {5});
  test::expect_array(x * (x > 0.0f), {5}, {-0.0f, -0.0f, 0, 1, 2});
}

TEST(Comparison, MismatchNamesTheOperation) {
  const std::string msg = test::error_message([] { (void)(kX < NDArray::zeros({2})); });
  EXPECT_EQ(msg.rfind("lt:", 0), 0u) << msg;
  EXPECT_NE(msg.find("[3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2]"), std::string::npos) << msg;
}

}  // namespace
}  // namespace byo
