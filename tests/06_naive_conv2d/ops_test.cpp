// The Tensor ops' contract beyond their values: errors, the graph they record, views.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/conv.h"

namespace byo {
namespace {

TEST(Conv2dOp, RefusesBadShapesNamingThem) {
  Tensor x = zeros({2, 3, 8, 8});
  try {
    conv2d(x, zeros({4, 2, 3, 3}), Tensor());
    FAIL() << "expected a byo::Error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("[2, 3, 8, 8]"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 2, 3, 3]"), std::string::npos) << m;
  }
  EXPECT_THROW(conv2d(x, zeros({4, 3, 3, 3}), zeros({3})), Error);  // bias of 3, not 4
  EXPECT_THROW(conv2d(zeros({3, 8, 8}), zeros({4, 3, 3, 3}), Tensor()), Error);
  EXPECT_THROW(max_pool2d(zeros({8, 8}), {2, 2}), Error);
  EXPECT_THROW(avg_pool2d(x, {9, 9}), Error);
}

TEST(Conv2dOp, RecordsAGraphOnlyWhenAsked) {
  Tensor x = ones({1, 1, 4, 4}, true);
  Tensor w = ones({1, 1, 3, 3});
  Tensor y = conv2d(x, w, Tensor());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "Conv2d");
  {
    NoGradGuard guard;
    EXPECT_EQ(conv2d(x, w, Tensor()).grad_fn(), nullptr);
    EXPECT_EQ(max_pool2d(x, {2, 2}).grad_fn(), nullptr);
  }
  EXPECT_EQ(conv2d(ones({1, 1, 4, 4}), w, Tensor()).grad_fn(), nullptr);
  EXPECT_EQ(max_pool2d(x, {2, 2}).grad_fn()->name(), "MaxPool2d");
  EXPECT_EQ(avg_pool2d(x, {2, 2}).grad_fn()->name(), "AvgPool2d");
}

TEST(Conv2dOp, OnlyTheInputsThatNeedItGetAGradient) {
  Tensor x = ones({1, 1, 4, 4});
  Tensor w = ones({2, 1, 3, 3}, true);
  Tensor b = zeros({2}, true);
  conv2d(x, w, b).sum().backward();
  EXPECT_FALSE(x.grad().defined());
  // Each of the 2×2 outputs reads every tap once: ∂sum/∂w = 4 for every tap.
  EXPECT_TRUE(allclose(w.grad().data(), NDArray::full({2, 1, 3, 3}, 4.0f)));
  EXPECT_TRUE(allclose(b.grad().data(), NDArray::full({2}, 4.0f)));
}

// conv2d_backward is what conv2d's node runs: called on that node, it gives the same
// gradients, and none for an input the node does not need.
TEST(Conv2dOp, ItsBackwardAsAFunctionGivesTheNodesGradients) {
  Generator gen(6);
  const Tensor x = randn({2, 3, 7, 6}, gen);
  const Tensor w = randn({4, 3, 3, 2}, gen, true);
  const Tensor b = randn({4}, gen);
  const Tensor y = conv2d(x, w, b, {2, 1}, {1, 0});
  const Tensor go = randn(y.shape(), gen);
  const ConvGeometry g = conv2d_geometry(x.shape(), w.shape(), {2, 1}, {1, 0});
  const std::vector<NDArray> grads =
      conv2d_backward(*y.grad_fn(), g, x.data(), w.data(), true, go.data());
  y.backward(go);
  ASSERT_EQ(grads.size(), 3u);
  EXPECT_FALSE(grads[0].defined());
  ASSERT_TRUE(grads[1].defined());
  EXPECT_EQ(grads[1].to_vector(), w.grad().data().to_vector());
  EXPECT_FALSE(grads[2].defined());
}

TEST(MaxPool2dOp, SecondBackwardNeedsRetainGraph) {
  Tensor x = from_vector({1, 2, 3, 4}, {1, 1, 2, 2}, true);
  Tensor y = max_pool2d(x, {2, 2}).sum();
  y.backward();
  EXPECT_THROW(y.backward(), Error);
  Tensor z = max_pool2d(x, {2, 2}).sum();
  z.backward(ones({}), /*retain_graph=*/true);
  z.backward(ones({}), /*retain_graph=*/true);
  // Three backwards in all reached x's maximum (the 4): 1 + 1 + 1.
  EXPECT_EQ(x.grad().data().at({0, 0, 1, 1}), 3.0f);
  EXPECT_EQ(x.grad().data().at({0, 0, 0, 0}), 0.0f);
}

}  // namespace
}  // namespace byo
