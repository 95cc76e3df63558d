// The engine: dependency order, reuse, joins, accumulation, retain_graph, long chains.
#include <gtest/gtest.h>

#include <cmath>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

TEST(Engine, TensorUsedManyTimes) {
  Tensor x = from_vector({3.0f}, {1}, true);
  Tensor y = x * x * x + x;  // dy/dx = 3x² + 1 = 28
  y.sum().backward();
  test::expect_close(x.grad().data(), {28.0f});
}

TEST(Engine, BranchesThatJoin) {
  // A diamond: x -> a, b -> a*b. The node of x's exp must run once, after both branches.
  Tensor x = from_vector({0.5f, -1.0f}, {2}, true);
  Tensor e = x.exp();
  Tensor a = e * 2.0f;
  Tensor b = e + 1.0f;
  (a * b).sum().backward();
  // d/dx [2e(e+1)] = (4e + 2)·e
  std::vector<float> expected;
  for (float v : {0.5f, -1.0f}) {
    const float ev = std::exp(v);
    expected.push_back((4 * ev + 2) * ev);
  }
  test::expect_close(x.grad().data(), expected, 1e-5f);
}

TEST(Engine, AccumulatesAcrossBackwardCalls) {
  Tensor x = from_vector({1, 2}, {2}, true);
  (x * 3.0f).sum().backward();
  (x * 3.0f).sum().backward();
  test::expect_close(x.grad().data(), {6, 6});
}

TEST(Engine, LeafGradDoesNotAliasTheUpstreamGradient) {
  // add's backward passes its gradient through unchanged to both inputs; the two leaves
  // must still own separate buffers, or accumulating into one would change the other.
  Tensor a = zeros({2}, true);
  Tensor b = zeros({2}, true);
  Tensor g = from_vector({1, 2}, {2});
  (a + b).backward(g);
  EXPECT_NE(a.grad().data().storage(), b.grad().data().storage());
  EXPECT_NE(a.grad().data().storage(), g.data().storage());
  (a * 2.0f).sum().backward();
  test::expect_close(a.grad().data(), {3, 4});
  test::expect_close(b.grad().data(), {1, 2});
}

TEST(Engine, ExplicitGradOutput) {
  Tensor x = from_vector({1, 2, 3}, {3}, true);
  Tensor y = x * x;
  y.backward(from_vector({1, 0, -1}, {3}));
  test::expect_close(x.grad().data(), {2, 0, -6});
}

TEST(Engine, ImpliedGradNeedsOneElement) {
  Tensor x = from_vector({1, 2}, {2}, true);
  EXPECT_THROW((x * 2.0f).backward(), Error);
  EXPECT_THROW((x * 2.0f).backward(ones({3})), Error);
}

TEST(Engine, BackwardOnALeaf) {
  Tensor x = from_vector({5.0f}, {}, true);
  x.backward();
  test::expect_close(x.grad().data(), {1.0f});
}

TEST(Engine, OutputThatNeedsNoGradIsAnError) {
  Tensor x = from_vector({1, 2}, {2});
  EXPECT_THROW((x * 2.0f).sum().backward(), Error);
}

TEST(Engine, InputsWithoutRequiresGradGetNoGrad) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor c = from_vector({3, 4}, {2});
  (x * c).sum().backward();
  test::expect_close(x.grad().data(), {3, 4});
  EXPECT_FALSE(c.grad().defined());
}

TEST(Engine, NonLeavesKeepNoGrad) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor y = x * 2.0f;
  y.sum().backward();
  EXPECT_FALSE(y.grad().defined());
}

TEST(Engine, SecondBackwardThroughFreedGraphIsAnError) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor loss = (x * x).sum();
  loss.backward();
  try {
    loss.backward();
    FAIL() << "expected byo::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("retain_graph"), std::string::npos) << e.what();
  }
}

TEST(Engine, RetainGraphAllowsASecondBackward) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor loss = (x * x).sum();
  loss.backward(ones({}), /*retain_graph=*/true);
  loss.backward();
  test::expect_close(x.grad().data(), {4, 8});
}

TEST(Engine, NoGradGuardRecordsNothing) {
  Tensor x = from_vector({1, 2}, {2}, true);
  {
    NoGradGuard guard;
    EXPECT_FALSE(GradMode::is_enabled());
    Tensor y = x * 2.0f;
    EXPECT_TRUE(y.is_leaf());
    EXPECT_FALSE(y.requires_grad());
    { NoGradGuard nested; }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_FALSE((x * 2.0f).is_leaf());
}

TEST(Engine, LongChainBackwardAndDestructionDoNotRecurse) {
  // 100 000 ops in a chain: a recursive engine or recursive graph destruction would
  // overflow the stack.
  Tensor x = from_vector({1.0f}, {1}, true);
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0f;
  y.sum().backward();
  test::expect_close(x.grad().data(), {1.0f});

  Tensor z = x;
  for (int i = 0; i < 100000; ++i) z = z + 0.0f;
  z = Tensor();  // destroys the whole chain
  SUCCEED();
}

// A user-defined op through the extension point: y = x³ with its own Node.
class CubeBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& x = saved(0);
    return {g * 3.0f * x * x};
  }
  std::string name() const override { return "Cube"; }
};

Tensor cube(const Tensor& x) {
  NDArray out = x.data() * x.data() * x.data();
  if (!any_requires_grad({x})) return make_result(out, nullptr, {x});
  auto node = std::make_shared<CubeBackward>();
  node->save_for_backward({x.data()});
  return make_result(out, node, {x});
}

TEST(Engine, CustomNodeThroughMakeResult) {
  Tensor x = from_vector({1, -2}, {2}, true);
  Tensor y = cube(x);
  EXPECT_EQ(y.grad_fn()->name(), "Cube");
  ASSERT_EQ(y.grad_fn()->next_edges().size(), 1u);
  EXPECT_EQ(y.grad_fn()->next_edges()[0].leaf, x.impl());
  y.sum().backward();
  test::expect_close(x.grad().data(), {3, 12});
  EXPECT_TRUE(cube(from_vector({2}, {1})).is_leaf());
}

// A broken op whose backward returns a gradient of the wrong shape.
class WrongShapeBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray&) override { return {NDArray::ones({7})}; }
  std::string name() const override { return "WrongShape"; }
};

TEST(Engine, GradientOfTheWrongShapeIsAnError) {
  Tensor x = zeros({2, 3}, true);
  Tensor y = make_result(x.data().clone(), std::make_shared<WrongShapeBackward>(), {x});
  try {
    y.sum().backward();
    FAIL() << "expected byo::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("WrongShape"), std::string::npos) << message;
    EXPECT_NE(message.find("[7]"), std::string::npos) << message;
    EXPECT_NE(message.find("[2, 3]"), std::string::npos) << message;
  }
}

TEST(Engine, BranchThatReceivesNoGradientStillReleasesItsInputs) {
  // max sends gradient to one input only; the node of b gets an undefined gradient from
  // one edge and a real one from another. The result must still be right.
  Tensor a = from_vector({1, 5}, {2}, true);
  Tensor b = a * 2.0f;
  Tensor m = b.max(0);
  (m + b.sum()).backward();
  test::expect_close(a.grad().data(), {2, 4});
}

}  // namespace
}  // namespace byo
