/// @file
/// @brief matmul, 2-D and batched, on contiguous and strided operands; the kernel seam.
#include <gtest/gtest.h>

#include "byo/kernels.h"
#include "byo/ndarray.h"

namespace byo {
namespace {

using Values = std::vector<float>;

// The definition, written independently of the kernel: a double sum over at().
NDArray reference_matmul_2d(const NDArray& a, const NDArray& b) {
  NDArray c = NDArray::zeros({a.size(0), b.size(1)});
  for (int64_t i = 0; i < a.size(0); ++i)
    for (int64_t j = 0; j < b.size(1); ++j) {
      double s = 0;
      for (int64_t k = 0; k < a.size(1); ++k) s += double{a.at({i, k})} * b.at({k, j});
      c.at({i, j}) = static_cast<float>(s);
    }
  return c;
}

TEST(Matmul, HandComputed) {
  const NDArray a = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  const NDArray b = NDArray::from_vector({7, 8, 9, 10, 11, 12}, {3, 2});
  const NDArray c = matmul(a, b);
  EXPECT_EQ(c.shape(), (Shape{2, 2}));
  EXPECT_EQ(c.to_vector(), (Values{58, 64, 139, 154}));
}

TEST(Matmul, TransposedOperandsNeedNoCopy) {
  Generator gen(11);
  const NDArray a = NDArray::randn({5, 4}, gen);
  const NDArray b = NDArray::randn({3, 5}, gen);
  // aᵀ·bᵀ: both operands are column-major views of their storage.
  const NDArray c = matmul(a.transpose(0, 1), b.transpose(0, 1));
  EXPECT_EQ(c.shape(), (Shape{4, 3}));
  EXPECT_TRUE(allclose(
      c, reference_matmul_2d(a.transpose(0, 1).contiguous(), b.transpose(0, 1).contiguous()), 1e-5f,
      1e-6f));
}

TEST(Matmul, SlicedOperandWithOffset) {
  Generator gen(12);
  const NDArray big = NDArray::randn({6, 8}, gen);
  const NDArray a = big.slice(0, 1, 6, 2).slice(1, 2, 7);  // (3, 5), offset 10, row stride 16
  const NDArray b = NDArray::randn({5, 2}, gen);
  EXPECT_TRUE(allclose(matmul(a, b), reference_matmul_2d(a, b), 1e-5f, 1e-6f));
}

TEST(Matmul, Batched) {
  Generator gen(13);
  const NDArray a = NDArray::randn({2, 3, 4, 5}, gen);
  const NDArray b = NDArray::randn({2, 3, 5, 6}, gen);
  const NDArray c = matmul(a, b);
  ASSERT_EQ(c.shape(), (Shape{2, 3, 4, 6}));
  for (int64_t p = 0; p < 2; ++p)
    for (int64_t q = 0; q < 3; ++q) {
      const NDArray expected =
          reference_matmul_2d(a.select(0, p).select(0, q), b.select(0, p).select(0, q));
      EXPECT_TRUE(allclose(c.select(0, p).select(0, q), expected, 1e-5f, 1e-6f))
          << "batch " << p << ", " << q;
    }
}

TEST(Matmul, BatchedPermutedInput) {
  Generator gen(14);
  const NDArray x = NDArray::randn({4, 3, 2}, gen);
  const NDArray a = x.permute({2, 0, 1});  // (2, 4, 3), batch stride 1
  const NDArray b = NDArray::randn({2, 3, 5}, gen);
  const NDArray c = matmul(a, b);
  for (int64_t p = 0; p < 2; ++p) {
    EXPECT_TRUE(allclose(c.select(0, p), reference_matmul_2d(a.select(0, p), b.select(0, p)), 1e-5f,
                         1e-6f));
  }
}

TEST(Matmul, EmptyInnerDimensionGivesZeros) {
  const NDArray c = matmul(NDArray::ones({2, 0}), NDArray::ones({0, 3}));
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.to_vector(), (Values(6, 0.0f)));
  EXPECT_EQ(matmul(NDArray::ones({0, 4}), NDArray::ones({4, 3})).shape(), (Shape{0, 3}));
}

TEST(Matmul, ShapeErrorsNameBothShapes) {
  const NDArray a = NDArray::ones({2, 3});
  for (const auto& [x, y] : std::vector<std::pair<NDArray, NDArray>>{
           {a, NDArray::ones({2, 3})},
           {NDArray::ones({4, 2, 3}), NDArray::ones({5, 3, 2})},
           {NDArray::ones({2, 2, 3}), NDArray::ones({3, 2})},
           {NDArray::ones({3}), NDArray::ones({3, 2})}}) {
    try {
      (void)matmul(x, y);
      FAIL() << shape_str(x.shape()) << " @ " << shape_str(y.shape());
    } catch (const Error& e) {
      EXPECT_NE(e.message().find(shape_str(x.shape())), std::string::npos) << e.message();
      EXPECT_NE(e.message().find(shape_str(y.shape())), std::string::npos) << e.message();
    }
  }
}

TEST(GemmNaive, AccumulateAndStridedOutput) {
  const float a[] = {1, 2, 3, 4};  // (2, 2)
  const float b[] = {5, 6, 7, 8};
  float c[] = {1, 1, 1, 1};
  const ConstMatrixView av{a, 2, 2, 2, 1};
  const ConstMatrixView bv{b, 2, 2, 2, 1};
  gemm_naive(av, bv, MatrixView{c, 2, 2, 2, 1}, /*accumulate=*/true);
  EXPECT_EQ(Values(c, c + 4), (Values{20, 23, 44, 51}));
  // Column-major output, Aᵀ through the view's t().
  gemm_naive(av.t(), bv, MatrixView{c, 2, 2, 1, 2}, false);  // Aᵀ·B = [26 30; 38 44]
  EXPECT_EQ(Values(c, c + 4), (Values{26, 38, 30, 44}));
}

TEST(Kernels, TableStartsNaiveAndIsTheSeam) {
  Kernels& table = kernels();
  EXPECT_STREQ(table.name, "naive");
  EXPECT_EQ(table.gemm, &gemm_naive);
  // A replacement kernel is used by matmul; restore the naive one afterwards.
  static int calls = 0;
  const Kernels saved = table;
  table.gemm = [](ConstMatrixView x, ConstMatrixView y, MatrixView z, bool acc) {
    ++calls;
    gemm_naive(x, y, z, acc);
  };
  (void)matmul(NDArray::ones({3, 2, 2}), NDArray::ones({3, 2, 2}));
  table = saved;
  EXPECT_EQ(calls, 3);  // one call per batch item
}

}  // namespace
}  // namespace byo
