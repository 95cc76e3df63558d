// Gradchecks and values of matmul (2-D, batched, folded) and linear.
#include <gtest/gtest.h>

#include <array>

#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

Tensor matmul_fn(const Inputs& in) { return matmul(in[0], in[1]); }

TEST(GradMatmul, TwoDimensional) {
  Generator gen(1);
  for (const auto& [m, k, n] :
       std::vector<std::array<int64_t, 3>>{{1, 1, 1}, {2, 3, 4}, {5, 2, 3}, {4, 6, 1}}) {
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
    test::expect_gradcheck(matmul_fn, {test::uniform({m, k}, gen), test::uniform({k, n}, gen)});
  }
}

TEST(GradMatmul, TransposedAndSlicedOperands) {
  Generator gen(2);
  test::expect_gradcheck(matmul_fn, {test::transposed({3, 4}, gen), test::sliced({4, 2}, gen)});
  test::expect_gradcheck(matmul_fn, {test::sliced({2, 3}, gen), test::transposed({3, 5}, gen)});
}

TEST(GradMatmul, Batched) {
  Generator gen(3);
  test::expect_gradcheck(matmul_fn, {test::uniform({2, 3, 4}, gen), test::uniform({2, 4, 2}, gen)});
  test::expect_gradcheck(matmul_fn,
                         {test::uniform({2, 2, 3, 2}, gen), test::uniform({2, 2, 2, 3}, gen)});
  Tensor strided(test::uniform({2, 4, 3}, gen).data().transpose(1, 2), true);
  test::expect_gradcheck(matmul_fn, {strided, test::uniform({2, 4, 2}, gen)});
}

TEST(GradMatmul, BatchedTimesMatrix) {
  Generator gen(4);
  test::expect_gradcheck(matmul_fn, {test::uniform({2, 3, 4}, gen), test::uniform({4, 5}, gen)});
  test::expect_gradcheck(matmul_fn,
                         {test::uniform({2, 2, 2, 3}, gen), test::transposed({3, 2}, gen)});
}

TEST(GradMatmul, ForwardValues) {
  Tensor a = from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = from_vector({1, 0, 0, 1, 1, 1}, {3, 2});
  test::expect_close(matmul(a, b).data(), {4, 5, 10, 11});
  Tensor batched = from_vector({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  Tensor eye = from_vector({1, 0, 0, 1}, {2, 2});
  test::expect_close(matmul(batched, eye).data(), {1, 2, 3, 4, 5, 6, 7, 8});
  EXPECT_EQ(matmul(batched, eye).shape(), (Shape{2, 2, 2}));
}

TEST(GradMatmul, HandComputedGradients) {
  // d/dA sum(A·B) = 1·Bᵀ: each row of the gradient is B's row sums.
  Tensor a = from_vector({1, 2, 3, 4}, {2, 2}, true);
  Tensor b = from_vector({1, 2, 3, 4}, {2, 2}, true);
  matmul(a, b).sum().backward();
  test::expect_close(a.grad().data(), {3, 7, 3, 7});
  test::expect_close(b.grad().data(), {4, 4, 6, 6});
}

Tensor linear_fn(const Inputs& in) {
  return linear(in[0], in[1], in.size() > 2 ? in[2] : Tensor());
}

TEST(GradLinear, WithAndWithoutBias) {
  Generator gen(5);
  for (const auto& [n, in, out] :
       std::vector<std::array<int64_t, 3>>{{1, 1, 1}, {4, 3, 2}, {2, 5, 3}}) {
    SCOPED_TRACE(std::to_string(n) + "," + std::to_string(in) + "," + std::to_string(out));
    test::expect_gradcheck(linear_fn, {test::uniform({n, in}, gen), test::uniform({out, in}, gen),
                                       test::uniform({out}, gen)});
    test::expect_gradcheck(linear_fn, {test::uniform({n, in}, gen), test::uniform({out, in}, gen)});
  }
}

TEST(GradLinear, NonContiguousOperands) {
  Generator gen(6);
  test::expect_gradcheck(linear_fn, {test::transposed({3, 4}, gen), test::sliced({2, 4}, gen),
                                     test::sliced({2}, gen)});
}

TEST(GradLinear, MatchesMatmulPlusBias) {
  Generator gen(7);
  Tensor x = randn({4, 3}, gen);
  Tensor w = randn({2, 3}, gen);
  Tensor b = randn({2}, gen);
  Tensor expected = matmul(x, w.transpose(0, 1)) + b;
  EXPECT_TRUE(allclose(linear(x, w, b).data(), expected.data(), 1e-5f, 1e-6f));
  EXPECT_TRUE(allclose(linear(x, w).data(), matmul(x, w.transpose(0, 1)).data(), 1e-5f, 1e-6f));
}

}  // namespace
}  // namespace byo
