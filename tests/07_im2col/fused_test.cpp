// conv2d_sigmoid_avg_pool2d and conv2d_max_pool2d against the ops they fuse (bit for bit,
// values and gradients), their gradchecks, and their errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/conv.h"
#include "byo/fast_kernels.h"
#include "byo/fused.h"
#include "byo/fused_kernels.h"
#include "byo/gemm.h"
#include "byo/gradcheck.h"
#include "byo/ops.h"
#include "support/arrays.h"

namespace byo {
namespace {

struct Case {
  Shape x, w;
  Size2 stride, padding, pool;
};

// LeNet's two layers at batch 128 (ten chunks of thirteen images and a last one of
// eight for the first) and a batch of one; stride 2 with padding; a convolution output
// of 7×9 that leaves a row and a column to the pooling; 3×2 pooling windows; LeNet's
// first layer at batch 37, which leaves the images-in-lanes kernels (src/conv_lanes.cpp)
// a last group of five, and on 27×27 images, whose output leaves a row and a column.
const Case kCases[] = {
    {{128, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}, {2, 2}},
    {{128, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}, {2, 2}},
    {{1, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}, {2, 2}},
    {{3, 2, 9, 8}, {4, 2, 3, 3}, {2, 2}, {1, 1}, {2, 2}},
    {{5, 3, 9, 11}, {2, 3, 3, 3}, {1, 1}, {0, 0}, {2, 2}},
    {{2, 2, 10, 8}, {3, 2, 3, 3}, {1, 1}, {1, 1}, {3, 2}},
    {{37, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}, {2, 2}},
    {{20, 1, 27, 27}, {6, 1, 5, 5}, {1, 1}, {2, 2}, {2, 2}},
};

std::string describe(const Case& c) {
  return shape_str(c.x) + " * " + shape_str(c.w) + " pool " + std::to_string(c.pool[0]) + "x" +
         std::to_string(c.pool[1]);
}

// The result and the gradients of x, weight and bias of `op` for the output gradient go.
struct Outcome {
  std::vector<uint32_t> out, grad_x, grad_w, grad_b;
};

// Without x_grad, x is a constant (as a first layer's images) and grad_x stays empty.
template <class Op>
Outcome outcome(const Op& op, const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& go,
                bool x_grad) {
  Tensor xl = x.detach(), wl = w.detach(), bl = b.detach();
  if (x_grad) xl.requires_grad_();
  wl.requires_grad_();
  bl.requires_grad_();
  const Tensor out = op(xl, wl, bl);
  (out * go).sum().backward();
  return {test::bits(out.data()), x_grad ? test::bits(xl.grad().data()) : std::vector<uint32_t>{},
          test::bits(wl.grad().data()), test::bits(bl.grad().data())};
}

// For every case, under the naive kernels and the fast ones: `fused` and `apart`, each
// (x, w, b, case) → output, give the same bits forward and backward. With `ties`, the top
// half of every image is zero: there the convolution's output is its bias, exactly, so
// whole pooling windows tie and the rule of the first maximum matters.
template <class Fused, class Apart>
void expect_same_bits(const Fused& fused, const Apart& apart, bool ties) {
  for (const bool fast : {false, true}) {
    const KernelsGuard tables(fast ? KernelSet::fast : KernelSet::naive);
    Generator gen(7);
    for (const Case& c : kCases) {
      SCOPED_TRACE(describe(c) + (fast ? " fast" : " naive"));
      const Tensor x = randn(c.x, gen);
      if (ties) x.data().slice(2, 0, c.x[2] / 2).fill_(0.0f);
      const Tensor w = randn(c.w, gen);
      const Tensor b = randn({c.w[0]}, gen);
      const ConvGeometry conv = conv2d_geometry(c.x, c.w, c.stride, c.padding);
      const ConvGeometry pool =
          pool2d_geometry(conv.output_shape(), c.pool, c.pool, {0, 0}, "test");
      const Tensor go = randn(pool.output_shape(), gen);
      const auto with_case = [&c](const auto& op) {
        return [&c, &op](const Tensor& xi, const Tensor& wi, const Tensor& bi) {
          return op(xi, wi, bi, c);
        };
      };
      for (const bool x_grad : {true, false}) {
        SCOPED_TRACE(x_grad ? "x needs its gradient" : "x is a constant");
        const Outcome ours = outcome(with_case(fused), x, w, b, go, x_grad);
        const Outcome theirs = outcome(with_case(apart), x, w, b, go, x_grad);
        EXPECT_EQ(ours.out, theirs.out);
        EXPECT_EQ(ours.grad_x, theirs.grad_x);
        EXPECT_EQ(ours.grad_w, theirs.grad_w);
        EXPECT_EQ(ours.grad_b, theirs.grad_b);
      }
    }
  }
}

TEST(ConvSigmoidAvgPool, SameBitsAsTheThreeOpsWithEitherKernelTable) {
  expect_same_bits(
      [](const Tensor& x, const Tensor& w, const Tensor& b, const Case& c) {
        return conv2d_sigmoid_avg_pool2d(x, w, b, c.stride, c.padding, c.pool);
      },
      [](const Tensor& x, const Tensor& w, const Tensor& b, const Case& c) {
        return avg_pool2d(sigmoid(conv2d(x, w, b, c.stride, c.padding)), c.pool);
      },
      false);
}

TEST(ConvMaxPool, SameBitsAsTheTwoOpsWithEitherKernelTable) {
  expect_same_bits(
      [](const Tensor& x, const Tensor& w, const Tensor& b, const Case& c) {
        return conv2d_max_pool2d(x, w, b, c.stride, c.padding, c.pool);
      },
      [](const Tensor& x, const Tensor& w, const Tensor& b, const Case& c) {
        return max_pool2d(conv2d(x, w, b, c.stride, c.padding), c.pool);
      },
      true);
}

int g_fused_calls = 0;
void counting_max_pool(const ConvGeometry& g, const float* x, const MaxPoolGrad& pooled,
                       float* grad_w, float* grad_bias) {
  ++g_fused_calls;
  conv2d_grad_weight_max_pool_fast(g, x, pooled, grad_w, grad_bias);
}
void counting_sigmoid_avg_pool(const ConvGeometry& g, const float* x,
                               const SigmoidAvgPoolGrad& pooled, float* grad_w, float* grad_bias) {
  ++g_fused_calls;
  conv2d_grad_weight_sigmoid_avg_pool_fast(g, x, pooled, grad_w, grad_bias);
}

// A first layer, whose x needs no gradient, takes the installed fused kernel; a layer
// whose x does needs grad_z, and runs the pooling's and the convolution's kernels apart.
TEST(FusedGradWeight, TakenOnlyWhenXNeedsNoGradient) {
  const KernelsGuard tables(KernelSet::fast);
  fused_kernels().grad_weight_max_pool = &counting_max_pool;
  fused_kernels().grad_weight_sigmoid_avg_pool = &counting_sigmoid_avg_pool;
  Generator gen(4);
  const Tensor w = randn({6, 1, 5, 5}, gen, true), b = randn({6}, gen, true);
  for (const bool max : {true, false}) {
    for (const bool x_grad : {false, true}) {
      g_fused_calls = 0;
      const Tensor x = randn({20, 1, 28, 28}, gen, x_grad);
      const Tensor out = max ? conv2d_max_pool2d(x, w, b, {1, 1}, {2, 2}, {2, 2})
                             : conv2d_sigmoid_avg_pool2d(x, w, b, {1, 1}, {2, 2}, {2, 2});
      out.sum().backward();
      EXPECT_EQ(g_fused_calls, x_grad ? 0 : 1) << (max ? "max" : "sigmoid, avg") << " " << x_grad;
    }
  }
}

TEST(ConvMaxPool, ASecondBackwardWithoutRetainGraphIsAnError) {
  Generator gen(11);
  const Tensor w = randn({2, 1, 3, 3}, gen, true);
  const Tensor out =
      conv2d_max_pool2d(randn({1, 1, 6, 6}, gen), w, Tensor(), {1, 1}, {0, 0}, {2, 2});
  out.sum().backward();
  try {
    out.sum().backward();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("retain_graph"), std::string::npos) << e.what();
  }
}

TEST(ConvSigmoidAvgPool, Gradcheck) {
  const KernelsGuard fast(KernelSet::fast);
  Generator gen(8);
  for (const Case& c : {kCases[3], kCases[4], kCases[5]}) {
    const GradcheckResult result = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return conv2d_sigmoid_avg_pool2d(in[0], in[1], in[2], c.stride, c.padding, c.pool);
        },
        {randn(c.x, gen, true), randn(c.w, gen, true), randn({c.w[0]}, gen, true)});
    EXPECT_TRUE(result.passed()) << describe(c) << " worst " << result.max_abs_error();
  }
}

TEST(ConvMaxPool, Gradcheck) {
  const KernelsGuard fast(KernelSet::fast);
  Generator gen(12);
  for (const Case& c : {kCases[3], kCases[4], kCases[5]}) {
    // eps 1e-3: with these values no central difference moves one output past another in
    // its window, which would move the maximum.
    const GradcheckResult result = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return conv2d_max_pool2d(in[0], in[1], in[2], c.stride, c.padding, c.pool);
        },
        {randn(c.x, gen, true), randn(c.w, gen, true), randn({c.w[0]}, gen, true)},
        GradcheckOptions{.eps = 1e-3});
    EXPECT_TRUE(result.passed()) << describe(c) << " worst " << result.max_abs_error();
  }
}

TEST(ConvSigmoidAvgPool, WithoutBiasWithoutGradAndAnEmptyBatch) {
  const KernelsGuard fast(KernelSet::fast);
  Generator gen(9);
  const Tensor x = randn({2, 1, 6, 6}, gen), w = randn({3, 1, 3, 3}, gen);
  const Tensor out = conv2d_sigmoid_avg_pool2d(x, w, Tensor(), {1, 1}, {1, 1}, {2, 2});
  EXPECT_EQ(out.shape(), (Shape{2, 3, 3, 3}));
  EXPECT_FALSE(out.requires_grad());
  EXPECT_EQ(out.data().to_vector(),
            avg_pool2d(sigmoid(conv2d(x, w, Tensor(), {1, 1}, {1, 1})), {2, 2}).data().to_vector());
  EXPECT_EQ(conv2d_sigmoid_avg_pool2d(zeros({0, 1, 28, 28}), randn({6, 1, 5, 5}, gen), Tensor(),
                                      {1, 1}, {2, 2}, {2, 2})
                .shape(),
            (Shape{0, 6, 14, 14}));
}

TEST(ConvSigmoidAvgPool, RefusesShapesThatCannotWorkNamingThem) {
  const auto message = [](const Shape& x, const Shape& w, const Shape& b, Size2 pool) {
    try {
      conv2d_sigmoid_avg_pool2d(zeros(x), zeros(w), zeros(b), {1, 1}, {0, 0}, pool);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({2, 3, 8, 8}, {4, 2, 3, 3}, {4}, {2, 2}).find("[4, 2, 3, 3]"),
            std::string::npos);
  EXPECT_NE(message({2, 1, 8, 8}, {4, 1, 3, 3}, {5}, {2, 2}).find("bias [5]"), std::string::npos);
  EXPECT_NE(message({2, 1, 4, 4}, {4, 1, 3, 3}, {4}, {3, 3}).find("conv2d_sigmoid_avg_pool2d"),
            std::string::npos);
  try {
    conv2d_max_pool2d(zeros({2, 1, 4, 4}), zeros({4, 1, 3, 3}), zeros({4}), {1, 1}, {0, 0}, {3, 3});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv2d_max_pool2d"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace byo
