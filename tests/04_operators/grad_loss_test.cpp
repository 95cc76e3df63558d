// Gradchecks and values of log_softmax, softmax, cross_entropy and mse_loss.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

TEST(GradSoftmax, LogSoftmaxOverEachDim) {
  Generator gen(1);
  for (int64_t dim : {0, 1, 2, -1}) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    test::expect_gradcheck([dim](const Inputs& in) { return log_softmax(in[0], dim); },
                           {test::uniform({2, 3, 4}, gen, -2.0f, 2.0f)});
  }
  test::expect_gradcheck([](const Inputs& in) { return log_softmax(in[0], 1); },
                         {test::transposed({3, 5}, gen, -2.0f, 2.0f)});
}

TEST(GradSoftmax, SoftmaxOverEachDim) {
  Generator gen(2);
  for (int64_t dim : {0, 1, 2, -1}) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    test::expect_gradcheck([dim](const Inputs& in) { return softmax(in[0], dim); },
                           {test::uniform({2, 3, 4}, gen, -2.0f, 2.0f)});
  }
  test::expect_gradcheck([](const Inputs& in) { return softmax(in[0], 0); },
                         {test::sliced({4, 3}, gen, -2.0f, 2.0f)});
}

TEST(GradSoftmax, ValuesAreStableForHugeInputs) {
  Tensor x = from_vector({1000, 1001, 1002, -1000, 0, 1000}, {2, 3});
  Tensor y = log_softmax(x, 1);
  // Row 0 is log_softmax([0, 1, 2]); row 1 is (-2000, -1000, 0) up to exp(-1000) ≈ 0.
  const float lse = std::log(1 + std::exp(1.0f) + std::exp(2.0f));
  test::expect_close(y.data(), {-lse, 1 - lse, 2 - lse, -2000, -1000, 0}, 1e-4f);
  Tensor p = softmax(x, 1);
  test::expect_close(p.data(), {std::exp(-lse), std::exp(1 - lse), std::exp(2 - lse), 0, 0, 1},
                     1e-6f);
}

TEST(GradSoftmax, SoftmaxSumsToOne) {
  Generator gen(3);
  Tensor p = softmax(randn({3, 7}, gen), 1);
  test::expect_close(sum(p, {1}).data(), {1, 1, 1}, 1e-6f);
}

Tensor labels_of(std::vector<float> labels) {
  const auto n = static_cast<int64_t>(labels.size());
  return from_vector(labels, {n});
}

TEST(GradCrossEntropy, Gradcheck) {
  Generator gen(4);
  for (const auto& [n, c] : std::vector<std::pair<int64_t, int64_t>>{{1, 2}, {4, 3}, {5, 10}}) {
    std::vector<float> labels(n);
    for (float& l : labels) l = static_cast<float>(gen.below(c));
    Tensor y = labels_of(labels);
    SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(c));
    test::expect_gradcheck([&y](const Inputs& in) { return cross_entropy(in[0], y); },
                           {test::uniform({n, c}, gen, -2.0f, 2.0f)});
  }
  Tensor y = labels_of({0, 2, 1});
  test::expect_gradcheck([&y](const Inputs& in) { return cross_entropy(in[0], y); },
                         {test::transposed({3, 4}, gen, -2.0f, 2.0f)});
}

TEST(GradCrossEntropy, ValueAndGradientByHand) {
  // Uniform logits over 4 classes: loss = log 4; d/dlogits = (1/4 - onehot)/N.
  Tensor logits = zeros({2, 4}, true);
  Tensor loss = cross_entropy(logits, labels_of({1, 3}));
  EXPECT_NEAR(loss.item(), std::log(4.0f), 1e-6f);
  loss.backward();
  test::expect_close(logits.grad().data(),
                     {0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f});
}

TEST(GradCrossEntropy, StableForHugeLogits) {
  Tensor logits = from_vector({1000, -1000, 0, 500}, {2, 2}, true);
  Tensor loss = cross_entropy(logits, labels_of({1, 0}));
  // Row 0: -log_softmax = 2000; row 1: 500 + log(1 + e^-500) = 500. Mean 1250.
  EXPECT_NEAR(loss.item(), 1250.0f, 1e-3f);
  loss.backward();
  test::expect_close(logits.grad().data(), {0.5f, -0.5f, -0.5f, 0.5f});
}

TEST(GradCrossEntropy, MatchesLogSoftmaxComposition) {
  Generator gen(5);
  Tensor x = randn({6, 5}, gen);
  Tensor y = labels_of({0, 4, 2, 2, 1, 3});
  Tensor lp = log_softmax(x, 1);
  float expected = 0.0f;
  for (int64_t i = 0; i < 6; ++i) {
    expected -= lp.data().at({i, static_cast<int64_t>(y.data().at({i}))});
  }
  EXPECT_NEAR(cross_entropy(x, y).item(), expected / 6, 1e-5f);
}

TEST(GradMseLoss, Gradcheck) {
  Generator gen(6);
  for (const Shape& shape : {Shape{1}, Shape{5}, Shape{3, 4}}) {
    SCOPED_TRACE(shape_str(shape));
    test::expect_gradcheck([](const Inputs& in) { return mse_loss(in[0], in[1]); },
                           {test::uniform(shape, gen), test::uniform(shape, gen)});
  }
  test::expect_gradcheck([](const Inputs& in) { return mse_loss(in[0], in[1]); },
                         {test::transposed({3, 2}, gen), test::sliced({3, 2}, gen)});
}

TEST(GradMseLoss, ValueAndGradientByHand) {
  Tensor x = from_vector({1, 2, 3}, {3}, true);
  Tensor t = from_vector({1, 0, 0}, {3});
  Tensor loss = mse_loss(x, t);
  EXPECT_NEAR(loss.item(), 13.0f / 3.0f, 1e-6f);
  loss.backward();
  test::expect_close(x.grad().data(), {0, 4.0f / 3, 2});
}

}  // namespace
}  // namespace byo
