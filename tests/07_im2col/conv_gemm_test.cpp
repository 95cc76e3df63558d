// The im2col + GEMM convolution kernels against chapter 6's loops, and through the seam.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "byo/conv.h"
#include "byo/conv_gemm.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "byo/gradcheck.h"
#include "byo/pool_fast.h"
#include "support/threads.h"

namespace byo {
namespace {

struct Case {
  Shape x, w;
  Size2 stride, padding;
};

// Awkward shapes: 1×1 kernels, sizes that are no multiple of any block, stride 2, padding,
// rectangular kernels, batches smaller and larger than the thread count, LeNet's layers,
// a batch that does not fill its last block of images.
const Case kCases[] = {
    {{1, 1, 5, 5}, {1, 1, 1, 1}, {1, 1}, {0, 0}},
    {{2, 3, 7, 6}, {4, 3, 3, 3}, {2, 2}, {1, 1}},
    {{3, 2, 9, 8}, {5, 2, 3, 2}, {1, 2}, {2, 0}},
    {{1, 4, 6, 6}, {3, 4, 5, 5}, {1, 1}, {2, 2}},
    {{5, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
    {{4, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
    // LeNet's second layer at batch 9: blocks of four images and a last block of one; at
    // batch 21, six blocks, whose weight-gradient sums fill one set of four and one of two.
    {{9, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
    {{21, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
    {{2, 3, 4, 4}, {7, 3, 4, 4}, {1, 1}, {0, 0}},
    {{3, 2, 11, 13}, {3, 2, 3, 3}, {2, 2}, {0, 0}},
    // One input channel and stride 1: the direct kernels (conv_direct.cpp). Odd widths,
    // more filters than one pass of 6, padding up to kernel − 1, rectangular kernels;
    // output rows of 20 and 40, whose last vector overlaps the one before.
    {{3, 1, 9, 8}, {7, 1, 3, 2}, {1, 1}, {2, 1}},
    {{1, 1, 5, 21}, {2, 1, 2, 2}, {1, 1}, {0, 0}},
    {{2, 1, 6, 40}, {7, 1, 3, 3}, {1, 1}, {1, 1}},
    {{2, 1, 6, 13}, {13, 1, 4, 4}, {1, 1}, {3, 3}},
    {{1, 1, 3, 3}, {2, 1, 3, 3}, {1, 1}, {0, 0}},
    {{2, 1, 17, 5}, {1, 1, 2, 5}, {1, 1}, {1, 0}},
    // Several channels and stride 1: the filters-in-lanes kernels (conv_wide.cpp). More
    // filters than one vector with a partial last one (with AVX2, a pass of two filter
    // vectors and one of one), rows longer than one pass of 12 pixels (6 with AVX2), a
    // rectangular kernel with padding, padding wider than the kernel, and a 6×6 kernel
    // (forward only: its weight gradient goes back to im2col + GEMM).
    {{3, 2, 7, 15}, {17, 2, 3, 3}, {1, 1}, {1, 1}},
    {{2, 3, 9, 8}, {5, 3, 2, 5}, {1, 1}, {1, 2}},
    {{2, 2, 8, 8}, {4, 2, 6, 6}, {1, 1}, {0, 0}},
    {{1, 2, 4, 4}, {3, 2, 2, 2}, {1, 1}, {2, 2}},
    // Windows five wide, whose kernels hold a row of weights or of output gradients in
    // registers: rows of 17 (passes of 9 and 8 pixels) and 13 outputs, an odd number of
    // rows; rows of 9 and 12 with 5×5 windows, whose weight gradient goes by kernel rows.
    // Wide planes of 34 and 64 floats for the input gradient: with AVX2, a chunk of 5
    // vectors, and chunks of 6 and 2.
    {{2, 3, 7, 17}, {18, 3, 3, 5}, {1, 1}, {1, 2}},
    {{2, 2, 6, 17}, {4, 2, 5, 5}, {1, 1}, {0, 0}},
    {{3, 2, 9, 11}, {5, 2, 5, 5}, {1, 1}, {0, 1}},
    {{1, 3, 8, 16}, {17, 3, 5, 5}, {1, 1}, {0, 0}},
    // Batches of 16 or more with windows five wide and no padding: the images-in-lanes
    // input gradient (conv_lanes.cpp). LeNet's second layer in one group of 16 images
    // (two with AVX2) and in two groups and five images; output rows of 5 (three kernel
    // rows, a last group of one image) and of 11, the widest; rows of 12 go back to
    // conv_wide.cpp (with AVX2, to its wide plane in chunks of 6 and 4 vectors).
    {{16, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
    {{37, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}},
    {{17, 2, 7, 9}, {3, 2, 3, 5}, {1, 1}, {0, 0}},
    {{16, 3, 6, 15}, {4, 3, 2, 5}, {1, 1}, {0, 0}},
    {{16, 2, 6, 16}, {3, 2, 2, 5}, {1, 1}, {0, 0}},
    // One input channel, windows five wide, batches of 16 or more: the images-in-lanes
    // weight gradient. LeNet's first layer; seven filters (passes of three, three and one;
    // with AVX2 two, two, two and one) with a last group of five images (AVX2: 8 + 8 + 5);
    // two filters with padding of one row and no column.
    {{16, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
    {{21, 1, 9, 12}, {7, 1, 3, 5}, {1, 1}, {1, 2}},
    {{16, 1, 6, 7}, {2, 1, 2, 5}, {1, 1}, {1, 0}},
    // One input channel but stride 2 or padding ≥ kernel: back to im2col + GEMM.
    {{2, 1, 9, 9}, {3, 1, 3, 3}, {2, 2}, {1, 1}},
    {{1, 1, 4, 4}, {2, 1, 2, 2}, {1, 1}, {2, 2}},
};

float max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST(ConvGemm, MatchesTheLoopsOnEveryKernel) {
  Generator gen(42);
  for (const Case& c : kCases) {
    const ConvGeometry g = conv2d_geometry(c.x, c.w, c.stride, c.padding);
    SCOPED_TRACE(shape_str(c.x) + " * " + shape_str(c.w));
    const NDArray x = NDArray::randn(c.x, gen);
    const NDArray w = NDArray::randn(c.w, gen);
    const NDArray b = NDArray::randn({c.w[0]}, gen);
    const NDArray gout = NDArray::randn(g.output_shape(), gen);

    std::vector<float> out_naive(numel(g.output_shape())), out_fast(out_naive.size(), 9.0f);
    conv2d_forward_naive(g, x.data(), w.data(), b.data(), out_naive.data());
    conv2d_forward_gemm(g, x.data(), w.data(), b.data(), out_fast.data());
    EXPECT_LT(max_diff(out_naive, out_fast), 1e-4f);
    conv2d_forward_gemm(g, x.data(), w.data(), nullptr, out_fast.data());
    conv2d_forward_naive(g, x.data(), w.data(), nullptr, out_naive.data());
    EXPECT_LT(max_diff(out_naive, out_fast), 1e-4f) << "without bias";

    std::vector<float> gx_naive(x.numel()), gx_fast(x.numel(), 9.0f);
    conv2d_grad_input_naive(g, gout.data(), w.data(), gx_naive.data());
    conv2d_grad_input_gemm(g, gout.data(), w.data(), gx_fast.data());
    EXPECT_LT(max_diff(gx_naive, gx_fast), 1e-4f);

    std::vector<float> gw_naive(w.numel()), gw_fast(w.numel(), 9.0f);
    std::vector<float> gb_naive(c.w[0]), gb_fast(c.w[0], 9.0f);
    conv2d_grad_weight_naive(g, x.data(), gout.data(), gw_naive.data(), gb_naive.data());
    conv2d_grad_weight_gemm(g, x.data(), gout.data(), gw_fast.data(), gb_fast.data());
    // Sums over N·P·Q products: allow for the different order of additions.
    EXPECT_LT(max_diff(gw_naive, gw_fast), 1e-3f);
    EXPECT_LT(max_diff(gb_naive, gb_fast), 1e-3f);
  }
}

// An image's input gradient has the same bits in whichever lane, group of images and
// thread the images-in-lanes kernel sums it: image 20 of a batch of 37 (the second group)
// and image 3 of a batch of 16 made of images 17 .. 32, on one thread and on three.
TEST(ConvLanes, AnImagesBitsDoNotDependOnItsBatchNorTheThreads) {
  const Shape x_shape{37, 6, 14, 14}, w_shape{16, 6, 5, 5};
  const ConvGeometry g = conv2d_geometry(x_shape, w_shape, {1, 1}, {0, 0});
  if (!conv2d_lanes_grad_input_applies(g)) GTEST_SKIP() << "needs AVX2 or AVX-512";
  Generator gen(8);
  const NDArray w = NDArray::randn(w_shape, gen);
  const NDArray gout = NDArray::randn(g.output_shape(), gen);
  const int64_t in_image = 6 * 14 * 14, out_image = 16 * 10 * 10;
  std::vector<float> whole(static_cast<size_t>(37 * in_image));
  {
    test::Threads threads(3);
    conv2d_grad_input_lanes(g, gout.data(), w.data(), whole.data());
  }
  ConvGeometry sixteen = g;
  sixteen.batch = 16;
  std::vector<float> part(static_cast<size_t>(16 * in_image));
  {
    test::Threads threads(1);
    conv2d_grad_input_lanes(sixteen, gout.data() + 17 * out_image, w.data(), part.data());
  }
  EXPECT_EQ(0, std::memcmp(whole.data() + 20 * in_image, part.data() + 3 * in_image,
                           in_image * sizeof(float)));
}

// Convolutions followed by 2×2 pooling for the fused weight gradients: with the images in
// the lanes (LeNet's first layer at batch 37, a last group of five; 27×27 images, whose
// output's last row and column no window covers) and where they fall back to the kernels
// apart (a batch of 5, conv2).
const Case kPooledCases[] = {{{37, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
                             {{20, 1, 27, 27}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
                             {{5, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2}},
                             {{17, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0}}};

ConvGeometry pooling_of(const ConvGeometry& g) {
  return pool2d_geometry(g.output_shape(), {2, 2}, {2, 2}, {0, 0}, "test");
}

// The weight gradient taken from a max pooling's gradient gives the bits of the pooling's
// backward followed by the weight gradient. Half the images are 0, so windows tie; the
// gradient holds −0, NaN and a large value; on one thread and on three, with and without
// bias.
TEST(ConvGradWeightMaxPool, SameBitsAsThePoolingsBackwardThenTheWeightGradient) {
  for (const Case& c : kPooledCases) {
    SCOPED_TRACE(shape_str(c.x));
    const ConvGeometry g = conv2d_geometry(c.x, c.w, c.stride, c.padding);
    const ConvGeometry pool = pooling_of(g);
    Generator gen(21);
    NDArray x = NDArray::randn(c.x, gen);
    x.slice(0, 0, c.x[0] / 2).fill_(0.0f);
    const NDArray w = NDArray::randn(c.w, gen), b = NDArray::randn({c.w[0]}, gen);
    NDArray z = NDArray::empty(g.output_shape());
    conv2d_forward_gemm(g, x.data(), w.data(), b.data(), z.data());
    NDArray pooled = NDArray::empty(pool.output_shape());
    std::vector<int64_t> winners(static_cast<size_t>(pooled.numel()));
    max_pool2d_forward_fast(pool, z.data(), pooled.data(), winners.data());
    NDArray grad = NDArray::randn(pool.output_shape(), gen);
    grad.data()[1] = -0.0f;
    grad.data()[grad.numel() / 2] = 3e38f;
    grad.data()[grad.numel() - 1] = std::nanf("");  // the last filter's sums only

    NDArray grad_z = NDArray::empty(g.output_shape());
    max_pool2d_backward_fast(pool, grad.data(), winners.data(), grad_z.data());
    std::vector<float> gw_apart(w.numel()), gb_apart(c.w[0]);
    conv2d_grad_weight_gemm(g, x.data(), grad_z.data(), gw_apart.data(), gb_apart.data());
    for (const int threads : {1, 3}) {
      test::Threads use(threads);
      std::vector<float> gw(w.numel(), 9.0f), gb(c.w[0], 9.0f);
      conv2d_grad_weight_max_pool_fast(g, x.data(), {pool, grad.data(), winners.data()}, gw.data(),
                                       gb.data());
      EXPECT_EQ(0, std::memcmp(gw.data(), gw_apart.data(), gw.size() * sizeof(float))) << threads;
      EXPECT_EQ(0, std::memcmp(gb.data(), gb_apart.data(), gb.size() * sizeof(float))) << threads;
      std::vector<float> gw_only(w.numel(), 9.0f);
      conv2d_grad_weight_max_pool_fast(g, x.data(), {pool, grad.data(), winners.data()},
                                       gw_only.data(), nullptr);
      EXPECT_EQ(0, std::memcmp(gw_only.data(), gw_apart.data(), gw.size() * sizeof(float)));
    }
  }
}

// The same for classic LeNet's first layer, a sigmoid and an average pooling after it: the
// bits of the pooling's backward, the sigmoid's, then the weight gradient. y is NaN in the
// last image's last cell: on 27×27 images no window covers it, and its gradient must still
// be 0 · NaN = NaN, as apart.
TEST(ConvGradWeightSigmoidAvgPool, SameBitsAsTheBackwardsApartThenTheWeightGradient) {
  for (const Case& c : kPooledCases) {
    SCOPED_TRACE(shape_str(c.x));
    const ConvGeometry g = conv2d_geometry(c.x, c.w, c.stride, c.padding);
    const ConvGeometry pool = pooling_of(g);
    Generator gen(22);
    const NDArray x = NDArray::randn(c.x, gen);
    const NDArray w = NDArray::randn(c.w, gen), b = NDArray::randn({c.w[0]}, gen);
    NDArray y = NDArray::empty(g.output_shape());
    conv2d_forward_gemm(g, x.data(), w.data(), b.data(), y.data());
    sigmoid_fast(y.data(), y.data(), y.numel());
    y.data()[y.numel() - 1] = std::nanf("");
    NDArray grad = NDArray::randn(pool.output_shape(), gen);
    grad.data()[1] = -0.0f;
    grad.data()[grad.numel() / 2] = 3e38f;

    NDArray grad_z = NDArray::empty(g.output_shape());
    avg_pool2d_backward_fast(pool, grad.data(), grad_z.data());
    sigmoid_backward_fast(grad_z.data(), y.data(), grad_z.data(), grad_z.numel());
    std::vector<float> gw_apart(w.numel()), gb_apart(c.w[0]);
    conv2d_grad_weight_gemm(g, x.data(), grad_z.data(), gw_apart.data(), gb_apart.data());
    for (const int threads : {1, 3}) {
      test::Threads use(threads);
      std::vector<float> gw(w.numel(), 9.0f), gb(c.w[0], 9.0f);
      conv2d_grad_weight_sigmoid_avg_pool_fast(g, x.data(), {pool, grad.data(), y.data()},
                                               gw.data(), gb.data());
      EXPECT_EQ(0, std::memcmp(gw.data(), gw_apart.data(), gw.size() * sizeof(float))) << threads;
      EXPECT_EQ(0, std::memcmp(gb.data(), gb_apart.data(), gb.size() * sizeof(float))) << threads;
    }
  }
}

TEST(ConvGemm, UseFastKernelsInstallsThemAndNaiveRestores) {
  use_fast_kernels();
  EXPECT_EQ(conv_kernels().forward, &conv2d_forward_gemm);
  EXPECT_EQ(conv_kernels().grad_input, &conv2d_grad_input_gemm);
  EXPECT_EQ(conv_kernels().grad_weight, &conv2d_grad_weight_gemm);
  use_naive_kernels();
  EXPECT_EQ(conv_kernels().forward, &conv2d_forward_naive);
  EXPECT_STREQ(conv_kernels().name, "naive");
}

TEST(ConvGemm, GradcheckThroughTheFastOp) {
  use_fast_kernels();
  Generator gen(9);
  for (const Case& c : {kCases[1], kCases[2], kCases[3], kCases[8], kCases[9]}) {
    Tensor x = randn(c.x, gen, true);
    Tensor w = randn(c.w, gen, true);
    Tensor b = randn({c.w[0]}, gen, true);
    const GradcheckResult r = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return conv2d(in[0], in[1], in[2], c.stride, c.padding);
        },
        {x, w, b});
    EXPECT_TRUE(r.passed()) << shape_str(c.x) << " worst " << r.max_abs_error();
  }
  use_naive_kernels();
}

}  // namespace
}  // namespace byo
