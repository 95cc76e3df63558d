// Bad input ends in a byo::Error that names the op and the shapes or values.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "byo/ops.h"
#include "support/expect.h"
#include "test_util.h"

namespace byo {
namespace {

using test::expect_error;

TEST(Errors, BinaryOpsNameBothShapes) {
  Tensor a = zeros({2, 3});
  Tensor b = zeros({4});
  expect_error([&] { add(a, b); }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { sub(a, b); }, {"sub", "[2, 3]", "[4]"});
  expect_error([&] { mul(a, b); }, {"mul", "[2, 3]", "[4]"});
  expect_error([&] { div(a, b); }, {"div", "[2, 3]", "[4]"});
}

TEST(Errors, Matmul) {
  expect_error([] { matmul(zeros({2, 3}), zeros({4, 5})); }, {"matmul", "[2, 3]", "[4, 5]"});
  expect_error([] { matmul(zeros({3}), zeros({3, 2})); }, {"matmul", "[3]"});
  expect_error(
      [] {
        matmul(zeros({2, 2, 3}), zeros({3, 3, 2}));
      },
      {"matmul", "[2, 2, 3]", "[3, 3, 2]"});
}

TEST(Errors, Linear) {
  expect_error([] { linear(zeros({2, 3}), zeros({4, 5})); }, {"linear", "[2, 3]", "[4, 5]"});
  expect_error(
      [] {
        linear(zeros({2, 3}), zeros({4, 3}), zeros({5}));
      },
      {"linear", "[5]", "[4, 3]"});
  expect_error([] { linear(zeros({3}), zeros({4, 3})); }, {"linear", "[3]"});
}

TEST(Errors, CrossEntropy) {
  Tensor logits = zeros({3, 4});
  expect_error(
      [&] {
        cross_entropy(logits, from_vector({0, 1, 4}, {3}));
      },
      {"cross_entropy", "4", "out of range", "[3, 4]"});
  expect_error(
      [&] {
        cross_entropy(logits, from_vector({0, -1, 2}, {3}));
      },
      {"cross_entropy", "-1"});
  expect_error(
      [&] {
        cross_entropy(logits, from_vector({0, 1.5f, 2}, {3}));
      },
      {"cross_entropy", "1.5", "not a class index"});
  expect_error(
      [&] {
        cross_entropy(logits, from_vector({0, 1}, {2}));
      },
      {"cross_entropy", "[2]", "[3, 4]"});
  expect_error([] { cross_entropy(zeros({4}), from_vector({0}, {1})); }, {"cross_entropy", "[4]"});
}

TEST(Errors, MseLossShapes) {
  expect_error([] { mse_loss(zeros({2, 3}), zeros({3, 2})); }, {"mse_loss", "[2, 3]", "[3, 2]"});
}

TEST(Errors, ReductionsAndShapes) {
  expect_error([] { sum(zeros({2, 3}), {2}); }, {"sum", "2"});
  expect_error([] { mean(zeros({2, 3}), {0, -2}); }, {"mean", "twice"});
  expect_error([] { max(zeros({2, 3}), 3); }, {"3"});
  expect_error([] { max(zeros({0, 3}), 0); }, {"max", "[0, 3]"});
  expect_error([] { permute(zeros({2, 3}), {0}); }, {"permute", "[2, 3]"});
  expect_error([] { permute(zeros({2, 3}), {1, 1}); }, {"permute", "twice"});
  EXPECT_THROW(reshape(zeros({2, 3}), {4}), Error);
  EXPECT_THROW(view(zeros({2, 3}).transpose(0, 1), {6}), Error);
  EXPECT_THROW(log_softmax(zeros({}), 0), Error);
}

TEST(Errors, UndefinedTensors) {
  expect_error([] { add(Tensor(), zeros({2})); }, {"add", "undefined"});
  expect_error([] { exp(Tensor()); }, {"exp", "undefined"});
  EXPECT_THROW(Tensor().backward(), Error);
}

TEST(Errors, BackwardGradOutputShape) {
  Tensor x = zeros({2, 3}, true);
  expect_error([&] { (x * 2.0f).backward(ones({3, 2})); }, {"backward", "[3, 2]", "[2, 3]"});
  expect_error([&] { (x * 2.0f).backward(); }, {"backward", "[2, 3]"});
}

}  // namespace
}  // namespace byo
