// Gradchecks, values and refusals of nll_loss and binary_cross_entropy_with_logits.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/ops.h"
#include "support/expect.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

TEST(GradLossExtra, NllLoss) {
  Generator gen(1);
  const Tensor target = from_vector({2, 0, 3, 2}, {4});
  for (const char* reduction : {"mean", "sum", "none"}) {
    SCOPED_TRACE(reduction);
    test::expect_gradcheck(
        [&](const Inputs& in) { return nll_loss(log_softmax(in[0], 1), target, reduction); },
        {test::uniform({4, 5}, gen)});
  }
  test::expect_gradcheck([&](const Inputs& in) { return nll_loss(in[0], target); },
                         {test::transposed({4, 5}, gen)});
}

TEST(GradLossExtra, NllLossOfLogSoftmaxIsCrossEntropy) {
  Generator gen(2);
  Tensor x = test::uniform({5, 3}, gen, -3.0f, 3.0f);
  const Tensor target = from_vector({0, 2, 1, 1, 0}, {5});
  EXPECT_NEAR(nll_loss(log_softmax(x, 1), target).item(), cross_entropy(x, target).item(), 1e-6f);
  Tensor y = from_vector({-1, -2, -3, -4, -5, -6}, {2, 3}, true);
  const Tensor t = from_vector({1, 2}, {2});
  EXPECT_FLOAT_EQ(nll_loss(y, t).item(), 4.0f);  // (2 + 6) / 2
  EXPECT_FLOAT_EQ(nll_loss(y, t, "sum").item(), 8.0f);
  test::expect_close(nll_loss(y, t, "none").data(), {2, 6});
  nll_loss(y, t).backward();
  test::expect_close(y.grad().data(), {0, -0.5f, 0, 0, 0, -0.5f});
}

TEST(GradLossExtra, NllLossRefusals) {
  Tensor x = zeros({2, 3});
  test::expect_error(
      [&] {
        nll_loss(x, from_vector({0, 3}, {2}));
      },
      "nll_loss: target 3 at index 1 is not a class index in [0, 3)");
  test::expect_error([&] { nll_loss(x, from_vector({0}, {1})); },
                     "nll_loss: target must be (N) = (2) for input [2, 3], got [1]");
  test::expect_error([&] { nll_loss(zeros({3}), from_vector({0}, {1})); },
                     "nll_loss: input must be (N, C)");
  test::expect_error(
      [&] {
        nll_loss(x, from_vector({0, 1}, {2}), "avg");
      },
      "nll_loss: reduction must be");
}

TEST(GradLossExtra, BinaryCrossEntropyWithLogits) {
  Generator gen(3);
  for (const char* reduction : {"mean", "sum", "none"}) {
    for (const Shape& shape : {Shape{6}, Shape{3, 4}}) {
      SCOPED_TRACE(std::string(reduction) + " " + shape_str(shape));
      test::expect_gradcheck(
          [&](const Inputs& in) {
            return binary_cross_entropy_with_logits(in[0], in[1], reduction);
          },
          {test::uniform(shape, gen, -3.0f, 3.0f), test::uniform(shape, gen, 0.0f, 1.0f)});
    }
  }
  test::expect_gradcheck(
      [](const Inputs& in) { return binary_cross_entropy_with_logits(in[0], in[1]); },
      {test::transposed({3, 4}, gen, -3.0f, 3.0f), test::sliced({3, 4}, gen, 0.0f, 1.0f)});
}

TEST(GradLossExtra, BinaryCrossEntropyWithLogitsValues) {
  // -[t·log σ(x) + (1 - t)·log(1 - σ(x))], stable where σ saturates.
  Tensor x = from_vector({0.0f, 2.0f, -100.0f, 100.0f}, {4}, true);
  const Tensor t = from_vector({1.0f, 0.0f, 1.0f, 1.0f}, {4});
  const NDArray losses = binary_cross_entropy_with_logits(x, t, "none").data();
  test::expect_close(losses, {std::log(2.0f), 2.0f + std::log1p(std::exp(-2.0f)), 100.0f, 0.0f});
  binary_cross_entropy_with_logits(x, t, "sum").backward();
  test::expect_close(x.grad().data(), {-0.5f, 1.0f / (1.0f + std::exp(-2.0f)), -1.0f, 0.0f});
  test::expect_error(
      [&] {
        binary_cross_entropy_with_logits(x, zeros({2, 2}));
      },
      "binary_cross_entropy_with_logits: target [2, 2] must have the shape of "
      "input [4]");
}

}  // namespace
}  // namespace byo
