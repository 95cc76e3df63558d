// Gradchecks and values of the elementwise ops, broadcasting and strided inputs included.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/operators.h"
#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

// Shape pairs that broadcast in every way: equal, trailing 1, leading dims, scalar, both.
const std::vector<std::pair<Shape, Shape>> kBroadcastPairs = {
    {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{}, {2, 3}}, {{5}, {}},
};

TEST(GradAdd, BroadcastingShapes) {
  Generator gen(1);
  for (const auto& [sa, sb] : kBroadcastPairs) {
    SCOPED_TRACE(shape_str(sa) + " + " + shape_str(sb));
    test::expect_gradcheck([](const Inputs& in) { return add(in[0], in[1]); },
                           {test::uniform(sa, gen), test::uniform(sb, gen)});
  }
}

TEST(GradSub, BroadcastingShapes) {
  Generator gen(2);
  for (const auto& [sa, sb] : kBroadcastPairs) {
    SCOPED_TRACE(shape_str(sa) + " - " + shape_str(sb));
    test::expect_gradcheck([](const Inputs& in) { return sub(in[0], in[1]); },
                           {test::uniform(sa, gen), test::uniform(sb, gen)});
  }
}

TEST(GradMul, BroadcastingShapes) {
  Generator gen(3);
  for (const auto& [sa, sb] : kBroadcastPairs) {
    SCOPED_TRACE(shape_str(sa) + " * " + shape_str(sb));
    test::expect_gradcheck([](const Inputs& in) { return mul(in[0], in[1]); },
                           {test::uniform(sa, gen), test::uniform(sb, gen)});
  }
}

TEST(GradDiv, BroadcastingShapes) {
  Generator gen(4);
  for (const auto& [sa, sb] : kBroadcastPairs) {
    SCOPED_TRACE(shape_str(sa) + " / " + shape_str(sb));
    test::expect_gradcheck([](const Inputs& in) { return div(in[0], in[1]); },
                           {test::uniform(sa, gen), test::uniform(sb, gen, 0.5f, 2.0f)});
  }
}

TEST(GradBinary, NonContiguousInputs) {
  Generator gen(5);
  const Inputs inputs = {test::transposed({3, 4}, gen), test::sliced({3, 4}, gen, 0.5f, 2.0f)};
  ASSERT_FALSE(inputs[0].data().is_contiguous());
  ASSERT_FALSE(inputs[1].data().is_contiguous());
  test::expect_gradcheck([](const Inputs& in) { return add(in[0], in[1]); }, inputs);
  test::expect_gradcheck([](const Inputs& in) { return sub(in[0], in[1]); }, inputs);
  test::expect_gradcheck([](const Inputs& in) { return mul(in[0], in[1]); }, inputs);
  test::expect_gradcheck([](const Inputs& in) { return div(in[0], in[1]); }, inputs);
}

TEST(GradBinary, OnlyOneInputRequiresGrad) {
  Generator gen(6);
  Tensor a = test::uniform({2, 3}, gen);
  Tensor b = Tensor(NDArray::rand({3}, gen) + 0.5f);  // no grad
  GradcheckResult result = gradcheck([](const Inputs& in) { return div(in[0], in[1]); }, {a, b});
  EXPECT_TRUE(result.passed());
  EXPECT_TRUE(result.inputs[0].checked);
  EXPECT_FALSE(result.inputs[1].checked);
}

TEST(GradBinary, ForwardValuesBroadcast) {
  Tensor a = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = from_vector({10, 20, 30}, {3});
  test::expect_close(add(a, b).data(), {11, 22, 33, 14, 25, 36});
  test::expect_close(sub(a, b).data(), {-9, -18, -27, -6, -15, -24});
  test::expect_close(mul(a, b).data(), {10, 40, 90, 40, 100, 180});
  test::expect_close(div(b, a).data(), {10, 10, 10, 2.5f, 4, 5});
}

TEST(GradBinary, BroadcastGradientIsSummed) {
  Tensor a = ones({2, 3}, true);
  Tensor b = from_vector({1, 2, 3}, {3}, true);
  (a * b).sum().backward();
  test::expect_close(b.grad().data(), {2, 2, 2});
  test::expect_close(a.grad().data(), {1, 2, 3, 1, 2, 3});
}

// The unary ops on several shapes, contiguous and not.
struct UnaryCase {
  const char* name;
  Tensor (*op)(const Tensor&);
  float lo, hi;  // input range: clear of each op's singularities
};

const UnaryCase kUnary[] = {
    {"neg", [](const Tensor& x) { return neg(x); }, -2.0f, 2.0f},
    {"exp", [](const Tensor& x) { return exp(x); }, -2.0f, 2.0f},
    {"log", [](const Tensor& x) { return log(x); }, 0.5f, 3.0f},
    {"sqrt", [](const Tensor& x) { return sqrt(x); }, 0.5f, 3.0f},
    {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, -3.0f, 3.0f},
    {"tanh", [](const Tensor& x) { return tanh(x); }, -2.0f, 2.0f},
    {"pow2", [](const Tensor& x) { return pow(x, 2.0f); }, -2.0f, 2.0f},
    {"pow3", [](const Tensor& x) { return pow(x, 3.0f); }, -2.0f, 2.0f},
    {"pow-1.5", [](const Tensor& x) { return pow(x, -1.5f); }, 0.5f, 2.0f},
    {"pow0.5", [](const Tensor& x) { return pow(x, 0.5f); }, 0.5f, 2.0f},
};

TEST(GradUnary, EveryOpOnSeveralShapes) {
  Generator gen(7);
  for (const UnaryCase& c : kUnary) {
    for (const Shape& shape : {Shape{}, Shape{5}, Shape{3, 4}, Shape{2, 3, 2}}) {
      SCOPED_TRACE(std::string(c.name) + " " + shape_str(shape));
      test::expect_gradcheck([&c](const Inputs& in) { return c.op(in[0]); },
                             {test::uniform(shape, gen, c.lo, c.hi)});
    }
    SCOPED_TRACE(std::string(c.name) + " non-contiguous");
    test::expect_gradcheck([&c](const Inputs& in) { return c.op(in[0]); },
                           {test::transposed({3, 4}, gen, c.lo, c.hi)});
    test::expect_gradcheck([&c](const Inputs& in) { return c.op(in[0]); },
                           {test::sliced({2, 3}, gen, c.lo, c.hi)});
  }
}

TEST(GradUnary, ReluAwayFromTheKink) {
  Generator gen(8);
  for (const Shape& shape : {Shape{6}, Shape{3, 4}}) {
    test::expect_gradcheck([](const Inputs& in) { return relu(in[0]); },
                           {test::away_from_zero(shape, gen)});
  }
  Tensor t = test::away_from_zero({4, 3}, gen);
  test::expect_gradcheck([](const Inputs& in) { return relu(in[0]); },
                         {Tensor(t.data().transpose(0, 1), true)});
}

TEST(GradUnary, ReluGradientAtZeroIsZero) {
  Tensor x = from_vector({-1, 0, 2}, {3}, true);
  relu(x).sum().backward();
  test::expect_close(x.grad().data(), {0, 0, 1});
}

TEST(GradUnary, ForwardValues) {
  Tensor x = from_vector({0.0f, 1.0f, 4.0f}, {3});
  test::expect_close(exp(x).data(), {1.0f, std::exp(1.0f), std::exp(4.0f)}, 1e-4f);
  test::expect_close(sqrt(x).data(), {0, 1, 2});
  test::expect_close(sigmoid(x).data(),
                     {0.5f, 1 / (1 + std::exp(-1.0f)), 1 / (1 + std::exp(-4.0f))});
  test::expect_close(tanh(x).data(), {0.0f, std::tanh(1.0f), std::tanh(4.0f)});
  test::expect_close(pow(x, 2.0f).data(), {0, 1, 16});
  test::expect_close(log(from_vector({1.0f, std::exp(2.0f)}, {2})).data(), {0, 2});
  test::expect_close(relu(from_vector({-1, 3}, {2})).data(), {0, 3});
}

TEST(GradUnary, ChainOfOps) {
  Generator gen(9);
  test::expect_gradcheck(
      [](const Inputs& in) { return (in[0].tanh() * in[1].sigmoid() + in[0].exp()).log(); },
      {test::uniform({3, 3}, gen, 0.1f, 1.0f), test::uniform({3}, gen)});
}

}  // namespace
}  // namespace byo
