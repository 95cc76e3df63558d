// Gradchecks, values and refusals of expand, unsqueeze, squeeze, narrow, select,
// index_select, cat and stack.
#include <gtest/gtest.h>

#include "byo/operators.h"
#include "byo/ops.h"
#include "support/expect.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

// A view alone is linear with 0/1 weights; a product with fixed random weights makes a
// misplaced element show in the gradient.
Tensor weighted(const Tensor& y, uint64_t seed) {
  Generator w(seed);
  return y * Tensor(NDArray::rand(y.shape(), w) + 0.5f);
}

TEST(GradIndex, Expand) {
  Generator gen(1);
  for (const auto& [from, to] : {std::pair<Shape, Shape>{{3, 1}, {3, 4}},
                                 {{1, 4}, {2, 3, 4}},
                                 {{2, 1, 3}, {2, 5, 3}},
                                 {{3}, {2, -1}}}) {
    SCOPED_TRACE(shape_str(from) + " -> " + shape_str(to));
    test::expect_gradcheck([&](const Inputs& in) { return weighted(expand(in[0], to), 20); },
                           {test::uniform(from, gen)});
  }
  // A transposed (non-contiguous) input: (1, 3) stored as a column.
  test::expect_gradcheck(
      [](const Inputs& in) {
        return weighted(expand(in[0], {4, -1, 5, 3}), 21);
      },
      {test::transposed({2, 1, 3}, gen)});
}

TEST(GradIndex, ExpandValuesShareStorage) {
  Tensor x = from_vector({1, 2, 3}, {3, 1});
  Tensor y = expand(x, {3, 2});
  test::expect_close(y.data(), {1, 1, 2, 2, 3, 3});
  EXPECT_EQ(y.data().storage(), x.data().storage());
  Tensor leaf = from_vector({1, 2}, {2}, true);
  expand(leaf, {3, 2}).sum().backward();
  test::expect_close(leaf.grad().data(), {3, 3});  // each element fed three outputs
}

TEST(GradIndex, UnsqueezeAndSqueeze) {
  Generator gen(2);
  for (int64_t dim : {0, 1, 2, -1, -3}) {
    SCOPED_TRACE(dim);
    test::expect_gradcheck([dim](const Inputs& in) { return weighted(unsqueeze(in[0], dim), 22); },
                           {test::uniform({2, 3}, gen)});
  }
  test::expect_gradcheck([](const Inputs& in) { return weighted(squeeze(in[0]), 23); },
                         {test::uniform({1, 3, 1, 2}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(squeeze(in[0], 2), 24); },
                         {test::uniform({3, 2, 1}, gen)});
  test::expect_gradcheck(
      [](const Inputs& in) { return weighted(squeeze(unsqueeze(in[0], 1), 1), 25); },
      {test::sliced({3, 2}, gen)});
}

TEST(GradIndex, SqueezeShapesAsPyTorch) {
  Tensor x = zeros({1, 3, 1});
  EXPECT_EQ(squeeze(x).shape(), (Shape{3}));
  EXPECT_EQ(squeeze(x, 0).shape(), (Shape{3, 1}));
  EXPECT_EQ(squeeze(x, -1).shape(), (Shape{1, 3}));
  EXPECT_EQ(squeeze(x, 1).shape(), (Shape{1, 3, 1}));  // size 3: a no-op, not an error
  EXPECT_EQ(unsqueeze(x, 3).shape(), (Shape{1, 3, 1, 1}));
  EXPECT_EQ(unsqueeze(x, -1).shape(), (Shape{1, 3, 1, 1}));
  EXPECT_EQ(unsqueeze(x, 0).shape(), (Shape{1, 1, 3, 1}));
  EXPECT_EQ(squeeze(Tensor(NDArray::scalar(2.0f)), 0).shape(), (Shape{}));
  test::expect_error([&] { unsqueeze(x, 4); }, "unsqueeze");
  test::expect_error([&] { squeeze(x, 3); }, "squeeze");
}

TEST(GradIndex, NarrowAndSelect) {
  Generator gen(3);
  test::expect_gradcheck([](const Inputs& in) { return weighted(narrow(in[0], 1, 1, 2), 26); },
                         {test::uniform({2, 4, 3}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(narrow(in[0], -1, -3, 2), 27); },
                         {test::transposed({3, 4}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(select(in[0], 0, 1), 28); },
                         {test::uniform({3, 4}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(select(in[0], -1, -2), 29); },
                         {test::sliced({2, 3, 4}, gen)});
  // Two overlapping slices of one input: their gradients add.
  test::expect_gradcheck(
      [](const Inputs& in) {
        return weighted(narrow(in[0], 0, 0, 3) * narrow(in[0], 0, 1, 3), 30);
      },
      {test::uniform({4, 2}, gen)});
}

TEST(GradIndex, NarrowAndSelectValues) {
  Tensor x = from_vector({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  test::expect_close(narrow(x, 1, 1, 2).data(), {1, 2, 5, 6, 9, 10});
  test::expect_close(narrow(x, 0, -1, 1).data(), {8, 9, 10, 11});
  test::expect_close(select(x, 1, -1).data(), {3, 7, 11});
  EXPECT_EQ(select(x, 0, 2).shape(), (Shape{4}));
  EXPECT_EQ(narrow(x, 1, 4, 0).shape(), (Shape{3, 0}));
  Tensor leaf = from_vector({1, 2, 3, 4, 5, 6}, {2, 3}, true);
  select(leaf, 1, 2).sum().backward();
  test::expect_close(leaf.grad().data(), {0, 0, 1, 0, 0, 1});
}

TEST(GradIndex, NarrowAndSelectRefuseOutOfRange) {
  Tensor x = zeros({3, 4});
  test::expect_error([&] { select(x, 1, 4); }, "[3, 4]");
  test::expect_error([&] { select(x, 0, -4); }, "select");
  test::expect_error([&] { select(x, 2, 0); }, "select");
  test::expect_error([&] { narrow(x, 1, 3, 2); }, "narrow: start (3) + length (2) exceeds dim 1");
  test::expect_error([&] { narrow(x, 0, 5, 0); }, "narrow: start 5 is out of range");
  test::expect_error([&] { narrow(x, 0, 0, -1); }, "narrow");
  test::expect_error([&] { select(Tensor(NDArray::scalar(1.0f)), 0, 0); }, "0-d");
}

TEST(GradIndex, IndexSelect) {
  Generator gen(4);
  const Tensor rows = from_vector({2, 0, 2, 1}, {4});  // a repeat: gradients add up
  test::expect_gradcheck(
      [&](const Inputs& in) { return weighted(index_select(in[0], 0, rows), 31); },
      {test::uniform({3, 5}, gen)});
  test::expect_gradcheck(
      [&](const Inputs& in) { return weighted(index_select(in[0], -1, rows), 32); },
      {test::transposed({2, 3, 3}, gen)});
  test::expect_gradcheck(
      [&](const Inputs& in) { return weighted(index_select(in[0], 1, from_vector({1}, {})), 33); },
      {test::sliced({2, 4}, gen)});
}

TEST(GradIndex, IndexSelectValuesAndRefusals) {
  Tensor x = from_vector({0, 1, 2, 3, 4, 5}, {3, 2}, true);
  Tensor y = index_select(x, 0, from_vector({2, 2, 0}, {3}));
  test::expect_close(y.data(), {4, 5, 4, 5, 0, 1});
  y.sum().backward();
  test::expect_close(x.grad().data(), {1, 1, 0, 0, 2, 2});
  test::expect_error(
      [&] {
        index_select(x, 0, from_vector({0, 3}, {2}));
      },
      "index_select: index 3 at position 1 is out of range for dim 0 of size 3");
  test::expect_error([&] { index_select(x, 1, from_vector({-1}, {1})); }, "out of range");
  test::expect_error([&] { index_select(x, 0, from_vector({0.5f}, {1})); }, "not an integer");
  test::expect_error([&] { index_select(x, 0, zeros({1, 1})); }, "index must be 0-d or 1-d");
}

TEST(GradIndex, Cat) {
  Generator gen(5);
  test::expect_gradcheck(
      [](const Inputs& in) { return weighted(cat(in, 0), 34); },
      {test::uniform({2, 3}, gen), test::uniform({1, 3}, gen), test::uniform({3, 3}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(cat(in, -1), 35); },
                         {test::transposed({2, 3}, gen), test::sliced({2, 2}, gen)});
  test::expect_gradcheck([](const Inputs& in) { return weighted(cat(in, 1), 36); },
                         {test::uniform({2, 1, 2}, gen), test::uniform({2, 3, 2}, gen)});
  // A constant among the inputs gets no gradient; the others still do.
  Tensor constant = Tensor(NDArray::ones({1, 2}));
  test::expect_gradcheck(
      [&](const Inputs& in) {
        return weighted(cat({in[0], constant, in[0]}, 0), 37);
      },
      {test::uniform({2, 2}, gen)});
}

TEST(GradIndex, CatValuesAndRefusals) {
  Tensor a = from_vector({1, 2, 3, 4}, {2, 2});
  Tensor b = from_vector({5, 6}, {2, 1});
  test::expect_close(cat({a, b}, 1).data(), {1, 2, 5, 3, 4, 6});
  test::expect_close(cat({a, a}, 0).data(), {1, 2, 3, 4, 1, 2, 3, 4});
  test::expect_error(
      [&] {
        cat({a, b}, 0);
      },
      "cat: tensor 1 has shape [2, 1], tensor 0 [2, 2]; all sizes must match "
      "except in dim 0");
  test::expect_error([&] { cat({a, zeros({4})}, 0); }, "cat: tensor 1 has shape [4]");
  test::expect_error([&] { cat({}, 0); }, "non-empty list");
  test::expect_error([&] { cat({a}, 2); }, "cat");
}

TEST(GradIndex, Stack) {
  Generator gen(6);
  for (int64_t dim : {0, 1, 2, -1}) {
    SCOPED_TRACE(dim);
    test::expect_gradcheck([dim](const Inputs& in) { return weighted(stack(in, dim), 38); },
                           {test::uniform({2, 3}, gen), test::transposed({2, 3}, gen)});
  }
  Tensor a = from_vector({1, 2}, {2});
  Tensor b = from_vector({3, 4}, {2});
  EXPECT_EQ(stack({a, b}).shape(), (Shape{2, 2}));
  test::expect_close(stack({a, b}, 1).data(), {1, 3, 2, 4});
  test::expect_error(
      [&] {
        stack({a, zeros({3})});
      },
      "stack: tensor 1 has shape [3], tensor 0 [2]; stack needs equal shapes");
}

}  // namespace
}  // namespace byo
