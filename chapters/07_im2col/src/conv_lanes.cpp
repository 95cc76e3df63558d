/// @file
/// @brief conv2d's input gradient with the images in the SIMD lanes: one vector holds the
///        same pixel of kSimdWidth images.
///
/// LeNet's second layer has 10×10 output planes. With the pixels of a row in the lanes
/// (conv_wide.cpp) a row of 10 fills 10 of 16 lanes, or, laid out as wide as the 14-pixel
/// input rows, 100 of 144. With one image per lane every lane does useful work, and the
/// borders of the convolution are a matter of which products the loops leave out, which
/// the compiler decides once, since the widths are constants: an input pixel near the
/// edge meets fewer output pixels, and its vector meets exactly those.
///
/// The price is two transposes, of the output gradient in and of the input gradient out,
/// about a tenth of the products' time: each output-gradient float is read by C·R·S = 150
/// products.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "byo/conv_gemm.h"
#include "byo/simd.h"
#include "threads.h"

namespace byo {
namespace {

constexpr int64_t kW = kSimdWidth;
constexpr int kS = 5;      // the window width the kernels are built for, LeNet's
constexpr int kMaxQ = 11;  // output rows this wide at most: 2Q + 2S − 1 ≤ 31 registers

#ifdef BYO_HAVE_SHUFFLEVECTOR
// A kW × kW block transposed in registers, its rows as kW vectors. Step H: for every pair
// of rows i and i + H (bit H of i clear), the H × H blocks off their diagonal change
// places; after the steps kW/2, ..., 2, 1 every row holds what was a column.
template <int64_t H, size_t... L>
Vec first_of_pair(Vec a, Vec b, std::index_sequence<L...>) {
  return __builtin_shufflevector(a, b, ((L & H) ? kW + L - H : L)...);
}
template <int64_t H, size_t... L>
Vec second_of_pair(Vec a, Vec b, std::index_sequence<L...>) {
  return __builtin_shufflevector(a, b, ((L & H) ? kW + L : L + H)...);
}

template <int64_t H = kW / 2>
void transpose(Vec (&rows)[kW]) {
  constexpr auto lanes = std::make_index_sequence<kW>{};
  for (int64_t i = 0; i < kW; ++i) {
    if ((i & H) != 0) continue;
    const Vec a = rows[i], b = rows[i + H];
    rows[i] = first_of_pair<H>(a, b, lanes);
    rows[i + H] = second_of_pair<H>(a, b, lanes);
  }
  if constexpr (H > 1) transpose<H / 2>(rows);
}
#endif

// Pixels of kW images, pixel-major: pixel e of image i is at e·kW + i.
// dst[e·kW + i] = src[i·count + e], for the kW images that start at src.
void interleave(const float* src, int64_t count, float* dst) {
  int64_t e = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
  for (; e + kW <= count; e += kW) {  // kW floats of each image, a block at a time
    Vec rows[kW];
    for (int64_t i = 0; i < kW; ++i) rows[i] = load_vec(src + i * count + e);
    transpose(rows);
    for (int64_t j = 0; j < kW; ++j) store_vec(dst + (e + j) * kW, rows[j]);
  }
#endif
  for (; e < count; ++e) {
    for (int64_t i = 0; i < kW; ++i) dst[e * kW + i] = src[i * count + e];
  }
}

// The other way: dst[i·count + e] = src[e·kW + i], for the first `images` images.
void deinterleave(const float* src, int64_t count, int64_t images, float* dst) {
  int64_t e = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
  for (; e + kW <= count; e += kW) {
    Vec rows[kW];
    for (int64_t j = 0; j < kW; ++j) rows[j] = load_vec(src + (e + j) * kW);
    transpose(rows);
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

}  // namespace

// The 32 registers of AVX-512 (rows_of_channel), a full vector of images at least, and
// windows five wide without padding, as LeNet's second layer.
bool conv2d_lanes_grad_input_applies(const ConvGeometry& g) {
  return kW >= 16 && g.batch >= kW && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 &&
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
  std::vector<detail::AlignedFloats> douts =
      detail::per_thread<detail::AlignedFloats>(threads, static_cast<size_t>(out_image * kW));
  std::vector<detail::AlignedFloats> dxs =
      detail::per_thread<detail::AlignedFloats>(threads, static_cast<size_t>(in_image * kW));
  std::vector<float> last_group;  // the last images and zero images, to fill kW lanes
  const int64_t last = g.batch - (groups - 1) * kW;
  if (last < kW) {
    last_group.assign(static_cast<size_t>(out_image * kW), 0.0f);
    std::copy_n(grad_out + (groups - 1) * kW * out_image, last * out_image, last_group.data());
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t group = 0; group < groups; ++group) {
    float* dout = douts[detail::this_thread()].data();
    float* dx = dxs[detail::this_thread()].data();
    const bool partial = group == groups - 1 && last < kW;
    interleave(partial ? last_group.data() : grad_out + group * kW * out_image, out_image, dout);
    const LanesPass lp{dout, w, dx, g.out_channels, g.in_channels, g.kernel_h, g.out_h, g.in_h};
    for (int64_t c = 0; c < g.in_channels; ++c) rows(lp, c);
    deinterleave(dx, in_image, partial ? last : kW, grad_x + group * kW * in_image);
  }
}

}  // namespace byo
