/// @file
/// @brief reduce over any set of dimensions; sum, mean, max and argmax.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "byo/ndarray.h"

namespace byo {
namespace {

using Values = std::vector<float>;

NDArray iota(const Shape& shape) {
  return NDArray::arange(0, static_cast<float>(numel(shape))).reshape(shape);
}

TEST(Sum, AllElements) {
  const NDArray s = iota({2, 3, 4}).sum();
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item(), 276.0f);  // 0 + ... + 23
  EXPECT_EQ(NDArray::scalar(5).sum().item(), 5.0f);
  EXPECT_EQ(NDArray::zeros({0, 3}).sum().item(), 0.0f);
}

TEST(Sum, LongRowsStayExact) {
  // Small integers stay exact in float: any summation order (chapter 7's too) gives the same.
  EXPECT_EQ(NDArray::ones({1000}).sum().item(), 1000.0f);
  EXPECT_EQ(NDArray::arange(0, 1001).sum().item(), 500500.0f);
  EXPECT_EQ(NDArray::arange(0, 1001).slice(0, 0, 1001, 2).sum().item(), 250500.0f);
}

TEST(Sum, OneDimension) {
  const NDArray a = iota({2, 3});  // 0 1 2 / 3 4 5
  EXPECT_EQ(a.sum({0}).shape(), (Shape{3}));
  EXPECT_EQ(a.sum({0}).to_vector(), (Values{3, 5, 7}));
  EXPECT_EQ(a.sum({1}).to_vector(), (Values{3, 12}));
  EXPECT_EQ(a.sum({-1}).to_vector(), (Values{3, 12}));
  EXPECT_EQ(a.sum({1}, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(a.sum({0}, true).shape(), (Shape{1, 3}));
}

TEST(Sum, SeveralDimensionsInAnyOrder) {
  const NDArray a = iota({2, 3, 4});
  // sum over dims 0 and 2: out[j] = sum_i sum_k (12i + 4j + k) = 2*(4*4j + 6) + 4*12
  EXPECT_EQ(a.sum({0, 2}).to_vector(), (Values{60, 92, 124}));
  EXPECT_EQ(a.sum({2, 0}).to_vector(), (Values{60, 92, 124}));
  EXPECT_EQ(a.sum({-1, 0}, true).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(a.sum({0, 1, 2}).item(), 276.0f);
  EXPECT_EQ(a.sum({0, 1, 2}, true).shape(), (Shape{1, 1, 1}));
  EXPECT_EQ(a.sum({}, true).shape(), (Shape{1, 1, 1}));  // empty dims: every dimension
}

TEST(Sum, NonContiguousInput) {
  const NDArray a = iota({2, 3, 4}).permute({2, 0, 1});  // (4, 2, 3): a[k,i,j] = 12i+4j+k
  EXPECT_EQ(a.sum({0}).to_vector(), (Values{6, 22, 38, 54, 70, 86}));
  EXPECT_EQ(a.sum({1, 2}).to_vector(), (Values{60, 66, 72, 78}));
  EXPECT_EQ(a.sum().item(), 276.0f);
}

// The loops are reordered to follow the input's memory; the result must not notice.
TEST(Sum, EveryDimSetOfAPermuted4D) {
  Generator gen(9);
  const NDArray base = NDArray::randn({3, 4, 5, 6}, gen);
  const NDArray a = base.permute({2, 0, 3, 1});  // (5, 3, 6, 4)
  for (int mask = 1; mask < 16; ++mask) {
    std::vector<int64_t> dims;
    for (int64_t d = 0; d < 4; ++d) {
      if (mask & (1 << d)) dims.push_back(d);
    }
    const NDArray got = a.sum(dims, /*keepdim=*/true);
    // Reference: accumulate every element into its keepdim slot, in double.
    std::vector<double> expected(got.numel(), 0.0);
    const Strides slot = contiguous_strides(got.shape());
    std::vector<int64_t> index(4, 0);
    do {
      int64_t o = 0;
      for (int64_t d = 0; d < 4; ++d) o += (got.shape()[d] == 1 ? 0 : index[d]) * slot[d];
      expected[o] += a.at(index);
    } while (next_index(index, a.shape()));
    const Values g = got.to_vector();
    for (size_t i = 0; i < g.size(); ++i) {
      EXPECT_NEAR(g[i], expected[i], 1e-4) << "mask " << mask << ", element " << i;
    }
  }
}

TEST(Sum, ReducingASizeZeroDimensionGivesZeros) {
  const NDArray s = NDArray::zeros({2, 0}).sum({1});
  EXPECT_EQ(s.shape(), (Shape{2}));
  EXPECT_EQ(s.to_vector(), (Values{0, 0}));
}

TEST(Reduce, CustomFunctorAndInit) {
  const NDArray a = iota({2, 3}).map([](float x) { return x + 1; });  // 1..6
  const NDArray prod = a.reduce({1}, false, 1.0f, [](float x, float y) { return x * y; });
  EXPECT_EQ(prod.to_vector(), (Values{6, 120}));
  // init enters once, whatever the inner loop does with lanes
  const NDArray plus10 =
      NDArray::ones({100}).reduce({}, false, 10.0f, [](float x, float y) { return x + y; });
  EXPECT_EQ(plus10.item(), 110.0f);
}

TEST(Mean, AllAndAlongDims) {
  const NDArray a = iota({2, 3});
  EXPECT_EQ(a.mean().item(), 2.5f);
  EXPECT_EQ(a.mean({0}).to_vector(), (Values{1.5f, 2.5f, 3.5f}));
  EXPECT_EQ(a.mean({1}, true).to_vector(), (Values{1, 4}));
  EXPECT_EQ(a.mean({1}, true).shape(), (Shape{2, 1}));
  EXPECT_TRUE(std::isnan(NDArray::zeros({0}).mean().item()));  // as torch: nan
}

TEST(Max, AllAndAlongDim) {
  const NDArray a = NDArray::from_vector({3, -1, 7, 2, 9, -4}, {2, 3});
  EXPECT_EQ(a.max().item(), 9.0f);
  EXPECT_EQ(a.max(0).to_vector(), (Values{3, 9, 7}));
  EXPECT_EQ(a.max(1).to_vector(), (Values{7, 9}));
  EXPECT_EQ(a.max(-1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(NDArray::full({3}, -5).max().item(), -5.0f);  // not the -inf we start from
}

TEST(Max, NanPropagates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(NDArray::from_vector({1, nan, 3}, {3}).max().item()));
  Values many(100, 1.0f);
  many[50] = nan;
  EXPECT_TRUE(std::isnan(NDArray::from_vector(many, {100}).max().item()));
}

TEST(Max, EmptyIsAnError) {
  EXPECT_THROW(NDArray::zeros({0}).max(), Error);
  EXPECT_THROW(NDArray::zeros({2, 0}).max(1), Error);
  EXPECT_EQ(NDArray::zeros({0, 2}).max(1).shape(), (Shape{0}));
}

TEST(Argmax, FirstIndexOnTies) {
  const NDArray a = NDArray::from_vector({1, 5, 5, 0, 1, 2, 8, 8}, {2, 4});
  EXPECT_EQ(a.argmax(1).to_vector(), (Values{1, 2}));
  EXPECT_EQ(a.argmax(0).to_vector(), (Values{0, 0, 1, 1}));
  EXPECT_EQ(a.argmax(1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(a.argmax(-1).shape(), (Shape{2}));
}

TEST(Argmax, ThreeDimsNonContiguous) {
  Generator gen(3);
  const NDArray a = NDArray::randn({3, 4, 5}, gen).transpose(0, 2);  // (5, 4, 3)
  const NDArray idx = a.argmax(1);                                   // (5, 3)
  for (int64_t i = 0; i < 5; ++i) {
    for (int64_t k = 0; k < 3; ++k) {
      int64_t best = 0;
      for (int64_t j = 1; j < 4; ++j) {
        if (a.at({i, j, k}) > a.at({i, best, k})) best = j;
      }
      EXPECT_EQ(idx.at({i, k}), static_cast<float>(best));
    }
  }
}

TEST(Argmax, NanIsTheMaximum) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(NDArray::from_vector({1, nan, 3, nan}, {4}).argmax(0).item(), 1.0f);
  EXPECT_THROW(NDArray::zeros({3, 0}).argmax(1), Error);
}

TEST(Reduce, BadDims) {
  const NDArray a = iota({2, 3});
  EXPECT_THROW(a.sum({2}), Error);
  EXPECT_THROW(a.sum({-3}), Error);
  EXPECT_THROW(a.sum({0, 0}), Error);
  EXPECT_THROW(a.sum({1, -1}), Error);  // the same dimension twice
  try {
    (void)a.sum({5});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("[2, 3]"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace byo
