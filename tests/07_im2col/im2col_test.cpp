/// @file
/// @brief im2col and col2im: a hand example, convolution as GEMM, and the adjoint identity.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/im2col.h"
#include "byo/random.h"

namespace byo {
namespace {

std::vector<float> random_vector(int64_t size, Generator& gen) {
  std::vector<float> v(static_cast<size_t>(size));
  for (float& x : v) x = static_cast<float>(gen.uniform(-1.0, 1.0));
  return v;
}

// x is (N,C,H,W), w is (K,C,R,S), out is (N,K,P,Q): the seven loops of chapter 6.
std::vector<float> conv2d_loops(const std::vector<float>& x, const std::vector<float>& w,
                                int64_t k_out, const ConvGeometry& g) {
  const int64_t p_out = g.out_h, q_out = g.out_w;
  std::vector<float> out(static_cast<size_t>(g.batch * k_out * p_out * q_out), 0.0f);
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t k = 0; k < k_out; ++k)
      for (int64_t p = 0; p < p_out; ++p)
        for (int64_t q = 0; q < q_out; ++q) {
          double sum = 0.0;
          for (int64_t c = 0; c < g.in_channels; ++c)
            for (int64_t r = 0; r < g.kernel_h; ++r)
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const int64_t h = p * g.stride_h - g.pad_h + r;
                const int64_t wc = q * g.stride_w - g.pad_w + s;
                if (h < 0 || h >= g.in_h || wc < 0 || wc >= g.in_w) continue;
                sum +=
                    static_cast<double>(x[((n * g.in_channels + c) * g.in_h + h) * g.in_w + wc]) *
                    w[((k * g.in_channels + c) * g.kernel_h + r) * g.kernel_w + s];
              }
          out[((n * k_out + k) * p_out + p) * q_out + q] = static_cast<float>(sum);
        }
  return out;
}

// A geometry from (N, C, H, W, R, S, stride_h, stride_w, pad_h, pad_w), made and checked
// by chapter 6's conv2d_geometry (one filter: im2col does not look at K).
ConvGeometry geometry(int64_t n, int64_t c, int64_t h, int64_t w, int64_t r, int64_t s,
                      int64_t stride_h, int64_t stride_w, int64_t pad_h, int64_t pad_w) {
  return conv2d_geometry({n, c, h, w}, {1, c, r, s}, {stride_h, stride_w}, {pad_h, pad_w});
}

const ConvGeometry kGeometries[] = {
    geometry(2, 1, 28, 28, 5, 5, 1, 1, 2, 2),  // LeNet conv1 (modern, padded)
    geometry(2, 6, 14, 14, 5, 5, 1, 1, 0, 0),  // LeNet conv2
    geometry(1, 3, 7, 7, 1, 1, 1, 1, 0, 0),    // 1×1 kernel
    geometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0),    // one pixel
    geometry(2, 2, 9, 8, 3, 3, 2, 2, 1, 1),    // stride 2 with padding
    geometry(1, 2, 6, 9, 2, 4, 1, 3, 0, 2),    // non-square window, unequal strides
    geometry(3, 1, 5, 5, 5, 5, 2, 2, 2, 2),    // window as large as the image, heavy padding
    geometry(1, 2, 10, 7, 3, 2, 3, 1, 4, 0),   // padding larger than the window
    geometry(2, 2, 10, 10, 3, 3, 1, 1, 0, 0),  // runs of Q = 8: one vector, copied twice
    geometry(1, 1, 20, 20, 5, 5, 1, 1, 0, 0),  // runs of Q = 16: exactly two vectors
};

std::string describe(const ConvGeometry& g) {
  return "x (" + std::to_string(g.batch) + "," + std::to_string(g.in_channels) + "," +
         std::to_string(g.in_h) + "," + std::to_string(g.in_w) + ") kernel " +
         std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) + " stride " +
         std::to_string(g.stride_h) + "x" + std::to_string(g.stride_w) + " pad " +
         std::to_string(g.pad_h) + "x" + std::to_string(g.pad_w);
}

TEST(Im2col, HandExample) {
  // One 3×3 image, 2×2 window, stride 1: four windows, one per column.
  //   1 2 3
  //   4 5 6      windows: [1 2 4 5] [2 3 5 6] [4 5 7 8] [5 6 8 9]
  //   7 8 9
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const ConvGeometry g = geometry(1, 1, 3, 3, 2, 2, 1, 1, 0, 0);
  ASSERT_EQ(col_rows(g), 4);
  ASSERT_EQ(col_cols(g), 4);
  std::vector<float> col(16);
  im2col(x, g, col);
  const std::vector<float> want = {1, 2, 4, 5,   // (r, s) = (0, 0) of each window
                                   2, 3, 5, 6,   // (0, 1)
                                   4, 5, 7, 8,   // (1, 0)
                                   5, 6, 8, 9};  // (1, 1)
  EXPECT_EQ(col, want);
}

TEST(Im2col, HandExampleWithPaddingAndStride) {
  // 2×2 image, 3×3 window, padding 1, stride 2: output 1×1, the window centred on (0, 0).
  const std::vector<float> x = {1, 2, 3, 4};
  const ConvGeometry g = geometry(1, 1, 2, 2, 3, 3, 2, 2, 1, 1);
  ASSERT_EQ(g.out_h, 1);
  ASSERT_EQ(g.out_w, 1);
  std::vector<float> col(9, -1.0f);
  im2col(x, g, col);
  EXPECT_EQ(col, (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 3, 4}));
}

TEST(Im2col, ConvolutionIsWeightTimesColumns) {
  Generator gen(1);
  const int64_t k_out = 4;
  for (const ConvGeometry& g : kGeometries) {
    const auto x = random_vector(numel(g.input_shape()), gen);
    const auto w = random_vector(k_out * col_rows(g), gen);
    std::vector<float> col(static_cast<size_t>(col_rows(g) * col_cols(g)));
    im2col(x, g, col);
    // out (K, N·P·Q) = w (K, C·R·S) · col (C·R·S, N·P·Q)
    const int64_t pq = g.out_h * g.out_w;
    std::vector<float> out(static_cast<size_t>(k_out * col_cols(g)));
    gemm_naive({w.data(), k_out, col_rows(g), col_rows(g), 1},
               {col.data(), col_rows(g), col_cols(g), col_cols(g), 1},
               {out.data(), k_out, col_cols(g), col_cols(g), 1}, false);
    const auto want = conv2d_loops(x, w, k_out, g);
    for (int64_t n = 0; n < g.batch; ++n)
      for (int64_t k = 0; k < k_out; ++k)
        for (int64_t i = 0; i < pq; ++i)
          ASSERT_NEAR(out[k * col_cols(g) + n * pq + i], want[(n * k_out + k) * pq + i], 1e-4)
              << describe(g) << " n=" << n << " k=" << k << " pixel " << i;
  }
}

TEST(Im2col, Col2imIsTheAdjoint) {
  // <im2col(x), y> == <x, col2im(y)> for random x and y, summed in double.
  Generator gen(2);
  for (const ConvGeometry& g : kGeometries) {
    const auto x = random_vector(numel(g.input_shape()), gen);
    const auto y = random_vector(col_rows(g) * col_cols(g), gen);
    std::vector<float> col(y.size()), back(x.size(), 123.0f);
    im2col(x, g, col);
    col2im(y, g, back);
    double lhs = 0.0, rhs = 0.0, scale = 0.0;
    for (size_t i = 0; i < y.size(); ++i) lhs += static_cast<double>(col[i]) * y[i];
    for (size_t i = 0; i < x.size(); ++i) {
      rhs += static_cast<double>(x[i]) * back[i];
      scale += std::abs(static_cast<double>(x[i]) * back[i]);
    }
    EXPECT_NEAR(lhs, rhs, 1e-5 * (1.0 + scale)) << describe(g);
  }
}

TEST(Im2col, Col2imCountsOverlaps) {
  // col of ones: each pixel receives one contribution per window that covers it.
  // 3×3 image, 2×2 window, stride 1: corners are covered once, edges twice, centre 4 times.
  const ConvGeometry g = geometry(1, 1, 3, 3, 2, 2, 1, 1, 0, 0);
  std::vector<float> col(16, 1.0f), x(9, -7.0f);
  col2im(col, g, x);
  EXPECT_EQ(x, (std::vector<float>{1, 2, 1, 2, 4, 2, 1, 2, 1}));
}

TEST(Im2col, GeometryOutputSizes) {
  const ConvGeometry lenet1 = geometry(128, 1, 28, 28, 5, 5, 1, 1, 2, 2);
  EXPECT_EQ(lenet1.out_h, 28);
  EXPECT_EQ(col_rows(lenet1), 25);
  EXPECT_EQ(col_cols(lenet1), 128 * 28 * 28);
  const ConvGeometry strided = geometry(1, 3, 9, 8, 3, 3, 2, 2, 1, 1);
  EXPECT_EQ(strided.out_h, 5);  // (9 + 2 - 3) / 2 + 1
  EXPECT_EQ(strided.out_w, 4);  // (8 + 2 - 3) / 2 + 1
}

TEST(Im2col, BadGeometryAndSizesThrow) {
  std::vector<float> x(16), col(64);
  // A hand-made geometry that conv2d_geometry would have refused: 5×5 kernel, 4×4 image.
  ConvGeometry too_big = geometry(1, 1, 4, 4, 3, 3, 1, 1, 0, 0);
  too_big.kernel_h = too_big.kernel_w = 5;
  try {
    im2col(x, too_big, col);
    ADD_FAILURE() << "accepted a 5x5 kernel on a 4x4 image";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("im2col: kernel 5x5"), std::string::npos) << e.message();
  }
  ConvGeometry stride0 = geometry(1, 1, 4, 4, 3, 3, 1, 1, 0, 0);
  stride0.stride_h = 0;
  EXPECT_THROW(im2col(x, stride0, col), Error);
  ConvGeometry negative_pad = geometry(1, 1, 4, 4, 3, 3, 1, 1, 0, 0);
  negative_pad.pad_h = -1;
  EXPECT_THROW(im2col(x, negative_pad, col), Error);
  ConvGeometry wrong_out = geometry(1, 1, 4, 4, 3, 3, 1, 1, 0, 0);
  wrong_out.out_w = 3;  // (4 - 3) / 1 + 1 = 2
  try {
    im2col(x, wrong_out, col);
    ADD_FAILURE() << "accepted output width 3 for a 3x3 kernel on a 4x4 image";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("im2col: output 2x3"), std::string::npos) << e.message();
  }
  const ConvGeometry ok = geometry(1, 1, 4, 4, 3, 3, 1, 1, 0, 0);  // col is (9, 4) = 36 floats
  try {
    im2col(x, ok, col);
    ADD_FAILURE() << "accepted col of 64 floats for (9, 4)";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("col (9, 4)"), std::string::npos) << e.message();
  }
  std::vector<float> col36(36);
  EXPECT_THROW(col2im(col36, ok, std::span<float>(x).first(15)), Error);
}

}  // namespace
}  // namespace byo
