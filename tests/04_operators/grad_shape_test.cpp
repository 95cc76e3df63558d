// Gradchecks and values of reshape, view, permute, transpose, flatten.
#include <gtest/gtest.h>

#include "byo/operators.h"
#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

// A shape op alone is linear with 0/1 weights; follow it with a product so that a wrong
// element order shows up in the gradient.
Tensor weighted(const Tensor& y, Generator& gen) {
  return y * Tensor(NDArray::rand(y.shape(), gen) + 0.5f);
}

TEST(GradShape, Reshape) {
  Generator gen(1);
  for (const Shape& target : {Shape{6, 4}, Shape{-1}, Shape{2, 2, 6}, Shape{4, -1, 2}}) {
    SCOPED_TRACE(shape_str(target));
    test::expect_gradcheck(
        [&](const Inputs& in) {
          Generator w(10);
          return weighted(reshape(in[0], target), w);
        },
        {test::uniform({2, 3, 4}, gen)});
  }
  // Reshaping a transposed input copies; the gradient must still land in the right places.
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(11);
        return weighted(in[0].reshape({-1}), w);
      },
      {test::transposed({3, 4}, gen)});
}

TEST(GradShape, View) {
  Generator gen(2);
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(12);
        return weighted(view(in[0], {3, 2, 2}), w);
      },
      {test::uniform({3, 4}, gen)});
}

TEST(GradShape, PermuteAndTranspose) {
  Generator gen(3);
  for (const std::vector<int64_t>& dims :
       {std::vector<int64_t>{0, 1, 2}, {2, 0, 1}, {1, 2, 0}, {-1, -3, -2}}) {
    SCOPED_TRACE(shape_str(dims));
    test::expect_gradcheck(
        [&dims](const Inputs& in) {
          Generator w(13);
          return weighted(permute(in[0], dims), w);
        },
        {test::uniform({2, 3, 4}, gen)});
  }
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(14);
        return weighted(transpose(in[0], 0, 2), w);
      },
      {test::uniform({2, 3, 4}, gen)});
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(15);
        return weighted(in[0].transpose(-1, -2), w);
      },
      {test::sliced({3, 2}, gen)});
}

TEST(GradShape, Flatten) {
  Generator gen(4);
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(16);
        return weighted(flatten(in[0], 1), w);
      },
      {test::uniform({2, 3, 4}, gen)});
  test::expect_gradcheck(
      [](const Inputs& in) {
        Generator w(17);
        return weighted(in[0].flatten(), w);
      },
      {test::transposed({2, 3}, gen)});
}

TEST(GradShape, ValuesAndViews) {
  Tensor x = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(reshape(x, {3, -1}).shape(), (Shape{3, 2}));
  test::expect_close(transpose(x, 0, 1).data(), {1, 4, 2, 5, 3, 6});
  test::expect_close(permute(x, {1, 0}).data(), {1, 4, 2, 5, 3, 6});
  EXPECT_EQ(flatten(from_vector({1, 2, 3, 4}, {1, 2, 2, 1}), 1, 2).shape(), (Shape{1, 4, 1}));
  EXPECT_EQ(view(x, {6}).data().storage(), x.data().storage());  // a view, not a copy
  EXPECT_EQ(transpose(x, 0, 1).data().storage(), x.data().storage());
}

TEST(GradShape, TransposeGradientPlacesEachElement) {
  Tensor x = zeros({2, 3}, true);
  transpose(x, 0, 1).backward(from_vector({1, 2, 3, 4, 5, 6}, {3, 2}));
  test::expect_close(x.grad().data(), {1, 3, 5, 2, 4, 6});
}

}  // namespace
}  // namespace byo
