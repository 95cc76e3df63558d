// backward(): topological order, shared nodes, a second pass, zero_grad, user operations.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "byo/check.h"
#include "byo/scalar.h"

namespace byo::scalar {
namespace {

TEST(Backward, TopologicalSortPutsInputsFirst) {
  Scalar a(1.0, "a"), b(2.0, "b");
  Scalar c = (a * b).set_label("c");
  Scalar d = (c + a).set_label("d");
  Scalar e = (d * c).set_label("e");
  const std::vector<Node*> order = topological_sort(e.node());
  ASSERT_EQ(order.size(), 5u);  // a, b, c, d, e: each once although a and c are used twice
  EXPECT_EQ(order.back(), &e.node());
  const auto position = [&](const Scalar& s) {
    return std::find(order.begin(), order.end(), &s.node()) - order.begin();
  };
  EXPECT_LT(position(a), position(c));
  EXPECT_LT(position(b), position(c));
  EXPECT_LT(position(c), position(d));
  EXPECT_LT(position(d), position(e));
}

TEST(Backward, ValueUsedTwiceGetsBothContributions) {
  Scalar a = 3.0;
  Scalar b = a + a;  // 2a
  Scalar c = b + b;  // 4a
  c.backward();
  EXPECT_DOUBLE_EQ(c.data(), 12.0);
  EXPECT_DOUBLE_EQ(b.grad(), 2.0);
  EXPECT_DOUBLE_EQ(a.grad(), 4.0);

  Scalar x = -2.0;
  Scalar sq = x * x;  // the same node on both sides of one operation
  sq.backward();
  EXPECT_DOUBLE_EQ(x.grad(), -4.0);
}

TEST(Backward, DiamondGraph) {
  // y = (x + 1) * (x - 1) = x^2 - 1: x reaches y along two paths.
  Scalar x = 5.0;
  Scalar y = (x + 1.0) * (x - 1.0);
  y.backward();
  EXPECT_DOUBLE_EQ(y.data(), 24.0);
  EXPECT_DOUBLE_EQ(x.grad(), 10.0);
}

// The documented choice: leaves accumulate (as PyTorch), interior nodes are recomputed.
TEST(Backward, SecondBackwardAccumulatesIntoLeavesOnly) {
  Scalar a = 2.0, b = -3.0;
  Scalar c = a * b;
  Scalar d = tanh(c * 0.1);
  d.backward();
  const double da = a.grad(), db = b.grad(), dc = c.grad();
  EXPECT_DOUBLE_EQ(da, b.data() * dc);
  d.backward();
  EXPECT_DOUBLE_EQ(a.grad(), 2 * da);  // leaf: accumulated
  EXPECT_DOUBLE_EQ(b.grad(), 2 * db);
  EXPECT_DOUBLE_EQ(c.grad(), dc);   // interior: this pass only
  EXPECT_DOUBLE_EQ(d.grad(), 1.0);  // the root is seeded with 1, not 2
}

TEST(Backward, ZeroGradThenBackwardGivesOnePassAgain) {
  Scalar a = 2.0, b = -3.0;
  Scalar c = a * b + a;
  c.backward();
  c.backward();
  EXPECT_DOUBLE_EQ(a.grad(), 2 * (b.data() + 1.0));
  a.zero_grad();
  b.zero_grad();
  EXPECT_EQ(a.grad(), 0.0);
  c.backward();
  EXPECT_DOUBLE_EQ(a.grad(), b.data() + 1.0);
  EXPECT_DOUBLE_EQ(b.grad(), a.data());
}

TEST(Backward, GradientsOfTwoResultsAddUpInSharedLeaves) {
  // As PyTorch: x.grad after y.backward(); z.backward() is dy/dx + dz/dx.
  Scalar x = 1.5;
  Scalar y = x * x;
  Scalar z = exp(x);
  y.backward();
  z.backward();
  EXPECT_DOUBLE_EQ(x.grad(), 3.0 + std::exp(1.5));
}

TEST(Backward, BackwardOfALeafSeedsItsGradient) {
  Scalar x = 7.0;
  x.backward();
  EXPECT_EQ(x.grad(), 1.0);
  x.backward();
  EXPECT_EQ(x.grad(), 2.0);  // a leaf, so it accumulates
}

TEST(Backward, CopiesShareTheNode) {
  Scalar x = 1.0;
  Scalar alias = x;
  alias.set_data(4.0);
  EXPECT_EQ(x.data(), 4.0);
  Scalar y = x * alias;  // the same node twice: d(x^2)/dx = 8
  y.backward();
  EXPECT_EQ(x.grad(), 8.0);
  EXPECT_EQ(&x.node(), &alias.node());
}

Scalar cube(const Scalar& x) {
  return Scalar::make(x.data() * x.data() * x.data(), {x}, "cube", [](const Node& out) {
    Node& in = out.input(0);
    in.grad += 3.0 * in.data * in.data * out.grad;
  });
}

TEST(Backward, UserDefinedOperationThroughMake) {
  Scalar x = -2.0;
  Scalar y = cube(x) * 2.0;
  y.backward();
  EXPECT_EQ(y.data(), -16.0);
  EXPECT_EQ(x.grad(), 24.0);
  EXPECT_EQ(cube(x).op(), "cube");
  EXPECT_FALSE(cube(x).node().is_leaf());
}

TEST(Backward, MakeRejectsInconsistentNodes) {
  Scalar x = 1.0;
  try {
    Scalar::make(1.0, {x}, "broken", nullptr);
    FAIL() << "an operation without a backward function was accepted";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("broken"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("1 inputs"), std::string::npos) << e.message();
  }
  EXPECT_THROW(Scalar::make(1.0, {}, "leaf", [](const Node&) {}), Error);
}

TEST(Backward, LabelsAndOps) {
  Scalar w(0.5, "w");
  EXPECT_EQ(w.label(), "w");
  EXPECT_EQ(w.op(), "");
  EXPECT_TRUE(w.node().is_leaf());
  Scalar y = (w * 2.0).set_label("y");
  EXPECT_EQ(y.label(), "y");
  EXPECT_EQ(y.op(), "*");
  EXPECT_EQ(y.node().inputs.size(), 2u);
}

}  // namespace
}  // namespace byo::scalar
