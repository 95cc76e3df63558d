// The Tensor handle: construction, flags, grad, detach, factories, operators, printing.
#include <gtest/gtest.h>

#include <sstream>

#include "byo/autograd.h"
#include "byo/ops.h"
#include "byo/tensor.h"
#include "test_util.h"

namespace byo {
namespace {

TEST(Tensor, DefaultIsUndefined) {
  Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_FALSE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
  EXPECT_THROW(t.data(), Error);
}

TEST(Tensor, WrapsDataWithoutCopying) {
  NDArray a = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor t(a);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.dim(), 2);
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.size(-1), 3);
  EXPECT_EQ(t.data().storage(), a.storage());
  a.at({1, 2}) = 60.0f;  // the tensor sees writes through the array it wraps
  EXPECT_EQ(t.data().at({1, 2}), 60.0f);
}

TEST(Tensor, CopiesShareOneImpl) {
  Tensor a = zeros({2});
  Tensor b = a;
  b.requires_grad_();
  EXPECT_TRUE(a.requires_grad());
}

TEST(Tensor, FactoriesMakeLeaves) {
  Generator gen(3);
  EXPECT_EQ(ones({2, 2}).data().to_vector(), (std::vector<float>{1, 1, 1, 1}));
  EXPECT_EQ(full({3}, 2.5f).data().to_vector(), (std::vector<float>{2.5f, 2.5f, 2.5f}));
  EXPECT_EQ(zeros({2}, true).requires_grad(), true);
  Tensor r = randn({4, 5}, gen, true);
  EXPECT_TRUE(r.requires_grad());
  EXPECT_TRUE(r.is_leaf());
  Tensor u = rand({100}, gen);
  for (float v : u.data().to_vector()) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LT(v, 1.0f);
  }
  EXPECT_EQ(from_vector({1, 2}, {2, 1}).shape(), (Shape{2, 1}));
}

TEST(Tensor, ItemOfOneElement) {
  EXPECT_EQ(full({1, 1}, 4.0f).item(), 4.0f);
  EXPECT_THROW(zeros({2}).item(), Error);
}

TEST(Tensor, OpResultIsNotALeaf) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor y = x * 3.0f;
  EXPECT_FALSE(y.is_leaf());
  EXPECT_TRUE(y.requires_grad());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "Mul");
  EXPECT_TRUE(x.is_leaf());
  EXPECT_EQ(x.grad_fn(), nullptr);
}

TEST(Tensor, OpOnInputsWithoutGradRecordsNothing) {
  Tensor x = from_vector({1, 2}, {2});
  Tensor y = (x * 3.0f).exp();
  EXPECT_TRUE(y.is_leaf());
  EXPECT_FALSE(y.requires_grad());
}

TEST(Tensor, DetachSharesDataButNotHistory) {
  Tensor x = from_vector({1, 2}, {2}, true);
  Tensor y = x * 2.0f;
  Tensor d = y.detach();
  EXPECT_TRUE(d.is_leaf());
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.data().storage(), y.data().storage());
}

TEST(Tensor, GradIsUndefinedUntilBackward) {
  Tensor x = from_vector({1, 2}, {2}, true);
  EXPECT_FALSE(x.grad().defined());
  (x * x).sum().backward();
  test::expect_close(x.grad().data(), {2, 4});
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Tensor, SetGradChecksShape) {
  Tensor x = zeros({2, 3}, true);
  x.set_grad(ones({2, 3}));
  test::expect_close(x.grad().data(), {1, 1, 1, 1, 1, 1});
  EXPECT_THROW(x.set_grad(ones({3, 2})), Error);
  x.set_grad(Tensor());
  EXPECT_FALSE(x.grad().defined());
}

TEST(Tensor, RequiresGradOffOnlyForLeaves) {
  Tensor x = zeros({2}, true);
  Tensor y = x + 1.0f;
  EXPECT_THROW(y.requires_grad_(false), Error);
  x.requires_grad_(false);
  EXPECT_FALSE(x.requires_grad());
}

TEST(Tensor, ScalarOperatorsOnBothSides) {
  Tensor x = from_vector({1, 2, 4}, {3});
  test::expect_close((x + 1.0f).data(), {2, 3, 5});
  test::expect_close((1.0f + x).data(), {2, 3, 5});
  test::expect_close((x - 1.0f).data(), {0, 1, 3});
  test::expect_close((1.0f - x).data(), {0, -1, -3});
  test::expect_close((x * 2.0f).data(), {2, 4, 8});
  test::expect_close((2.0f * x).data(), {2, 4, 8});
  test::expect_close((x / 2.0f).data(), {0.5f, 1, 2});
  test::expect_close((2.0f / x).data(), {2, 1, 0.5f});
  test::expect_close((-x).data(), {-1, -2, -4});
}

TEST(Tensor, ScalarOperatorGradients) {
  Tensor x = from_vector({1, 2, 4}, {3}, true);
  (2.0f / x + 3.0f * x - 1.0f).sum().backward();
  // d/dx (2/x + 3x) = -2/x² + 3
  test::expect_close(x.grad().data(), {1.0f, 2.5f, 2.875f});
}

TEST(Tensor, MethodsMatchFreeFunctions) {
  Generator gen(1);
  Tensor x = randn({2, 3}, gen);
  EXPECT_TRUE(allclose(x.exp().data(), exp(x).data()));
  EXPECT_TRUE(allclose(x.sum({1}).data(), sum(x, {1}).data()));
  EXPECT_TRUE(allclose(x.transpose(0, 1).data(), transpose(x, 0, 1).data()));
  EXPECT_TRUE(allclose(x.softmax(1).data(), softmax(x, 1).data()));
  EXPECT_TRUE(allclose(x.pow(2.0f).data(), (x * x).data()));
}

TEST(Tensor, PrintsLikePyTorch) {
  std::ostringstream plain, leaf, made;
  plain << from_vector({1, 2}, {2});
  leaf << from_vector({1, 2}, {2}, true);
  made << from_vector({1, 2}, {2}, true) * 2.0f;
  EXPECT_EQ(plain.str().find("requires_grad"), std::string::npos);
  EXPECT_NE(leaf.str().find(", requires_grad=True)"), std::string::npos) << leaf.str();
  EXPECT_NE(made.str().find(", grad_fn=<MulBackward>)"), std::string::npos) << made.str();
  EXPECT_EQ(plain.str().substr(0, 7), "tensor(");
}

}  // namespace
}  // namespace byo
