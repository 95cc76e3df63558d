/// @file
/// @brief The elementwise loop: its plan (coalescing, stride 0) and its results on every
///        kind of layout, checked against an element-by-element reference.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "byo/elementwise_loop.h"
#include "test_util.h"

namespace byo {
namespace {

// The slow, obviously right broadcast: for every output index, read each input with the
// index clipped to 0 on its size-1 dimensions, via NDArray::at.
NDArray reference(const std::function<float(float, float, float)>& f, const NDArray& a,
                  const NDArray& b, const NDArray& c) {
  const Shape shape = broadcast_shapes(broadcast_shapes(a.shape(), b.shape()), c.shape());
  NDArray out = NDArray::zeros(shape);
  std::vector<int64_t> index(shape.size(), 0);
  auto read = [&](const NDArray& x) {
    std::vector<int64_t> own(x.shape().size());
    const size_t lead = shape.size() - own.size();
    for (size_t d = 0; d < own.size(); ++d) own[d] = x.shape()[d] == 1 ? 0 : index[lead + d];
    return x.at(own);
  };
  if (out.numel() == 0) return out;
  do {
    out.at(index) = f(read(a), read(b), read(c));
  } while (next_index(index, shape));
  return out;
}

TEST(LoopPlan, CoalescesABiasAddToThreeDimensions) {
  const NDArray x = NDArray::zeros({64, 16, 28, 28});
  const NDArray bias = NDArray::zeros({1, 16, 1, 1});
  const auto plan = detail::make_plan<2>(x.shape(), {&x, &bias});
  EXPECT_EQ(plan.sizes, (Shape{64, 16, 784}));
  EXPECT_EQ(plan.strides[0], (Strides{12544, 784, 1}));
  EXPECT_EQ(plan.strides[1], (Strides{0, 1, 0}));
}

TEST(LoopPlan, ScalarOperandIsOneStrideZeroRow) {
  const NDArray x = NDArray::zeros({4, 5, 6});
  const NDArray s = NDArray::scalar(1.0f);
  const auto plan = detail::make_plan<2>(x.shape(), {&x, &s});
  EXPECT_EQ(plan.sizes, (Shape{120}));
  EXPECT_EQ(plan.strides[0], (Strides{1}));
  EXPECT_EQ(plan.strides[1], (Strides{0}));
}

TEST(LoopPlan, TransposeIsNotCoalescedButSizeOneDimsVanish) {
  const NDArray t = NDArray::zeros({3, 1, 4}).permute({2, 1, 0});  // [4, 1, 3], strides [1, 4, 4]
  const auto plan = detail::make_plan<1>(t.shape(), {&t});
  EXPECT_EQ(plan.sizes, (Shape{4, 3}));
  EXPECT_EQ(plan.strides[0], (Strides{1, 4}));
}

TEST(LoopPlan, SingleElementBecomesOneStep) {
  const NDArray s = NDArray::ones({1, 1});
  const auto plan = detail::make_plan<1>(s.shape(), {&s});
  EXPECT_EQ(plan.sizes, (Shape{1}));
  EXPECT_EQ(plan.strides[0], (Strides{0}));
}

// Layouts that exercise every inner-stride kind and the odometer.
std::vector<std::pair<std::string, NDArray>> layouts(Generator& gen) {
  const NDArray base = NDArray::randn({4, 6, 5}, gen);
  return {
      {"contiguous", base},
      {"transposed", NDArray::randn({5, 6, 4}, gen).permute({2, 1, 0})},
      {"sliced step 2", NDArray::randn({4, 12, 5}, gen).slice(1, 0, 12, 2)},
      {"sliced last dim", NDArray::randn({4, 6, 9}, gen).slice(2, 2, 7)},
      {"broadcast [6, 1]", NDArray::randn({6, 1}, gen)},
      {"broadcast [4, 1, 5]", NDArray::randn({4, 1, 5}, gen)},
      {"broadcast [5]", NDArray::randn({5}, gen)},
      {"expanded view", broadcast_to(NDArray::randn({1, 6, 1}, gen), {4, 6, 5})},
      {"0-d", NDArray::randn({}, gen)},
      {"one element [1, 1, 1]", NDArray::randn({1, 1, 1}, gen)},
  };
}

TEST(Elementwise, BinaryMatchesReferenceOnEveryLayoutPair) {
  Generator gen(7);
  const auto all = layouts(gen);
  const NDArray zero = NDArray::scalar(0.0f);
  auto f = [](float x, float y) { return x - y; };  // exact: no rounding to differ in
  for (const auto& [na, a] : all) {
    for (const auto& [nb, b] : all) {
      SCOPED_TRACE(na + " with " + nb);
      const NDArray got = broadcast_zip(a, b, f);
      const NDArray want = reference([&](float x, float y, float) { return f(x, y); }, a, b, zero);
      ASSERT_EQ(got.shape(), want.shape());
      EXPECT_TRUE(got.is_contiguous());
      EXPECT_EQ(got.to_vector(), want.to_vector());
    }
  }
}

TEST(Elementwise, TernaryMatchesReference) {
  Generator gen(8);
  const auto all = layouts(gen);
  auto f = [](float x, float y, float z) { return x * y + z; };
  for (size_t i = 0; i < all.size(); ++i) {
    // Every layout in each position, against two different partners.
    const NDArray& a = all[i].second;
    const NDArray& b = all[(i + 3) % all.size()].second;
    const NDArray& c = all[(i + 7) % all.size()].second;
    SCOPED_TRACE(all[i].first);
    // x * y + z may be fused into one FMA instruction in one loop and not the other.
    EXPECT_TRUE(allclose(elementwise("fma", f, a, b, c), reference(f, a, b, c), 1e-6f, 1e-6f));
  }
}

TEST(Elementwise, UnaryOnViews) {
  Generator gen(9);
  for (const auto& [name, a] : layouts(gen)) {
    SCOPED_TRACE(name);
    const NDArray got = elementwise(
        "square", [](float x) { return x * x; }, a);
    std::vector<float> want = a.to_vector();
    for (float& v : want) v *= v;
    EXPECT_EQ(got.shape(), a.shape());
    EXPECT_EQ(got.to_vector(), want);
  }
}

TEST(Elementwise, LongerInnerRowsAndManyDimensions) {
  // Five dimensions, with a stride-0 dimension between two that coalesce.
  Generator gen(10);
  const NDArray a = NDArray::randn({2, 3, 1, 4, 33}, gen);
  const NDArray b = NDArray::randn({5, 3, 1, 33}, gen).transpose(0, 1);  // [3, 5, 1, 33]
  auto f = [](float x, float y) { return x - y; };
  const NDArray got = broadcast_zip(a, b, f);
  EXPECT_EQ(got.shape(), (Shape{2, 3, 5, 4, 33}));
  EXPECT_EQ(got.to_vector(),
            reference([&](float x, float y, float) { return f(x, y); }, a, b, NDArray::scalar(0.0f))
                .to_vector());
}

TEST(ElementwiseInto, WritesIntoAnExistingArray) {
  const NDArray out = NDArray::zeros({2, 3});
  const NDArray a = NDArray::from_vector({1, 2, 3}, {3});
  elementwise_into(
      "add", out, [](float x, float y) { return x + y; }, a, NDArray::scalar(1.0f));
  test::expect_array(out, {2, 3}, {2, 3, 4, 2, 3, 4});
  // The output's shape is fixed: inputs must broadcast to it, and it must be contiguous.
  auto id = [](float x) { return x; };
  EXPECT_THROW(elementwise_into("id", out, id, NDArray::zeros({3, 3})), Error);
  EXPECT_THROW(elementwise_into("id", out.transpose(0, 1), id, NDArray::zeros({3, 2})), Error);
}

TEST(Elementwise, ErrorNamesOperationAndShapes) {
  const std::string msg = test::error_message([] {
    elementwise(
        "where", [](float c, float x, float) { return c * x; }, NDArray::zeros({2, 1}),
        NDArray::zeros({3}), NDArray::zeros({4}));
  });
  EXPECT_EQ(msg.rfind("where:", 0), 0u) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;  // the shape so far
  EXPECT_NE(msg.find("[4]"), std::string::npos) << msg;
}

}  // namespace
}  // namespace byo
