// Every public header in one program (all_headers.cpp, generated), and a check that the
// two autograd engines that share names, chapter 2's on numbers and chapter 4's on
// tensors, live side by side and each computes its own gradient.
#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "byo/autograd.h"
#include "byo/gradcheck.h"
#include "byo/ops.h"
#include "byo/random.h"
#include "byo/scalar.h"
#include "byo/scalar_gradcheck.h"
#include "byo/tensor.h"

namespace {

// The two Nodes are different types: chapter 2's holds a double, chapter 4's is the
// abstract base of every tensor op's backward.
static_assert(!std::is_same_v<byo::scalar::Node, byo::Node>);
static_assert(std::is_polymorphic_v<byo::Node> && !std::is_polymorphic_v<byo::scalar::Node>);
static_assert(!std::is_same_v<byo::scalar::GradcheckResult, byo::GradcheckResult>);

TEST(AllHeaders, EveryHeaderIsInTheProgram) {
  // Chapters 1-8 and common/ have more than this many public headers; a glob that found
  // none (a moved folder) must not pass silently.
  EXPECT_GE(BYO_HEADER_COUNT, 40);
}

TEST(AllHeaders, ScalarAndTensorAutogradTogether) {
  // d(x*x + x)/dx = 2x + 1 = 7 at x = 3, once with each engine.
  const byo::scalar::Scalar x = 3.0;
  const byo::scalar::Scalar y = x * x + x;
  y.backward();
  const byo::scalar::Node& scalar_node = y.node();
  EXPECT_EQ(scalar_node.op, "+");
  EXPECT_EQ(scalar_node.inputs.size(), 2u);
  EXPECT_DOUBLE_EQ(x.grad(), 7.0);

  const byo::Tensor t = byo::Tensor(byo::NDArray::full({}, 3.0f), /*requires_grad=*/true);
  const byo::Tensor u = t * t + t;
  const std::shared_ptr<byo::Node>& tensor_node = u.grad_fn();
  ASSERT_NE(tensor_node, nullptr);
  EXPECT_EQ(tensor_node->next_edges().size(), 2u);
  u.backward();
  EXPECT_FLOAT_EQ(t.grad().item(), 7.0f);
}

TEST(AllHeaders, EachGradcheckChecksItsOwnKind) {
  const byo::scalar::GradcheckResult on_numbers = byo::scalar::gradcheck(
      [](std::span<const byo::scalar::Scalar> v) { return tanh(v[0] * v[1]); },
      std::vector<double>{0.3, -1.2});
  EXPECT_TRUE(on_numbers.passed) << on_numbers.summary();

  byo::Generator gen(0);
  const std::vector<byo::Tensor> inputs{byo::randn({2, 3}, gen, /*requires_grad=*/true),
                                        byo::randn({3}, gen, /*requires_grad=*/true)};
  const byo::GradcheckResult on_tensors = byo::gradcheck(
      [](const std::vector<byo::Tensor>& v) { return byo::tanh(v[0] * v[1]); }, inputs);
  ASSERT_EQ(on_tensors.inputs.size(), 2u);
  EXPECT_TRUE(on_tensors.passed());
}

}  // namespace
