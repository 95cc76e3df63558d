/// @file
/// @brief broadcast_to and expand: stride-0 views that share storage.
#include <gtest/gtest.h>

#include "byo/broadcast.h"
#include "test_util.h"

namespace byo {
namespace {

TEST(BroadcastTo, ColumnBecomesMatrixWithStrideZero) {
  const NDArray col = NDArray::from_vector({1, 2, 3}, {3, 1});
  const NDArray v = broadcast_to(col, {3, 4});
  EXPECT_EQ(v.strides(), (Strides{1, 0}));
  test::expect_array(v, {3, 4}, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
}

TEST(BroadcastTo, NewLeadingDimensionsHaveStrideZero) {
  const NDArray row = NDArray::from_vector({1, 2}, {2});
  const NDArray v = broadcast_to(row, {3, 2, 2});
  EXPECT_EQ(v.strides(), (Strides{0, 0, 1}));
  test::expect_array(v, {3, 2, 2}, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2});
}

TEST(BroadcastTo, SharesStorageWithTheBase) {
  const NDArray base = NDArray::from_vector({1, 2, 3}, {3, 1});
  const NDArray v = broadcast_to(base, {2, 3, 5});
  EXPECT_EQ(v.storage(), base.storage());
  EXPECT_EQ(v.data(), base.data());
  EXPECT_EQ(v.storage()->size(), 3);  // 30 elements in the view, 3 floats of storage
  // Write through the base, read through the view: every copy of that element changed.
  base.at({1, 0}) = 42.0f;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t k = 0; k < 5; ++k) EXPECT_EQ(v.at({i, 1, k}), 42.0f);
  }
  EXPECT_EQ(v.at({1, 0, 4}), 1.0f);
}

TEST(BroadcastTo, ViewOfAViewKeepsOffsetAndStrides) {
  // Column 1 of a [3, 4] matrix: offset 1, stride 4; broadcast it along a new last dim.
  const NDArray m = NDArray::arange(0, 12).reshape({3, 4});
  const NDArray col = m.slice(1, 1, 2);  // [3, 1]
  const NDArray v = broadcast_to(col, {3, 2});
  EXPECT_EQ(v.offset(), 1);
  EXPECT_EQ(v.strides(), (Strides{4, 0}));
  test::expect_array(v, {3, 2}, {1, 1, 5, 5, 9, 9});
}

TEST(BroadcastTo, ZeroDimAndSizeZero) {
  const NDArray s = NDArray::scalar(7.0f);
  test::expect_array(broadcast_to(s, {2, 2}), {2, 2}, {7, 7, 7, 7});
  test::expect_array(broadcast_to(s, {}), {}, {7});
  const NDArray one = NDArray::from_vector({5}, {1});
  const NDArray empty = broadcast_to(one, {0});
  EXPECT_EQ(empty.shape(), (Shape{0}));
  EXPECT_EQ(empty.numel(), 0);
}

TEST(BroadcastTo, ErrorsNameBothShapesAndTheDimension) {
  const NDArray a = NDArray::zeros({3, 2});
  const std::string msg = test::error_message([&] { broadcast_to(a, {3, 4}); });
  EXPECT_NE(msg.find("broadcast_to"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[3, 2]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[3, 4]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dimension 1"), std::string::npos) << msg;
  EXPECT_THROW(broadcast_to(a, {2}), Error);          // fewer dimensions
  EXPECT_THROW(broadcast_to(a, {3, -1}), Error);      // -1 is expand's, not broadcast_to's
  EXPECT_THROW(broadcast_to(NDArray(), {1}), Error);  // undefined array
}

TEST(Expand, MinusOneKeepsTheSize) {
  const NDArray a = NDArray::from_vector({1, 2, 3}, {3, 1});
  const NDArray v = expand(a, {2, -1, 4});
  EXPECT_EQ(v.shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(v.strides(), (Strides{0, 1, 0}));
  EXPECT_EQ(v.storage(), a.storage());
  EXPECT_EQ(v.at({1, 2, 3}), 3.0f);
}

TEST(Expand, ErrorsAsTorch) {
  const NDArray a = NDArray::zeros({3, 1});
  // -1 for a new leading dimension has no size to keep.
  const std::string msg = test::error_message([&] { expand(a, {-1, 3, 4}); });
  EXPECT_NE(msg.find("expand"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[-1, 3, 4]"), std::string::npos) << msg;
  EXPECT_THROW(expand(a, {4, 4}), Error);  // 3 cannot become 4
  EXPECT_THROW(expand(a, {4}), Error);     // fewer dimensions
}

}  // namespace
}  // namespace byo
