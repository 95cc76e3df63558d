/// @file
/// @brief map and zip, on contiguous and strided inputs; allclose.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "byo/ndarray.h"

namespace byo {
namespace {

using Values = std::vector<float>;

TEST(Map, Contiguous) {
  const NDArray a = NDArray::arange(0, 4).reshape({2, 2});
  const NDArray b = a.map([](float x) { return x * x + 1; });
  EXPECT_EQ(b.shape(), (Shape{2, 2}));
  EXPECT_EQ(b.to_vector(), (Values{1, 2, 5, 10}));
  EXPECT_NE(b.storage(), a.storage());
}

TEST(Map, StridedInputGivesContiguousOutput) {
  const NDArray a = NDArray::arange(0, 6).reshape({2, 3}).transpose(0, 1);
  const NDArray b = a.map([](float x) { return -x; });
  EXPECT_TRUE(b.is_contiguous());
  EXPECT_EQ(b.shape(), (Shape{3, 2}));
  EXPECT_EQ(b.to_vector(), (Values{-0.0f, -3, -1, -4, -2, -5}));
}

TEST(Map, ZeroDimAndEmpty) {
  EXPECT_EQ(NDArray::scalar(3).map([](float x) { return 2 * x; }).item(), 6.0f);
  EXPECT_EQ(NDArray::zeros({0, 3}).map([](float x) { return x; }).shape(), (Shape{0, 3}));
  // A 0-d view that is not at offset 0.
  EXPECT_EQ(NDArray::arange(0, 5).select(0, 4).map([](float x) { return x + 1; }).item(), 5.0f);
}

TEST(Zip, ContiguousAndStrided) {
  const NDArray a = NDArray::arange(0, 6).reshape({2, 3});
  const NDArray b = NDArray::arange(10, 16).reshape({3, 2}).transpose(0, 1);  // 10 12 14 / 11 13 15
  const NDArray sum = a.zip(b, [](float x, float y) { return x + y; });
  EXPECT_EQ(sum.to_vector(), (Values{10, 13, 16, 14, 17, 20}));
  const NDArray prod = a.zip(a, [](float x, float y) { return x * y; });
  EXPECT_EQ(prod.to_vector(), (Values{0, 1, 4, 9, 16, 25}));
}

TEST(Zip, MatchesAnElementByElementLoopOnManyLayouts) {
  Generator gen(7);
  const NDArray base = NDArray::randn({4, 5, 6}, gen);
  const NDArray other = NDArray::randn({6, 4, 5}, gen);
  // Same shape (6, 4, 5) from a permutation and from a contiguous array.
  const NDArray x = base.permute({2, 0, 1});
  const NDArray out = x.zip(other, [](float p, float q) { return p * 2 - q; });
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t k = 0; k < 5; ++k)
        EXPECT_EQ(out.at({i, j, k}), base.at({j, k, i}) * 2 - other.at({i, j, k}));
}

// Transposes with an inner stride beyond a cache line take the tiled walk; shapes that are
// not multiples of the tile (16 x 32) check the partial tiles at the edges.
TEST(Zip, TiledWalkOfLargeTransposes) {
  Generator gen(5);
  const NDArray a = NDArray::randn({300, 37}, gen).transpose(0, 1);  // (37, 300), strides (1, 37)
  const NDArray b = NDArray::randn({37, 300}, gen);
  const NDArray out = a.zip(b, [](float x, float y) { return x - 2 * y; });
  int64_t wrong = 0;
  for (int64_t i = 0; i < 37; ++i)
    for (int64_t j = 0; j < 300; ++j) wrong += out.at({i, j}) != a.at({i, j}) - 2 * b.at({i, j});
  EXPECT_EQ(wrong, 0);
  const NDArray both = a.zip(a, [](float x, float y) { return x + y; });
  EXPECT_EQ(both.to_vector(), a.map([](float x) { return 2 * x; }).to_vector());
}

TEST(Map, TiledWalkWithABatchDimension) {
  Generator gen(6);
  const NDArray base = NDArray::randn({3, 50, 41}, gen);
  const NDArray a = base.permute({0, 2, 1});  // (3, 41, 50), inner stride 41
  const NDArray out = a.map([](float x) { return x * x; });
  int64_t wrong = 0;
  for (int64_t n = 0; n < 3; ++n)
    for (int64_t i = 0; i < 41; ++i)
      for (int64_t j = 0; j < 50; ++j) {
        const float x = base.at({n, j, i});
        wrong += out.at({n, i, j}) != x * x;
      }
  EXPECT_EQ(wrong, 0);
}

TEST(Copy, IntoALargeTransposedView) {
  const NDArray dst = NDArray::zeros({70, 33});
  const NDArray src = NDArray::arange(0, 70 * 33).reshape({33, 70});
  dst.transpose(0, 1).copy_(src);  // dst[i, j] = src[j, i] = 70j + i
  int64_t wrong = 0;
  for (int64_t i = 0; i < 70; ++i)
    for (int64_t j = 0; j < 33; ++j) wrong += dst.at({i, j}) != static_cast<float>(70 * j + i);
  EXPECT_EQ(wrong, 0);
}

TEST(Zip, ShapesMustMatch) {
  const NDArray a = NDArray::zeros({2, 3});
  const NDArray b = NDArray::zeros({3, 2});
  try {
    (void)a.zip(b, [](float x, float y) { return x + y; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("[2, 3]"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("[3, 2]"), std::string::npos) << e.message();
  }
}

TEST(Allclose, Tolerances) {
  const NDArray a = NDArray::from_vector({1, 2, 3}, {3});
  EXPECT_TRUE(allclose(a, a));
  EXPECT_TRUE(allclose(a, NDArray::from_vector({1, 2, 3.00001f}, {3})));
  EXPECT_FALSE(allclose(a, NDArray::from_vector({1, 2, 3.001f}, {3})));
  EXPECT_TRUE(allclose(a, NDArray::from_vector({1, 2, 3.001f}, {3}), 1e-3f));
  EXPECT_TRUE(allclose(a, NDArray::from_vector({1, 2, 3.1f}, {3}), 0, 0.11f));
  EXPECT_TRUE(allclose(a.transpose(0, 0), a.clone()));
  EXPECT_THROW(allclose(a, NDArray::zeros({1, 3})), Error);
}

TEST(Allclose, NanAndInfinity) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const NDArray n = NDArray::full({1}, nan);
  EXPECT_FALSE(allclose(n, n));
  EXPECT_TRUE(allclose(NDArray::full({1}, inf), NDArray::full({1}, inf)));
  EXPECT_FALSE(allclose(NDArray::full({1}, inf), NDArray::full({1}, -inf)));
  EXPECT_FALSE(allclose(NDArray::full({1}, 1e30f), NDArray::full({1}, inf)));
}

}  // namespace
}  // namespace byo
