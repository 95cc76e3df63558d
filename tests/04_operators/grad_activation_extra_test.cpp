// Gradchecks, values and refusals of abs, clamp, maximum, minimum, where, min, argmax,
// log1p, leaky_relu and gelu.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/operators.h"
#include "byo/ops.h"
#include "support/expect.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

// Each unary op on contiguous, transposed and sliced inputs of several shapes.
void check_unary(const std::function<Tensor(const Tensor&)>& op, Generator& gen, bool kinked) {
  for (const Shape& shape : {Shape{7}, Shape{3, 4}, Shape{2, 3, 2}}) {
    SCOPED_TRACE(shape_str(shape));
    Tensor x = kinked ? test::away_from_zero(shape, gen) : test::uniform(shape, gen, -2.0f, 2.0f);
    test::expect_gradcheck([&](const Inputs& in) { return op(in[0]); }, {x});
  }
  test::expect_gradcheck(
      [&](const Inputs& in) { return op(in[0]); },
      {kinked ? Tensor(test::away_from_zero({4, 3}, gen).data().transpose(0, 1), true)
              : test::transposed({3, 4}, gen, -2.0f, 2.0f)});
  test::expect_gradcheck([&](const Inputs& in) { return op(in[0]); },
                         {test::sliced({2, 3}, gen, 0.2f, 1.5f)});
}

TEST(GradActivationExtra, Abs) {
  Generator gen(1);
  check_unary([](const Tensor& x) { return abs(x); }, gen, true);
  Tensor x = from_vector({-2, 0, 3}, {3}, true);
  test::expect_close(abs(x).data(), {2, 0, 3});
  abs(x).sum().backward();
  test::expect_close(x.grad().data(), {-1, 0, 1});  // sign(0) = 0, as PyTorch
}

TEST(GradActivationExtra, Clamp) {
  Generator gen(2);
  // Inputs in ±[0.2, 1.2); bounds at ±0.7 and 0.05 sit between the checked points.
  auto clear = [](const Shape& shape, Generator& g) {
    return Tensor(test::away_from_zero(shape, g).data().map([](float v) {
      return std::fabs(std::fabs(v) - 0.7f) < 0.03f ? v * 1.1f : v;
    }),
                  true);
  };
  for (const Shape& shape : {Shape{8}, Shape{3, 4}}) {
    test::expect_gradcheck([](const Inputs& in) { return clamp(in[0], -0.7f, 0.7f); },
                           {clear(shape, gen)});
    test::expect_gradcheck([](const Inputs& in) { return clamp(in[0], 0.05f); },
                           {clear(shape, gen)});
    test::expect_gradcheck([](const Inputs& in) { return clamp(in[0], std::nullopt, -0.7f); },
                           {clear(shape, gen)});
  }
  Tensor x = from_vector({-3, -1, 0, 1, 3}, {5}, true);
  test::expect_close(clamp(x, -1.0f, 2.0f).data(), {-1, -1, 0, 1, 2});
  test::expect_close(clamp(x, 2.0f, 1.0f).data(), {1, 1, 1, 1, 1});  // min > max: all max
  clamp(x, -1.0f, 2.0f).sum().backward();
  test::expect_close(x.grad().data(), {0, 1, 1, 1, 0});  // the bound itself passes
  test::expect_error([&] { clamp(x, std::nullopt, std::nullopt); },
                     "clamp: at least one of min and max");
  EXPECT_TRUE(std::isnan(clamp(from_vector({NAN}, {1}), 0.0f, 1.0f).item()));
}

// x's values, in place, moved onto the grid offset + 0.1·k: a's on offset 0 and b's on
// 0.05 differ by at least 0.05 everywhere, far from the kink a = b compared with the step.
Tensor on_grid(const Tensor& x, float offset) {
  x.data().copy_(
      x.data().map([offset](float v) { return std::round(v * 10.0f) / 10.0f + offset; }));
  return x;
}

TEST(GradActivationExtra, MaximumAndMinimum) {
  Generator gen(3);
  for (const auto& [sa, sb] :
       {std::pair<Shape, Shape>{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 1, 3}, {4, 1}}}) {
    SCOPED_TRACE(shape_str(sa) + " vs " + shape_str(sb));
    test::expect_gradcheck(
        [](const Inputs& in) { return maximum(in[0], in[1]); },
        {on_grid(test::uniform(sa, gen), 0.0f), on_grid(test::uniform(sb, gen), 0.05f)});
    test::expect_gradcheck(
        [](const Inputs& in) { return minimum(in[0], in[1]); },
        {on_grid(test::uniform(sa, gen), 0.0f), on_grid(test::uniform(sb, gen), 0.05f)});
  }
  test::expect_gradcheck(
      [](const Inputs& in) { return maximum(in[0], in[1]); },
      {on_grid(test::transposed({3, 4}, gen), 0.0f), on_grid(test::sliced({3, 4}, gen), 0.05f)});
  Tensor a = from_vector({1, 5, 3}, {3}, true);
  Tensor b = from_vector({2, 4, 3}, {3}, true);
  test::expect_close(maximum(a, b).data(), {2, 5, 3});
  test::expect_close(minimum(a, b).data(), {1, 4, 3});
  maximum(a, b).sum().backward();
  test::expect_close(a.grad().data(), {0, 1, 0.5f});  // a tie splits the gradient
  test::expect_close(b.grad().data(), {1, 0, 0.5f});
  test::expect_error([&] { maximum(a, zeros({2})); }, "maximum");
}

TEST(GradActivationExtra, Where) {
  Generator gen(4);
  Tensor cond = Tensor(NDArray::from_vector({1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1}, {3, 4}));
  test::expect_gradcheck([&](const Inputs& in) { return where(cond, in[0], in[1]); },
                         {test::uniform({3, 4}, gen), test::uniform({3, 4}, gen)});
  // Broadcasting: a row for a, a column for b, and a condition over both.
  test::expect_gradcheck([&](const Inputs& in) { return where(cond, in[0], in[1]); },
                         {test::uniform({4}, gen), test::uniform({3, 1}, gen)});
  test::expect_gradcheck(
      [&](const Inputs& in) {
        return where(Tensor(NDArray::from_vector({0, 1}, {2, 1, 1})), in[0], in[1]);
      },
      {test::transposed({3, 4}, gen), test::uniform({1}, gen)});
  Tensor a = from_vector({1, 2, 3}, {3}, true);
  Tensor b = from_vector({10}, {1}, true);
  Tensor y = where(from_vector({1, 0, 1}, {3}), a, b);
  test::expect_close(y.data(), {1, 10, 3});
  y.sum().backward();
  test::expect_close(a.grad().data(), {1, 0, 1});
  test::expect_close(b.grad().data(), {1});
  test::expect_error([&] { where(zeros({2}), a, b); }, "where");
}

TEST(GradActivationExtra, MinAndArgmax) {
  Generator gen(5);
  for (int64_t dim : {0, 1, -1}) {
    SCOPED_TRACE(dim);
    test::expect_gradcheck([dim](const Inputs& in) { return min(in[0], dim); },
                           {test::uniform({3, 4}, gen)});
    test::expect_gradcheck([dim](const Inputs& in) { return min(in[0], dim, true); },
                           {test::transposed({3, 4}, gen)});
  }
  Tensor x = from_vector({3, 1, 1, 2, 5, 0}, {2, 3}, true);
  test::expect_close(min(x, 1).data(), {1, 0});
  min(x, 1).sum().backward();
  test::expect_close(x.grad().data(), {0, 1, 0, 0, 0, 1});  // the first of the tied minima
  test::expect_close(argmax(x, 1).data(), {0, 1});
  test::expect_close(argmax(x, 0).data(), {0, 1, 0});
  EXPECT_EQ(argmax(x, 1, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(argmax(x).item(), 4.0f);
  EXPECT_FALSE(argmax(x, 0).requires_grad());
  test::expect_error([&] { argmax(x, 2); }, "argmax");
  test::expect_error([&] { min(Tensor(NDArray::scalar(1.0f)), 0); }, "min: a 0-d tensor");
  test::expect_error([&] { argmax(zeros({0})); }, "argmax: the tensor of shape [0] is empty");
}

TEST(GradActivationExtra, Log1p) {
  Generator gen(6);
  for (const Shape& shape : {Shape{5}, Shape{2, 3}}) {
    test::expect_gradcheck([](const Inputs& in) { return log1p(in[0]); },
                           {test::uniform(shape, gen, -0.5f, 2.0f)});
  }
  test::expect_gradcheck([](const Inputs& in) { return log1p(in[0]); },
                         {test::transposed({2, 3}, gen, -0.5f, 2.0f)});
  EXPECT_FLOAT_EQ(log1p(from_vector({1e-7f}, {1})).item(),
                  1e-7f);  // where log(1 + x) gives 1.19e-7
}

TEST(GradActivationExtra, LeakyRelu) {
  Generator gen(7);
  check_unary([](const Tensor& x) { return leaky_relu(x); }, gen, true);
  check_unary([](const Tensor& x) { return leaky_relu(x, 0.2f); }, gen, true);
  Tensor x = from_vector({-2, 3}, {2}, true);
  test::expect_close(leaky_relu(x, 0.1f).data(), {-0.2f, 3});
  leaky_relu(x, 0.1f).sum().backward();
  test::expect_close(x.grad().data(), {0.1f, 1});
}

TEST(GradActivationExtra, Gelu) {
  Generator gen(8);
  check_unary([](const Tensor& x) { return gelu(x); }, gen, false);
  check_unary([](const Tensor& x) { return gelu(x, "tanh"); }, gen, false);
  // torch.nn.functional.gelu(torch.tensor([-1., 0.5, 2.])) and with approximate='tanh'.
  test::expect_close(gelu(from_vector({-1, 0.5f, 2}, {3})).data(),
                     {-0.158655286f, 0.345731199f, 1.95449996f});
  test::expect_close(gelu(from_vector({-1, 0.5f, 2}, {3}), "tanh").data(),
                     {-0.158807993f, 0.345714003f, 1.95459771f});
  test::expect_error([&] { gelu(zeros({1}), "fast"); }, "gelu: approximate must be");
}

}  // namespace
}  // namespace byo
