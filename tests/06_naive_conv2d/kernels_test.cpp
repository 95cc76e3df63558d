// The loops on inputs small enough to check by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "byo/conv_kernels.h"
#include "byo/pool_kernels.h"

namespace byo {
namespace {

TEST(ConvNaive, TwoByTwoKernelByHand) {
  // x = [[1 2 3],[4 5 6],[7 8 9]], w = [[1 0],[0 -1]], bias 10:
  // out[p][q] = x[p][q] − x[p+1][q+1] + 10 = −4 + 10 everywhere.
  const ConvGeometry g = conv2d_geometry({1, 1, 3, 3}, {1, 1, 2, 2}, {1, 1}, {0, 0});
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> w = {1, 0, 0, -1};
  const float bias = 10;
  std::vector<float> out(4);
  conv2d_forward_naive(g, x.data(), w.data(), &bias, out.data());
  EXPECT_EQ(out, (std::vector<float>{6, 6, 6, 6}));
}

TEST(ConvNaive, PaddingReadsZeros) {
  // A 3×3 kernel of ones with padding 1 sums each cell's neighbourhood.
  const ConvGeometry g = conv2d_geometry({1, 1, 2, 2}, {1, 1, 3, 3}, {1, 1}, {1, 1});
  const std::vector<float> x = {1, 2, 3, 4};
  const std::vector<float> w(9, 1.0f);
  std::vector<float> out(4);
  conv2d_forward_naive(g, x.data(), w.data(), nullptr, out.data());
  EXPECT_EQ(out, (std::vector<float>{10, 10, 10, 10}));
}

TEST(ConvNaive, GradientsByHand) {
  // One 2×2 input, a 1×1 kernel of weight 3 and bias: out = 3x + b.
  const ConvGeometry g = conv2d_geometry({1, 1, 2, 2}, {1, 1, 1, 1}, {1, 1}, {0, 0});
  const std::vector<float> x = {1, 2, 3, 4};
  const std::vector<float> w = {3};
  const std::vector<float> grad_out = {1, 10, 100, 1000};
  std::vector<float> grad_x(4, -1.0f);  // overwritten, not accumulated into
  conv2d_grad_input_naive(g, grad_out.data(), w.data(), grad_x.data());
  EXPECT_EQ(grad_x, (std::vector<float>{3, 30, 300, 3000}));
  float grad_w = -1, grad_b = -1;
  conv2d_grad_weight_naive(g, x.data(), grad_out.data(), &grad_w, &grad_b);
  EXPECT_EQ(grad_w, 1 * 1 + 2 * 10 + 3 * 100 + 4 * 1000);
  EXPECT_EQ(grad_b, 1111);
}

TEST(ConvKernels, NaiveIsInstalledByDefault) {
  EXPECT_STREQ(conv_kernels().name, "naive");
  EXPECT_EQ(conv_kernels().forward, &conv2d_forward_naive);
  EXPECT_EQ(conv_kernels().grad_input, &conv2d_grad_input_naive);
  EXPECT_EQ(conv_kernels().grad_weight, &conv2d_grad_weight_naive);
}

TEST(AvgPool, DivisorCountsPaddingInsideTheBorder) {
  // 2×2 input, kernel 2, stride 2, padding 1: each window holds one real cell and three
  // padded ones, so each output is x/4 (PyTorch's count_include_pad=True).
  const ConvGeometry g = pool2d_geometry({1, 1, 2, 2}, {2, 2}, {2, 2}, {1, 1}, "avg_pool2d");
  ASSERT_EQ(g.output_shape(), (Shape{1, 1, 2, 2}));
  const std::vector<float> x = {4, 8, 12, 16};
  std::vector<float> out(4);
  avg_pool2d_forward(g, x.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
  std::vector<float> grad_x(4);
  const std::vector<float> grad_out = {4, 4, 4, 4};
  avg_pool2d_backward(g, grad_out.data(), grad_x.data());
  EXPECT_EQ(grad_x, (std::vector<float>{1, 1, 1, 1}));
}

TEST(MaxPool, TiesGoToTheFirstCellInRowMajorOrder) {
  const ConvGeometry g = pool2d_geometry({1, 1, 2, 2}, {2, 2}, {2, 2}, {0, 0}, "max_pool2d");
  const std::vector<float> x = {1, 5, 5, 5};  // three cells tie for the maximum
  float out = 0;
  int64_t argmax = -1;
  max_pool2d_forward(g, x.data(), &out, &argmax);
  EXPECT_EQ(out, 5);
  EXPECT_EQ(argmax, 1);  // (h, w) = (0, 1): the first 5
  const float grad_out = 7;
  std::vector<float> grad_x(4, -1.0f);
  max_pool2d_backward(g, &grad_out, &argmax, grad_x.data());
  EXPECT_EQ(grad_x, (std::vector<float>{0, 7, 0, 0}));
}

TEST(MaxPool, PaddingNeverWinsAndNaNPropagates) {
  const ConvGeometry g = pool2d_geometry({1, 1, 2, 2}, {2, 2}, {2, 2}, {1, 1}, "max_pool2d");
  const std::vector<float> x = {-3, -4, -5, std::numeric_limits<float>::quiet_NaN()};
  std::vector<float> out(4);
  std::vector<int64_t> argmax(4);
  max_pool2d_forward(g, x.data(), out.data(), argmax.data());
  // Each window holds one real (negative) cell: padding is −∞, not 0.
  EXPECT_EQ(out[0], -3);
  EXPECT_EQ(out[1], -4);
  EXPECT_EQ(out[2], -5);
  EXPECT_TRUE(std::isnan(out[3]));
  EXPECT_EQ(argmax, (std::vector<int64_t>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace byo
