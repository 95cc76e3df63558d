/// @file
/// @brief Views: the strides and offset of every view, and that they share storage.
#include <gtest/gtest.h>

#include "byo/ndarray.h"

namespace byo {
namespace {

using Values = std::vector<float>;

// 0, 1, 2, ... in the given shape.
NDArray iota(const Shape& shape) {
  return NDArray::arange(0, static_cast<float>(numel(shape))).reshape(shape);
}

void expect_layout(const NDArray& a, const Shape& shape, const Strides& strides, int64_t offset) {
  EXPECT_EQ(a.shape(), shape);
  EXPECT_EQ(a.strides(), strides);
  EXPECT_EQ(a.offset(), offset);
}

TEST(Reshape, ContiguousIsAView) {
  const NDArray a = iota({2, 3, 4});
  const NDArray r = a.reshape({4, -1});
  expect_layout(r, {4, 6}, {6, 1}, 0);
  EXPECT_EQ(r.storage(), a.storage());
  r.at({3, 5}) = -1.0f;               // write through the view ...
  EXPECT_EQ(a.at({1, 2, 3}), -1.0f);  // ... read through the base
}

TEST(Reshape, NonContiguousCopies) {
  const NDArray t = iota({3, 4}).transpose(0, 1);  // (4, 3), strides (1, 4)
  const NDArray r = t.reshape({12});
  EXPECT_NE(r.storage(), t.storage());
  EXPECT_EQ(r.to_vector(), (Values{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
}

TEST(Reshape, StrideCompatibleIsStillAView) {
  const NDArray t = iota({3, 4}).transpose(0, 1);  // (4, 3), strides (1, 4)
  const NDArray r = t.reshape({2, 2, 3});
  EXPECT_EQ(r.storage(), t.storage());
  expect_layout(r, {2, 2, 3}, {2, 1, 4}, 0);
  EXPECT_EQ(r.to_vector(), t.to_vector());
}

TEST(View, ThrowsInsteadOfCopying) {
  const NDArray t = iota({3, 4}).transpose(0, 1);
  EXPECT_THROW(t.view({12}), Error);
  EXPECT_NO_THROW(t.contiguous().view({12}));
  const NDArray b = iota({6});
  EXPECT_EQ(b.view({2, 3}).storage(), b.storage());
}

TEST(View, ZeroDimAndSizeZero) {
  const NDArray s = NDArray::scalar(4.0f);
  expect_layout(s.view({1, 1}), {1, 1}, {1, 1}, 0);
  expect_layout(s.reshape({-1}), {1}, {1}, 0);
  expect_layout(NDArray::ones({1}).view({}), {}, {}, 0);
  const NDArray e = NDArray::zeros({2, 0, 3});
  expect_layout(e.view({0, 6}), {0, 6}, {6, 1}, 0);
  EXPECT_EQ(e.reshape({3, -1, 2}).shape(), (Shape{3, 0, 2}));
}

TEST(Permute, FourDimensions) {
  const NDArray a = iota({2, 3, 4, 5});       // strides (60, 20, 5, 1)
  const NDArray p = a.permute({0, 2, 3, 1});  // NCHW -> NHWC
  expect_layout(p, {2, 4, 5, 3}, {60, 5, 1, 20}, 0);
  EXPECT_FALSE(p.is_contiguous());
  EXPECT_EQ(p.storage(), a.storage());
  EXPECT_EQ(p.at({1, 2, 3, 1}), a.at({1, 1, 2, 3}));
  EXPECT_EQ(p.at({1, 2, 3, 1}), 60 + 20 + 10 + 3);
  const NDArray back = p.permute({0, 3, 1, 2});
  expect_layout(back, {2, 3, 4, 5}, {60, 20, 5, 1}, 0);
  EXPECT_TRUE(back.is_contiguous());
  expect_layout(a.permute({-1, -2, -3, -4}), {5, 4, 3, 2}, {1, 5, 20, 60}, 0);
}

TEST(Permute, ContiguousCopyHasTheNewOrder) {
  const NDArray p = iota({2, 3, 4}).permute({2, 0, 1}).contiguous();
  EXPECT_EQ(p.shape(), (Shape{4, 2, 3}));
  EXPECT_EQ(p.strides(), (Strides{6, 3, 1}));
  // p[k, i, j] = a[i, j, k] = 12i + 4j + k
  EXPECT_EQ(p.to_vector(), (Values{0, 4, 8,  12, 16, 20, 1, 5, 9,  13, 17, 21,
                                   2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23}));
}

TEST(Transpose, ThenContiguous) {
  const NDArray a = iota({2, 3});
  const NDArray t = a.transpose(0, 1);
  expect_layout(t, {3, 2}, {1, 3}, 0);
  EXPECT_EQ(t.to_vector(), (Values{0, 3, 1, 4, 2, 5}));
  const NDArray c = t.contiguous();
  expect_layout(c, {3, 2}, {2, 1}, 0);
  EXPECT_EQ(c.to_vector(), (Values{0, 3, 1, 4, 2, 5}));
  t.at({2, 1}) = 50.0f;
  EXPECT_EQ(a.at({1, 2}), 50.0f);
  EXPECT_EQ(c.at({2, 1}), 5.0f);  // the copy is separate
  expect_layout(iota({2, 3, 4}).transpose(-1, 0), {4, 3, 2}, {1, 4, 12}, 0);
  expect_layout(a.transpose(1, 1), {2, 3}, {3, 1}, 0);
}

TEST(Slice, StartStopStep) {
  const NDArray a = iota({10});
  const NDArray s = a.slice(0, 2, 9, 3);  // 2, 5, 8
  expect_layout(s, {3}, {3}, 2);
  EXPECT_EQ(s.to_vector(), (Values{2, 5, 8}));
  EXPECT_EQ(a.slice(0, 2, 8, 3).to_vector(), (Values{2, 5}));
  s.at({1}) = -5.0f;
  EXPECT_EQ(a.at({5}), -5.0f);
}

TEST(Slice, NegativeAndClampedBounds) {
  const NDArray a = iota({10});
  EXPECT_EQ(a.slice(0, -3, 10).to_vector(), (Values{7, 8, 9}));
  EXPECT_EQ(a.slice(0, 0, -7).to_vector(), (Values{0, 1, 2}));
  EXPECT_EQ(a.slice(0, -100, 2).to_vector(), (Values{0, 1}));
  EXPECT_EQ(a.slice(0, 8, 100).to_vector(), (Values{8, 9}));
  EXPECT_EQ(a.slice(0, -2, -1).to_vector(), (Values{8}));
  EXPECT_EQ(a.slice(0, 6, 3).numel(), 0);  // stop before start: empty, not an error
  EXPECT_EQ(a.slice(0, 10, 20).numel(), 0);
  EXPECT_THROW(a.slice(0, 0, 5, 0), Error);
  EXPECT_THROW(a.slice(0, 0, 5, -1), Error);
}

TEST(Slice, InnerDimensionOf2D) {
  const NDArray a = iota({3, 4});
  const NDArray s = a.slice(1, 1, 4, 2);  // columns 1 and 3
  expect_layout(s, {3, 2}, {4, 2}, 1);
  EXPECT_EQ(s.to_vector(), (Values{1, 3, 5, 7, 9, 11}));
  const NDArray rows = a.slice(-2, 1, 3);
  expect_layout(rows, {2, 4}, {4, 1}, 4);
  EXPECT_TRUE(rows.is_contiguous());
  // A slice of a slice composes offsets and strides.
  const NDArray ss = a.slice(0, 1, 3).slice(1, 1, 4, 2);
  expect_layout(ss, {2, 2}, {4, 2}, 5);
  EXPECT_EQ(ss.to_vector(), (Values{5, 7, 9, 11}));
}

TEST(Select, RemovesTheDimension) {
  const NDArray a = iota({2, 3, 4});
  expect_layout(a.select(0, 1), {3, 4}, {4, 1}, 12);
  expect_layout(a.select(1, 2), {2, 4}, {12, 1}, 8);
  expect_layout(a.select(2, -1), {2, 3}, {12, 4}, 3);
  expect_layout(iota({3}).select(0, 2), {}, {}, 2);
  EXPECT_EQ(iota({3}).select(0, 2).item(), 2.0f);
  EXPECT_THROW(a.select(1, 3), Error);
}

TEST(Squeeze, AllAndOne) {
  const NDArray a = iota({1, 3, 1, 2});
  expect_layout(a.squeeze(), {3, 2}, {2, 1}, 0);
  expect_layout(a.squeeze(0), {3, 1, 2}, {2, 2, 1}, 0);
  expect_layout(a.squeeze(-2), {1, 3, 2}, {6, 2, 1}, 0);
  expect_layout(a.squeeze(1), {1, 3, 1, 2}, {6, 2, 2, 1}, 0);  // size 3: unchanged
  expect_layout(NDArray::ones({1, 1}).squeeze(), {}, {}, 0);
  expect_layout(NDArray::scalar(1).squeeze(), {}, {}, 0);
  expect_layout(NDArray::zeros({1, 0}).squeeze(), {0}, {1}, 0);
  EXPECT_THROW(a.squeeze(4), Error);
}

TEST(Unsqueeze, EveryPosition) {
  const NDArray a = iota({2, 3});
  expect_layout(a.unsqueeze(0), {1, 2, 3}, {6, 3, 1}, 0);
  expect_layout(a.unsqueeze(1), {2, 1, 3}, {3, 3, 1}, 0);
  expect_layout(a.unsqueeze(2), {2, 3, 1}, {3, 1, 1}, 0);
  expect_layout(a.unsqueeze(-1), {2, 3, 1}, {3, 1, 1}, 0);
  expect_layout(a.unsqueeze(-3), {1, 2, 3}, {6, 3, 1}, 0);
  EXPECT_TRUE(a.unsqueeze(1).is_contiguous());
  expect_layout(NDArray::scalar(1).unsqueeze(0), {1}, {1}, 0);
  EXPECT_THROW(a.unsqueeze(3), Error);
  EXPECT_THROW(a.unsqueeze(-4), Error);
  expect_layout(a.unsqueeze(0).squeeze(0), {2, 3}, {3, 1}, 0);
}

TEST(Flatten, ViewWhenContiguous) {
  const NDArray a = iota({2, 3, 4});
  const NDArray f = a.flatten(1);
  expect_layout(f, {2, 12}, {12, 1}, 0);
  EXPECT_EQ(f.storage(), a.storage());
  expect_layout(a.flatten(), {24}, {1}, 0);
  expect_layout(a.flatten(0, 1), {6, 4}, {4, 1}, 0);
  expect_layout(NDArray::scalar(2).flatten(), {1}, {1}, 0);
  const NDArray t = a.transpose(1, 2).flatten(1);
  EXPECT_NE(t.storage(), a.storage());
  EXPECT_EQ(t.at({0, 1}), 4.0f);
  EXPECT_THROW(a.flatten(2, 1), Error);
}

TEST(Views, ChainAndShareOneStorage) {
  const NDArray a = NDArray::zeros({4, 6});
  const NDArray v = a.slice(0, 1, 4, 2).transpose(0, 1).unsqueeze(0).slice(1, 2, 6, 3);
  // rows 1 and 3, transposed, columns 2 and 5 -> v[0, j, i] = a[1 + 2i, 2 + 3j]
  expect_layout(v, {1, 2, 2}, {6, 3, 12}, 6 + 2);  // unsqueeze(0) strides by 6·1
  v.fill_(1.0f);
  EXPECT_EQ(a.sum().item(), 4.0f);
  EXPECT_EQ(a.at({1, 2}), 1.0f);
  EXPECT_EQ(a.at({3, 5}), 1.0f);
  EXPECT_EQ(a.at({1, 5}), 1.0f);
  EXPECT_EQ(a.at({2, 2}), 0.0f);
  EXPECT_EQ(a.storage().use_count(), 2);  // a and v; the intermediate views are gone
}

TEST(Views, NonContiguousElementwiseWalk) {
  const NDArray v = iota({4, 5, 6}).permute({2, 0, 1}).slice(1, 1, 4, 2).slice(2, -3, 5);
  // v[k, i, j] = a[1 + 2i, 2 + j, k] = 30(1 + 2i) + 6(2 + j) + k, for k<6, i<2, j<3
  ASSERT_EQ(v.shape(), (Shape{6, 2, 3}));
  const Values got = v.to_vector();
  size_t n = 0;
  for (int k = 0; k < 6; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_EQ(got[n++], 30 * (1 + 2 * i) + 6 * (2 + j) + k);
}

}  // namespace
}  // namespace byo
