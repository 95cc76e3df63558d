// The fast pooling kernels against chapter 6's loops (bit for bit), and through the seam.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "byo/conv.h"
#include "byo/gemm.h"
#include "byo/gradcheck.h"
#include "byo/pool_fast.h"
#include "support/arrays.h"
#include "support/tensors.h"

namespace byo {
namespace {

using test::bits;

struct Case {
  Shape x;
  Size2 kernel, stride, padding;
};

// LeNet's pools, windows that tile with a leftover row and column, overlapping windows,
// padding, 1×1, rectangular windows, batch 1 and 3; 2×2 windows fewer than eight to a row
// (played a plane at a time), with eight or more to a plane and with fewer; nine to a row
// (the second block of eight overlaps the first) with a leftover row and column.
const Case kCases[] = {
    {{3, 6, 28, 28}, {2, 2}, {2, 2}, {0, 0}}, {{1, 16, 10, 10}, {2, 2}, {2, 2}, {0, 0}},
    {{2, 3, 13, 6}, {2, 2}, {2, 2}, {0, 0}},  {{1, 2, 4, 5}, {2, 2}, {2, 2}, {0, 0}},
    {{3, 2, 7, 9}, {2, 2}, {2, 2}, {0, 0}},   {{1, 3, 9, 8}, {3, 3}, {2, 2}, {1, 1}},
    {{3, 1, 6, 7}, {3, 3}, {1, 1}, {0, 0}},   {{1, 2, 5, 5}, {1, 1}, {1, 1}, {0, 0}},
    {{2, 2, 7, 8}, {2, 3}, {1, 2}, {1, 1}},   {{1, 1, 4, 6}, {2, 3}, {2, 3}, {0, 0}},
    {{2, 2, 5, 19}, {2, 2}, {2, 2}, {0, 0}},
};

std::string describe(const Case& c) {
  return shape_str(c.x) + " kernel " + std::to_string(c.kernel[0]) + "x" +
         std::to_string(c.kernel[1]) + " stride " + std::to_string(c.stride[0]) + "x" +
         std::to_string(c.stride[1]) + " pad " + std::to_string(c.padding[0]) + "x" +
         std::to_string(c.padding[1]);
}

// Random values with ties (rounded to quarters) so that max pooling's tie rule matters.
std::vector<float> tied_values(int64_t size, Generator& gen) {
  std::vector<float> v(static_cast<size_t>(size));
  for (float& x : v) x = std::round(static_cast<float>(gen.uniform(-2.0, 2.0)) * 4.0f) / 4.0f;
  return v;
}

// Max pooling's outputs agree when they are equal or both NaN (NaN wins a window).
bool same_or_both_nan(float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); }

TEST(PoolFast, AvgMatchesTheLoopsBitForBit) {
  Generator gen(3);
  for (const Case& c : kCases) {
    SCOPED_TRACE(describe(c));
    const ConvGeometry g = pool2d_geometry(c.x, c.kernel, c.stride, c.padding, "avg_pool2d");
    const auto x = tied_values(numel(g.input_shape()), gen);
    const auto go = tied_values(numel(g.output_shape()), gen);
    std::vector<float> want(go.size()), got(go.size(), 7.0f);
    avg_pool2d_forward(g, x.data(), want.data());
    avg_pool2d_forward_fast(g, x.data(), got.data());
    EXPECT_EQ(got, want);
    std::vector<float> gx_want(x.size()), gx_got(x.size(), 7.0f);
    avg_pool2d_backward(g, go.data(), gx_want.data());
    avg_pool2d_backward_fast(g, go.data(), gx_got.data());
    EXPECT_EQ(bits(gx_got), bits(gx_want));
  }
}

TEST(PoolFast, MaxMatchesTheLoopsWithTiesAndNaN) {
  Generator gen(4);
  for (const Case& c : kCases) {
    SCOPED_TRACE(describe(c));
    const ConvGeometry g = pool2d_geometry(c.x, c.kernel, c.stride, c.padding, "max_pool2d");
    auto x = tied_values(numel(g.input_shape()), gen);
    x[x.size() / 2] = std::numeric_limits<float>::quiet_NaN();
    const auto go = tied_values(numel(g.output_shape()), gen);
    std::vector<float> want(go.size()), got(go.size(), 7.0f);
    std::vector<int64_t> arg_want(go.size()), arg_got(go.size(), -1);
    max_pool2d_forward(g, x.data(), want.data(), arg_want.data());
    max_pool2d_forward_fast(g, x.data(), got.data(), arg_got.data());
    EXPECT_EQ(arg_got, arg_want);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_TRUE(same_or_both_nan(got[i], want[i]))
          << "output " << i << ": " << got[i] << " vs " << want[i];
    }
    // Without argmax (inference) both write the same outputs and nothing else.
    std::vector<float> want_no_arg(go.size(), 7.0f), got_no_arg(go.size(), 7.0f);
    max_pool2d_forward(g, x.data(), want_no_arg.data(), nullptr);
    max_pool2d_forward_fast(g, x.data(), got_no_arg.data(), nullptr);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_TRUE(same_or_both_nan(got_no_arg[i], want[i]));
      ASSERT_TRUE(same_or_both_nan(want_no_arg[i], want[i]));
    }
    std::vector<float> gx_want(x.size()), gx_got(x.size(), 7.0f);
    max_pool2d_backward(g, go.data(), arg_want.data(), gx_want.data());
    max_pool2d_backward_fast(g, go.data(), arg_want.data(), gx_got.data());
    EXPECT_EQ(bits(gx_got), bits(gx_want));  // go holds −0s: they must arrive as +0
  }
}

TEST(PoolFast, MaxPool2x2KeepsTheRulesInEveryLane) {
  // Whole SIMD blocks of windows compared at once, along wide rows (20 windows) and
  // across the rows of narrow planes (5 windows a row, 25 a plane): ties in every position,
  // NaN first, last and twice in a window, -inf windows.
  for (const Shape& shape : {Shape{2, 1, 4, 40}, Shape{2, 3, 10, 10}}) {
    SCOPED_TRACE(shape_str(shape));
    const ConvGeometry g = pool2d_geometry(shape, {2, 2}, {2, 2}, {0, 0}, "max_pool2d");
    Generator gen(6);
    auto x = tied_values(numel(g.input_shape()), gen);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < x.size(); i += 7) x[i] = nan;
    for (size_t i = 3; i < x.size(); i += 11) x[i] = -inf;
    const auto w = static_cast<size_t>(g.in_w);  // one window all -inf: rows 2 and 3
    x[2 * w] = x[2 * w + 1] = x[3 * w] = x[3 * w + 1] = -inf;
    std::vector<float> want(static_cast<size_t>(numel(g.output_shape()))), got(want.size());
    std::vector<int64_t> arg_want(want.size()), arg_got(want.size());
    max_pool2d_forward(g, x.data(), want.data(), arg_want.data());
    max_pool2d_forward_fast(g, x.data(), got.data(), arg_got.data());
    EXPECT_EQ(arg_got, arg_want);
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_TRUE(same_or_both_nan(got[i], want[i]))
          << "output " << i << ": " << got[i] << " vs " << want[i];
    }
  }
}

TEST(PoolFast, UseFastKernelsInstallsThemAndNaiveRestores) {
  use_fast_kernels();
  EXPECT_EQ(pool_kernels().avg_forward, &avg_pool2d_forward_fast);
  EXPECT_EQ(pool_kernels().max_backward, &max_pool2d_backward_fast);
  EXPECT_STREQ(pool_kernels().name, "fast");
  use_naive_kernels();
  EXPECT_EQ(pool_kernels().avg_forward, &avg_pool2d_forward);
  EXPECT_EQ(pool_kernels().max_backward, &max_pool2d_backward);
  EXPECT_STREQ(pool_kernels().name, "naive");
}

TEST(PoolFast, GradcheckThroughTheOpsWithFastKernels) {
  use_fast_kernels();
  Generator gen(5);
  for (const Case& c : {kCases[2], kCases[3], kCases[6]}) {
    // Values 0.1 apart: a central difference never moves one across another, so the
    // maximum of each window stays put (as in chapter 6's gradcheck of max pooling).
    Tensor x = test::distinct_values(c.x, gen);
    const GradcheckResult avg = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return avg_pool2d(in[0], c.kernel, c.stride, c.padding);
        },
        {x});
    EXPECT_TRUE(avg.passed()) << describe(c) << " worst " << avg.max_abs_error();
    const GradcheckResult max = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return max_pool2d(in[0], c.kernel, c.stride, c.padding);
        },
        {x}, GradcheckOptions{.eps = 1e-3});
    EXPECT_TRUE(max.passed()) << describe(c) << " worst " << max.max_abs_error();
  }
  use_naive_kernels();
}

}  // namespace
}  // namespace byo
