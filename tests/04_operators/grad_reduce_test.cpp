// Gradchecks and values of sum, mean and max over dims.
#include <gtest/gtest.h>

#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

struct DimsCase {
  std::vector<int64_t> dims;
  bool keepdim;
};

const DimsCase kDims[] = {{{}, false},    {{0}, false},    {{1}, true},       {{-1}, false},
                          {{0, 2}, true}, {{2, 0}, false}, {{0, 1, 2}, false}};

TEST(GradSum, OverDims) {
  Generator gen(1);
  for (const DimsCase& c : kDims) {
    SCOPED_TRACE(shape_str(c.dims) + (c.keepdim ? " keepdim" : ""));
    test::expect_gradcheck([&c](const Inputs& in) { return sum(in[0], c.dims, c.keepdim); },
                           {test::uniform({2, 3, 4}, gen)});
  }
  test::expect_gradcheck([](const Inputs& in) { return sum(in[0]); },
                         {test::transposed({3, 5}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return in[0].sum({0}); },
                         {test::sliced({3, 2}, gen)});
}

TEST(GradMean, OverDims) {
  Generator gen(2);
  for (const DimsCase& c : kDims) {
    SCOPED_TRACE(shape_str(c.dims) + (c.keepdim ? " keepdim" : ""));
    test::expect_gradcheck([&c](const Inputs& in) { return mean(in[0], c.dims, c.keepdim); },
                           {test::uniform({2, 3, 4}, gen)});
  }
  test::expect_gradcheck([](const Inputs& in) { return mean(in[0]); },
                         {test::transposed({4, 3}, gen)});
}

TEST(GradReduce, ForwardValuesAndShapes) {
  Tensor x = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  test::expect_close(sum(x).data(), {21});
  EXPECT_EQ(sum(x).dim(), 0);
  test::expect_close(sum(x, {0}).data(), {5, 7, 9});
  EXPECT_EQ(sum(x, {1}, true).shape(), (Shape{2, 1}));
  test::expect_close(mean(x, {1}).data(), {2, 5});
  test::expect_close(mean(x).data(), {3.5f});
  test::expect_close(max(x, 1).data(), {3, 6});
  EXPECT_EQ(max(x, 0, true).shape(), (Shape{1, 3}));
  test::expect_close(max(x, -2).data(), {4, 5, 6});
}

TEST(GradReduce, MeanGradientIsOneOverCount) {
  Tensor x = ones({2, 4}, true);
  mean(x, {1}).sum().backward();
  test::expect_close(x.grad().data(), {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f});
}

// Distinct values spaced far more than gradcheck's step: no near-ties.
Tensor spread_values(const Shape& shape, Generator& gen) {
  const int64_t n = numel(shape);
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i) values[i] = 0.1f * static_cast<float>(i) - 1.0f;
  gen.shuffle(std::span<float>(values));
  return from_vector(values, shape, true);
}

TEST(GradMax, OverEachDim) {
  Generator gen(3);
  for (int64_t dim : {0, 1, 2, -1}) {
    for (bool keepdim : {false, true}) {
      SCOPED_TRACE("dim " + std::to_string(dim) + (keepdim ? " keepdim" : ""));
      test::expect_gradcheck([dim, keepdim](const Inputs& in) { return max(in[0], dim, keepdim); },
                             {spread_values({2, 3, 4}, gen)});
    }
  }
  Tensor t = spread_values({4, 3}, gen);
  test::expect_gradcheck([](const Inputs& in) { return max(in[0], 1); },
                         {Tensor(t.data().transpose(0, 1), true)});
}

TEST(GradMax, TiesSendTheGradientToTheFirstMaximumOnly) {
  Tensor x = from_vector({1, 3, 3, 2, 2, 0}, {2, 3}, true);
  max(x, 1).backward(from_vector({10, 20}, {2}));
  test::expect_close(x.grad().data(), {0, 10, 0, 20, 0, 0});
}

}  // namespace
}  // namespace byo
