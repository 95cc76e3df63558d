/// @file
/// @brief Two passes of conv2d with the images in the SIMD lanes, one vector holding the
///        same pixel of kSimdWidth images: LeNet's conv2 input gradient, conv1 weight
///        gradient (also straight from the gradient of the max pooling after conv1).
///
/// LeNet's second layer has 10×10 output planes. With the pixels of a row in the lanes
/// (conv_wide.cpp) a row of 10 fills 10 of 16 lanes, or, laid out as wide as the 14-pixel
/// input rows, 100 of 144. With one image per lane every lane does useful work, and the
/// borders of the convolution are a matter of which products the loops leave out, which
/// the compiler decides once, since the widths are constants: an input pixel near the
/// edge meets fewer output pixels, and its vector meets exactly those. The first layer's
/// weight gradient has 6 filters and rows of 28 pixels, which fill vectors of filters or
/// of pixels unevenly; images fill them whole, and every load is aligned.
///
/// The price is the transposes into the lanes and out of them: measured with perf, a fifth
/// of conv2's input-gradient pass, whose output-gradient floats each meet C·R·S = 150
/// weights, and half of conv1's weight-gradient pass, whose meet R·S = 25.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "block_sums.h"
#include "byo/conv_gemm.h"
#include "byo/fused_kernels.h"
#include "byo/simd.h"
#include "threads.h"
#include "vec_transpose.h"

namespace byo {
namespace {

constexpr int64_t kW = kSimdWidth;
constexpr int kS = 5;  // the window width the kernels are built for, LeNet's
// Output rows this wide at most: 2Q + 2S − 1 ≤ 31 registers with AVX-512, Q + S − 1 sums
// and a weight ≤ 16 with AVX2 (rows_of_channel).
constexpr int kMaxQ = 11;

// Pixels of kW images, pixel-major: pixel e of image i is at e·kW + i.
// dst[e·kW + i] = src[i·count + e] for the first `images` images that start at src, and 0
// in the other lanes (a last group of fewer than kW images).
void interleave(const float* src, int64_t count, int64_t images, float* dst) {
  int64_t e = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
  for (; e + kW <= count; e += kW) {  // kW floats of each image, a block at a time
    Vec rows[kW];
    for (int64_t i = 0; i < kW; ++i) rows[i] = i < images ? load_vec(src + i * count + e) : Vec{};
    detail::transpose(rows);
    for (int64_t j = 0; j < kW; ++j) store_vec(dst + (e + j) * kW, rows[j]);
  }
#endif
  for (; e < count; ++e) {
    for (int64_t i = 0; i < kW; ++i) dst[e * kW + i] = i < images ? src[i * count + e] : 0.0f;
  }
}

// The other way: dst[i·count + e] = src[e·kW + i], for the first `images` images.
void deinterleave(const float* src, int64_t count, int64_t images, float* dst) {
  int64_t e = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
  for (; e + kW <= count; e += kW) {
    Vec rows[kW];
    for (int64_t j = 0; j < kW; ++j) rows[j] = load_vec(src + (e + j) * kW);
    detail::transpose(rows);
    for (int64_t i = 0; i < images; ++i) store_vec(dst + i * count + e, rows[i]);
  }
#endif
  for (; e < count; ++e) {
    for (int64_t i = 0; i < images; ++i) dst[i * count + e] = src[e * kW + i];
  }
}

struct LanesPass {
  const float* dout;  // (K, P, Q) pixels of kW images, interleaved
  const float* w;     // (K, C, R, S)
  float* dx;          // (C, H, W) pixels of kW images, interleaved
  int64_t k, c, r, p, h;
};

// dx[c, h, j] = Σ_{k, r, s} w[k, c, r, s] · dout[k, h − r, j − s] for every row h of channel
// c, without padding: W = Q + S − 1. The h − r outside [0, P) are left out by the bounds
// of r, the j − s outside [0, Q) by the compiler, which sees them all: a row of W sums,
// the Q output-gradient vectors of a row and its S weights make 2Q + 2S − 1 registers.
template <int Q>
void rows_of_channel(const LanesPass& lp, int64_t c) {
  constexpr int W = Q + kS - 1;
  for (int64_t h = 0; h < lp.h; ++h) {
    Vec acc[W] = {};
    const int64_t r_first = std::max<int64_t>(0, h - lp.p + 1);
    const int64_t r_last = std::min<int64_t>(lp.r - 1, h);
    for (int64_t k = 0; k < lp.k; ++k) {
      const float* wk = lp.w + (k * lp.c + c) * lp.r * kS;
      for (int64_t r = r_first; r <= r_last; ++r) {
        const float* drow = lp.dout + (k * lp.p + h - r) * Q * kW;
        if constexpr (kManyRegisters) {
          Vec d[Q];
#pragma GCC unroll 16
          for (int q = 0; q < Q; ++q) d[q] = in_register(load_vec(drow + q * kW));
          Vec wv[kS];
#pragma GCC unroll 8
          for (int s = 0; s < kS; ++s) wv[s] = broadcast(wk[r * kS + s]);
#pragma GCC unroll 16
          for (int j = 0; j < W; ++j) {
#pragma GCC unroll 8
            for (int s = 0; s < kS; ++s) {
              if (j - s >= 0 && j - s < Q) acc[j] += wv[s] * d[j - s];
            }
          }
        } else {
          // 16 registers hold the W sums and one weight: each output-gradient vector is
          // read from memory by its FMA, once per tap. Sum j still takes its taps in
          // increasing s.
#pragma GCC unroll 8
          for (int s = 0; s < kS; ++s) {
            const Vec wv = broadcast(wk[r * kS + s]);
#pragma GCC unroll 16
            for (int q = 0; q < Q; ++q) acc[q + s] += wv * load_vec(drow + q * kW);
          }
        }
      }
    }
    float* out = lp.dx + (c * lp.h + h) * W * kW;
#pragma GCC unroll 16
    for (int j = 0; j < W; ++j) store_vec(out + j * kW, acc[j]);
  }
}

using RowsKernel = void (*)(const LanesPass&, int64_t);

template <int... Q>
constexpr auto rows_table(std::integer_sequence<int, Q...>) {
  return std::array<RowsKernel, sizeof...(Q)>{&rows_of_channel<Q + 1>...};
}
constexpr auto kRowsKernels = rows_table(std::make_integer_sequence<int, kMaxQ>{});

// ---- the weight gradient of one input channel ------------------------------------------

// Filters per pass: with AVX-512's 32 registers 3 × 5 taps make 15 sums, with 5 inputs and
// 1 gradient; 16 registers (AVX2) hold 2 × 5 sums, 5 inputs and 1 gradient.
constexpr int64_t kGradFilters = kManyRegisters ? 3 : 2;

struct TapsPass {
  const float* x;     // the group's bordered input plane at row r, interleaved
  const float* dout;  // the output gradient of filter k0, interleaved
  int64_t out_h, out_w, cols;
};

// sums[f][s] (one image per lane) = Σ_{p,q} dout[k0 + f, p, q] · x[p + r, q + s], for F
// filters and the five taps of kernel row r.
template <int F>
void taps_of_row(const TapsPass& tp, Vec (&sums)[kGradFilters][kS]) {
  Vec acc[F][kS] = {};
  const int64_t plane = tp.out_h * tp.out_w;
  for (int64_t p = 0; p < tp.out_h; ++p) {
    for (int64_t q = 0; q < tp.out_w; ++q) {
      const float* xp = tp.x + (p * tp.cols + q) * kW;
      Vec xv[kS];
#pragma GCC unroll 8
      for (int s = 0; s < kS; ++s) xv[s] = in_register(load_vec(xp + s * kW));
      const float* dp = tp.dout + (p * tp.out_w + q) * kW;
#pragma GCC unroll 4
      for (int f = 0; f < F; ++f) {
        const Vec d = load_vec(dp + f * plane * kW);
#pragma GCC unroll 8
        for (int s = 0; s < kS; ++s) acc[f][s] += d * xv[s];
      }
    }
  }
  for (int f = 0; f < F; ++f) {
    for (int s = 0; s < kS; ++s) sums[f][s] = acc[f][s];
  }
}

// The border of a bordered input plane (rows × cols pixels, kW floats each) around the
// g.in_h × g.in_w inside at (g.pad_h, g.pad_w), which the caller writes.
void zero_border(float* plane, int64_t rows, int64_t cols, const ConvGeometry& g) {
  for (int64_t h = 0; h < rows; ++h) {
    float* row = plane + h * cols * kW;
    if (h < g.pad_h || h >= g.pad_h + g.in_h) {
      std::fill_n(row, cols * kW, 0.0f);
    } else {
      std::fill_n(row, g.pad_w * kW, 0.0f);
      std::fill_n(row + (g.pad_w + g.in_w) * kW, (cols - g.pad_w - g.in_w) * kW, 0.0f);
    }
  }
}

using TapsKernel = void (*)(const TapsPass&, Vec (&)[kGradFilters][kS]);
template <int... F>
constexpr auto taps_table(std::integer_sequence<int, F...>) {
  return std::array<TapsKernel, sizeof...(F)>{&taps_of_row<F + 1>...};
}
constexpr auto kTapsKernels = taps_table(std::make_integer_sequence<int, kGradFilters>{});

}  // namespace

// Vectors of 8 floats or more, a full vector of images at least, and windows five wide
// without padding, as LeNet's second layer; rows of 11 outputs at most, whose 15 sums and
// one weight fill AVX2's 16 registers (rows_of_channel).
bool conv2d_lanes_grad_input_applies(const ConvGeometry& g) {
  return kW >= 8 && g.batch >= kW && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 &&
         g.pad_w == 0 && g.kernel_w == kS && g.out_w <= kMaxQ && g.out_h >= 1;
}

// grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W)
//
// kW images at a time: their output gradients interleaved, every channel's rows summed
// (rows_of_channel), the input gradients taken apart again. A last group of fewer images
// has zeros in its other lanes. Each image's sums do not depend on its lane, its group or
// the thread, so neither do the bits.
void conv2d_grad_input_lanes(const ConvGeometry& g, const float* grad_out, const float* w,
                             float* grad_x) {
  const int64_t out_image = g.out_channels * g.out_h * g.out_w;
  const int64_t in_image = g.in_channels * g.in_h * g.in_w;
  const int64_t groups = (g.batch + kW - 1) / kW;
  const RowsKernel rows = kRowsKernels[static_cast<size_t>(g.out_w - 1)];
  const int threads = detail::thread_count(groups);
  detail::RegionErrors errors;  // a first call may allocate the scratch buffers
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t group = 0; group < groups; ++group) {
    errors.run([&] {
      thread_local detail::Scratch dout_scratch, dx_scratch;
      float* dout = dout_scratch.reserve(out_image * kW);
      float* dx = dx_scratch.reserve(in_image * kW);
      const int64_t images = std::min(kW, g.batch - group * kW);
      interleave(grad_out + group * kW * out_image, out_image, images, dout);
      const LanesPass lp{dout, w, dx, g.out_channels, g.in_channels, g.kernel_h, g.out_h, g.in_h};
      for (int64_t c = 0; c < g.in_channels; ++c) rows(lp, c);
      deinterleave(dx, in_image, images, grad_x + group * kW * in_image);
    });
  }
  errors.rethrow();
}

// One input channel, stride 1, windows five wide, as LeNet's first layer.
bool conv2d_lanes_grad_weight_applies(const ConvGeometry& g) {
  return kW >= 8 && g.batch >= kW && conv2d_direct_applies(g) && g.kernel_w == kS;
}

namespace {

// x is (N,1,H,W), grad_w is (K,1,R,S), grad_bias is (K) or null; fill(group, count, dout)
// writes the output gradient of the group's images, interleaved: (K,P,Q) pixels of kW
// images, zeros in the lanes past `count`.
//
// kW images at a time: their bordered input planes interleaved and their output gradients
// filled in, then for each kernel row and three filters at a time the 15 sums over the
// output pixels (taps_of_row), one image per lane. The group's lanes are added in lane
// order and the groups in group order (block_sums.h): the same bits for any thread count.
template <class Fill>
void grad_weight_lanes(const ConvGeometry& g, const float* x, const Fill& fill, float* grad_w,
                       float* grad_bias) {
  const int64_t rows = g.in_h + 2 * g.pad_h, cols = g.in_w + 2 * g.pad_w;
  const int64_t plane_out = g.out_h * g.out_w, out_image = g.out_channels * plane_out;
  const int64_t in_image = g.in_h * g.in_w;
  const int64_t weights = g.out_channels * g.kernel_h * kS;
  const int64_t groups = (g.batch + kW - 1) / kW;
  detail::BlockSums block_sums(groups, weights + g.out_channels);  // dw, then db
  const int threads = detail::thread_count(groups);
  detail::RegionErrors errors;  // block_sums.lanes() and a first call's scratch may allocate
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t group = 0; group < groups; ++group) {
    errors.run([&] {
      thread_local detail::Scratch plane_scratch, image_scratch, dout_scratch;
      float* plane = plane_scratch.reserve(rows * cols * kW);
      float* image = image_scratch.reserve(in_image * kW);
      float* dout = dout_scratch.reserve(out_image * kW);
      const int64_t count = std::min(kW, g.batch - group * kW);
      interleave(x + group * kW * in_image, in_image, count, image);
      zero_border(plane, rows, cols, g);
      for (int64_t h = 0; h < g.in_h; ++h) {
        std::copy_n(image + h * g.in_w * kW, g.in_w * kW,
                    plane + ((h + g.pad_h) * cols + g.pad_w) * kW);
      }
      fill(group, count, dout);

      const std::span<float> lanes = block_sums.lanes();
      for (int64_t k0 = 0; k0 < g.out_channels; k0 += kGradFilters) {
        const int64_t filters = std::min(kGradFilters, g.out_channels - k0);
        for (int64_t r = 0; r < g.kernel_h; ++r) {
          const TapsPass tp{plane + r * cols * kW, dout + k0 * plane_out * kW, g.out_h, g.out_w,
                            cols};
          Vec sums[kGradFilters][kS];
          kTapsKernels[static_cast<size_t>(filters - 1)](tp, sums);
          for (int64_t f = 0; f < filters; ++f) {
            for (int64_t s = 0; s < kS; ++s) {
              store_vec(lanes.data() + (((k0 + f) * g.kernel_h + r) * kS + s) * kW, sums[f][s]);
            }
          }
        }
      }
      // The bias: each filter's pixels in order, eight filters side by side, so that
      // eight chains of additions overlap.
      constexpr int64_t kBiasSums = 8;
      for (int64_t k0 = 0; k0 < g.out_channels; k0 += kBiasSums) {
        const int64_t sums = std::min(kBiasSums, g.out_channels - k0);
        Vec db[kBiasSums] = {};
        for (int64_t e = 0; e < plane_out; ++e) {
          for (int64_t j = 0; j < sums; ++j)
            db[j] += load_vec(dout + ((k0 + j) * plane_out + e) * kW);
        }
        for (int64_t j = 0; j < sums; ++j) store_vec(lanes.data() + (weights + k0 + j) * kW, db[j]);
      }
      block_sums.finish(group, lanes);
    });
  }
  errors.rethrow();
  const float* total = block_sums.total();
  std::copy_n(total, weights, grad_w);
  if (grad_bias) std::copy_n(total + weights, g.out_channels, grad_bias);
}

}  // namespace

// x is (N,1,H,W), grad_out is (N,K,P,Q), grad_w is (K,1,R,S), grad_bias is (K) or null
void conv2d_grad_weight_lanes(const ConvGeometry& g, const float* x, const float* grad_out,
                              float* grad_w, float* grad_bias) {
  const int64_t out_image = g.out_channels * g.out_h * g.out_w;
  grad_weight_lanes(
      g, x,
      [&](int64_t group, int64_t count, float* dout) {
        interleave(grad_out + group * kW * out_image, out_image, count, dout);
      },
      grad_w, grad_bias);
}

// 2×2 windows that tile, as LeNet's: each window's four cells are four whole vectors of
// the images-in-lanes layout.
bool conv2d_lanes_grad_weight_pool_applies(const ConvGeometry& g, const ConvGeometry& pool) {
  return conv2d_lanes_grad_weight_applies(g) && pool.kernel_h == 2 && pool.kernel_w == 2 &&
         pool.stride_h == 2 && pool.stride_w == 2 && pool.pad_h == 0 && pool.pad_w == 0 &&
         pool.in_h == g.out_h && pool.in_w == g.out_w && pool.in_channels == g.out_channels;
}

// x is (N,1,H,W), pooled.grad and pooled.winners are (N,K,P',Q'), grad_w is (K,1,R,S),
// grad_bias is (K) or null
//
// dout holds what interleaving max_pool2d_backward_fast's grad_z would give: in each lane,
// 0 + the window's gradient in the cell that won (0 + −0 is +0, as there) and +0 in the
// others; a last row or column that no window covers stays 0.
void conv2d_grad_weight_lanes_max_pool(const ConvGeometry& g, const float* x,
                                       const MaxPoolGrad& pooled, float* grad_w, float* grad_bias) {
  const int64_t q = g.out_w, plane = g.out_h * q, out_image = g.out_channels * plane;
  const int64_t pooled_h = pooled.pool.out_h, pooled_w = pooled.pool.out_w;
  const int64_t pooled_image = g.out_channels * pooled_h * pooled_w;
  const int64_t pooled_plane = pooled_h * pooled_w;
  std::vector<int64_t> corners(static_cast<size_t>(pooled_plane));  // each window's top left
  for (int64_t p2 = 0; p2 < pooled_h; ++p2) {
    for (int64_t q2 = 0; q2 < pooled_w; ++q2) corners[p2 * pooled_w + q2] = 2 * p2 * q + 2 * q2;
  }
  grad_weight_lanes(
      g, x,
      [&](int64_t group, int64_t count, float* dout) {
        thread_local detail::Scratch grad_scratch, offset_scratch, offset_lanes_scratch;
        float* grads = grad_scratch.reserve(pooled_image * kW);
        interleave(pooled.grad + group * kW * pooled_image, pooled_image, count, grads);
        // Which cell of its window won, as its offset from the corner (0, 1, Q or Q + 1), a
        // small float so that the images' offsets interleave as their gradients do. The
        // lanes past `count` get offset 0 and gradient 0, which writes the +0 they need.
        float* offsets = offset_scratch.reserve(count * pooled_image);  // image after image
        const int64_t* winners = pooled.winners + group * kW * pooled_image;
        for (int64_t plane_start = 0; plane_start < count * pooled_image;
             plane_start += pooled_plane) {
          for (int64_t j = 0; j < pooled_plane; ++j) {
            // Through int32: AVX2 converts int32 to float in vectors, but int64 only one
            // at a time.
            offsets[plane_start + j] = static_cast<float>(
                static_cast<int32_t>(winners[plane_start + j] - corners[static_cast<size_t>(j)]));
          }
        }
        float* offset_lanes = offset_lanes_scratch.reserve(pooled_image * kW);
        interleave(offsets, pooled_image, count, offset_lanes);
        if (g.out_h % 2 != 0 || q % 2 != 0) std::fill_n(dout, out_image * kW, 0.0f);
        const float right = 1.0f, below = static_cast<float>(q), diagonal = below + 1.0f;
        // Locals, not the lambda's captures: the stores into dout could alias those, and
        // the compiler would load them again after every store.
        const int64_t cols = q, filters = g.out_channels, windows = pooled_plane;
        const int64_t* const corner_of = corners.data();
        for (int64_t k = 0; k < filters; ++k) {
          float* const out_k = dout + k * plane * kW;
          const float* const grad_k = grads + k * windows * kW;
          const float* const won_k = offset_lanes + k * windows * kW;
          for (int64_t e = 0; e < windows; ++e) {
            const Vec won = load_vec(won_k + e * kW);
            const Vec grad = load_vec(grad_k + e * kW) + 0.0f;
            float* out = out_k + corner_of[e] * kW;
            store_vec(out, won == 0.0f ? grad : Vec{});
            store_vec(out + kW, won == right ? grad : Vec{});
            store_vec(out + cols * kW, won == below ? grad : Vec{});
            store_vec(out + (cols + 1) * kW, won == diagonal ? grad : Vec{});
          }
        }
      },
      grad_w, grad_bias);
}

// x is (N,1,H,W), pooled.grad is (N,K,P',Q'), pooled.y is (N,K,P,Q), grad_w is (K,1,R,S),
// grad_bias is (K) or null
//
// dout holds what interleaving grad_z would give, computed as the two kernels apart compute
// it: the pooling's backward gives each cell of a window the share 0 + g / 4 (a last row
// or column that no window covers gets 0), and the sigmoid's backward multiplies,
// share · y · (1 − y), in that order.
void conv2d_grad_weight_lanes_sigmoid_avg_pool(const ConvGeometry& g, const float* x,
                                               const SigmoidAvgPoolGrad& pooled, float* grad_w,
                                               float* grad_bias) {
  const int64_t plane = g.out_h * g.out_w, out_image = g.out_channels * plane;
  const int64_t pooled_h = pooled.pool.out_h, pooled_w = pooled.pool.out_w;
  const int64_t pooled_plane = pooled_h * pooled_w, pooled_image = g.out_channels * pooled_plane;
  grad_weight_lanes(
      g, x,
      [&](int64_t group, int64_t count, float* dout) {
        thread_local detail::Scratch share_scratch;
        float* shares = share_scratch.reserve(pooled_image * kW);
        interleave(pooled.grad + group * kW * pooled_image, pooled_image, count, shares);
        for (int64_t e = 0; e < pooled_image; ++e) {
          store_vec(shares + e * kW, load_vec(shares + e * kW) / 4.0f + 0.0f);
        }
        interleave(pooled.y + group * kW * out_image, out_image, count, dout);  // y, in place
        // Locals, not the lambda's captures, which the stores into dout could alias.
        const int64_t filters = g.out_channels, rows = g.out_h, cols = g.out_w;
        const int64_t windows_h = pooled_h, windows_w = pooled_w, windows = pooled_plane;
        for (int64_t k = 0; k < filters; ++k) {
          for (int64_t h = 0; h < rows; ++h) {
            float* row = dout + (k * plane + h * cols) * kW;
            const float* window_row = shares + (k * windows + h / 2 * windows_w) * kW;
            const bool covered_row = h < 2 * windows_h;
            for (int64_t w = 0; w < cols; ++w) {
              const Vec share =
                  covered_row && w < 2 * windows_w ? load_vec(window_row + w / 2 * kW) : Vec{};
              const Vec y = load_vec(row + w * kW);
              store_vec(row + w * kW, share * y * (1.0f - y));
            }
          }
        }
      },
      grad_w, grad_bias);
}

}  // namespace byo
