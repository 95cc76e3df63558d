/// @file
/// @brief Direct convolution for one input channel and stride 1 (LeNet's first layer).
///
/// With C = 1 a column of im2col holds just R·S = 25 numbers, so im2col + GEMM spends
/// more time copying than multiplying. Here the three passes read a zero-bordered copy of
/// the image (or of the output gradient) directly, a SIMD vector of kSimdWidth outputs at a
/// time: row p of the output is Σ_{r,s} w[k,r,s] · (padded row p + r, shifted by s), so
/// every filter tap is one vector load and one fused multiply-add, with no bounds checks.
/// Vectors that run past the end of a row compute lanes that are never stored; the
/// buffers have slack at the end so those reads stay inside them.
#include <algorithm>
#include <cstring>
#include <span>
#include <vector>

#include "block_sums.h"
#include "byo/conv_gemm.h"
#include "byo/micro_kernel.h"
#include "copy_run.h"
#include "threads.h"

namespace byo {
namespace {

constexpr int64_t kW = kSimdWidth;
constexpr int64_t kFilters = 6;  // filters per pass over the image: 6 accumulators
constexpr int64_t kBlocks = 4;   // vectors of a row per pass in the input gradient
// Images per block of the weight gradient's sum: fixed, so that the sum is the same for
// any thread count; 16 blocks at LeNet's batch of 128.
constexpr int64_t kImagesPerBlock = 8;

int64_t blocks_of(int64_t n) { return (n + kW - 1) / kW; }

// dst[0 .. n) = the first n lanes of v (a whole vector when n ≥ kW).
void store_lanes(float* dst, Vec v, int64_t n) {
  if (n >= kW) {
    store_vec(dst, v);
    return;
  }
  float lanes[kW];
  store_vec(lanes, v);
  detail::copy_run(dst, lanes, n);
}

// A plane of `rows` × `cols` floats with `src` (src_rows × src_cols) placed at (top,
// left) and zeros around it, plus slack after the last row for over-long vector reads.
struct Bordered {
  std::vector<float> data;
  int64_t cols;
  Bordered(int64_t planes, int64_t rows, int64_t cols_) : cols(cols_) {
    data.assign(static_cast<size_t>(planes * rows * cols + 8 * kW + cols), 0.0f);
  }
  void place(int64_t plane, int64_t rows, const float* src, int64_t src_rows, int64_t src_cols,
             int64_t top, int64_t left) {
    detail::copy_rows(data.data() + (plane * rows + top) * cols + left, cols, src, src_cols,
                      src_rows, src_cols);
  }
};
}  // namespace

bool conv2d_direct_applies(const ConvGeometry& g) {
  return g.in_channels == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_h < g.kernel_h &&
         g.pad_w < g.kernel_w;
}

namespace {

// One image and one chunk of kFilters filters of the forward pass.
struct ForwardChunk {
  const float* image;  // the bordered input plane, `cols` floats a row
  const float* w;      // (tap, kFilters) weights of the chunk
  const float* bias;   // the chunk's first bias, or null
  float* out;          // the chunk's first output plane
  int64_t cols, filters, out_h, out_w, kernel_h, kernel_w;
};

// kR × kS is the window when known at compile time (else 0): then the tap loops unroll
// into straight-line FMAs with the weights as memory operands, 1.6 times as fast as the
// loops with bounds known only at run time (measured on LeNet's 5×5).
template <int64_t kR, int64_t kS>
void forward_chunk(const ForwardChunk& c) {
  const int64_t kernel_h = kR > 0 ? kR : c.kernel_h, kernel_w = kS > 0 ? kS : c.kernel_w;
  const int64_t blocks = blocks_of(c.out_w), plane_out = c.out_h * c.out_w;
  // Vector j of a row starts at column j·kW, but the last one ends where the row ends: it
  // overlaps the one before (those outputs are computed twice, to the same bits), and
  // every store is a whole vector. (A partial store through a buffer on the stack stalled
  // the next loads, and a 28-wide row has one in every row.) Rows narrower than a vector
  // store only their lanes.
  const bool whole = c.out_w >= kW;
  const int64_t lanes = whole ? kW : c.out_w;
  const auto start = [&](int64_t j) { return whole ? std::min(j * kW, c.out_w - kW) : 0; };
  for (int64_t p = 0; p < c.out_h; ++p) {
    // Two vectors of the row at a time: 12 independent accumulators keep both FMA units
    // busy (6 would wait on each other).
    for (int64_t b = 0; b < blocks; b += 2) {
      const int64_t q0 = start(b), q1 = start(b + 1);
      Vec acc[kFilters][2];
      for (int64_t f = 0; f < kFilters; ++f) {
        acc[f][0] = acc[f][1] = Vec{} + (c.bias && f < c.filters ? c.bias[f] : 0.0f);
      }
      for (int64_t r = 0; r < kernel_h; ++r) {
        const float* row = c.image + (p + r) * c.cols;
        for (int64_t s = 0; s < kernel_w; ++s) {
          const Vec x0 = load_vec(row + q0 + s), x1 = load_vec(row + q1 + s);
          const float* wt = c.w + (r * kernel_w + s) * kFilters;
          for (int64_t f = 0; f < kFilters; ++f) {
            acc[f][0] += wt[f] * x0;
            acc[f][1] += wt[f] * x1;
          }
        }
      }
      for (int64_t half = 0; half < 2 && b + half < blocks; ++half) {
        for (int64_t f = 0; f < c.filters; ++f) {
          store_lanes(c.out + f * plane_out + p * c.out_w + start(b + half), acc[f][half], lanes);
        }
      }
    }
  }
}

}  // namespace

// x is (N,1,H,W), w is (K,1,R,S), bias is (K) or null, out is (N,K,P,Q)
void conv2d_forward_direct(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                           float* out) {
  const int64_t taps = g.kernel_h * g.kernel_w, chunks = (g.out_channels + kFilters - 1) / kFilters;
  // Weights as (chunk, tap, kFilters), zero for filters past K: each tap's kFilters
  // weights side by side.
  std::vector<float> packed(static_cast<size_t>(chunks * taps * kFilters), 0.0f);
  for (int64_t k = 0; k < g.out_channels; ++k) {
    for (int64_t t = 0; t < taps; ++t) {
      packed[static_cast<size_t>(((k / kFilters) * taps + t) * kFilters + k % kFilters)] =
          w[k * taps + t];
    }
  }
  const auto chunk_kernel =
      g.kernel_h == 5 && g.kernel_w == 5 ? &forward_chunk<5, 5> : &forward_chunk<0, 0>;
  const int64_t rows = g.in_h + 2 * g.pad_h, cols = g.in_w + 2 * g.pad_w;
  const int threads = detail::thread_count(g.batch);
  std::vector<Bordered> images = detail::per_thread<Bordered>(threads, 1, rows, cols);
#pragma omp parallel num_threads(threads)
  {
    Bordered& image = images[detail::this_thread()];
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      image.place(0, rows, x + n * g.in_h * g.in_w, g.in_h, g.in_w, g.pad_h, g.pad_w);
      for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        const int64_t k0 = chunk * kFilters;
        chunk_kernel(
            {image.data.data(), packed.data() + chunk * taps * kFilters, bias ? bias + k0 : nullptr,
             out + (n * g.out_channels + k0) * g.out_h * g.out_w, cols,
             std::min(kFilters, g.out_channels - k0), g.out_h, g.out_w, g.kernel_h, g.kernel_w});
      }
    }
  }
}

// grad_out is (N,K,P,Q), w is (K,1,R,S), grad_x is (N,1,H,W)
//
// dx[h, w] = Σ_{k,r,s} w[k,r,s] · dout[k, h + pad_h − r, w + pad_w − s]: a convolution of
// the output gradient, bordered with R − 1 − pad_h rows and S − 1 − pad_w columns of
// zeros, with the flipped filters.
void conv2d_grad_input_direct(const ConvGeometry& g, const float* grad_out, const float* w,
                              float* grad_x) {
  const int64_t top = g.kernel_h - 1 - g.pad_h, left = g.kernel_w - 1 - g.pad_w;
  const int64_t rows = g.out_h + 2 * top, cols = g.out_w + 2 * left;  // = H + R − 1, W + S − 1
  const int64_t blocks = blocks_of(g.in_w), plane_out = g.out_h * g.out_w;
  const int threads = detail::thread_count(g.batch);
  std::vector<Bordered> douts = detail::per_thread<Bordered>(threads, g.out_channels, rows, cols);
#pragma omp parallel num_threads(threads)
  {
    Bordered& dout = douts[detail::this_thread()];
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      for (int64_t k = 0; k < g.out_channels; ++k) {
        dout.place(k, rows, grad_out + (n * g.out_channels + k) * plane_out, g.out_h, g.out_w, top,
                   left);
      }
      for (int64_t h = 0; h < g.in_h; ++h) {
        // kBlocks vectors of the row at once: independent sums, so the FMAs overlap
        // instead of each waiting for the one before.
        for (int64_t b0 = 0; b0 < blocks; b0 += kBlocks) {
          Vec acc[kBlocks] = {};
          for (int64_t k = 0; k < g.out_channels; ++k) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              const float* row =
                  dout.data.data() + (k * rows + h + g.kernel_h - 1 - r) * cols + b0 * kW;
              const float* wr = w + (k * g.kernel_h + r) * g.kernel_w;
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const float* at = row + g.kernel_w - 1 - s;
                for (int64_t j = 0; j < kBlocks; ++j) acc[j] += wr[s] * load_vec(at + j * kW);
              }
            }
          }
          for (int64_t j = 0; j < kBlocks && b0 + j < blocks; ++j) {
            store_lanes(grad_x + (n * g.in_h + h) * g.in_w + (b0 + j) * kW, acc[j],
                        std::min(kW, g.in_w - (b0 + j) * kW));
          }
        }
      }
    }
  }
}

namespace {

// The weight gradient's inner loop: kGradFilters filters × up to kGradTaps taps of one
// kernel row, 15 independent accumulators that stay in registers over a whole image (one
// accumulator per tap would be a chain of dependent FMAs, waiting on each other).
constexpr int64_t kGradFilters = 3;
constexpr int64_t kGradTaps = 5;

struct RowTaps {
  const float* image;  // bordered plane at (row r, column s0)
  const float* dout;   // kGradFilters planes of out_h rows × width floats
  int64_t out_h, width, cols;
};

// acc[f][s] = Σ_{p,b} dout[f][p][b] · image[p·cols + b + s], vectors of kW lanes.
template <int S>
void row_taps(const RowTaps& rt, Vec (*acc)[kGradTaps]) {
  Vec a[kGradFilters][S] = {};
  const int64_t plane = rt.out_h * rt.width;
  for (int64_t p = 0; p < rt.out_h; ++p) {
    const float* xrow = rt.image + p * rt.cols;
    const float* drow = rt.dout + p * rt.width;
    for (int64_t b = 0; b < rt.width; b += kW) {
      // Loaded once each: left to itself, GCC folds these loads into every FMA below, one
      // per filter, and most of them straddle two cache lines.
      Vec xv[S];
      for (int s = 0; s < S; ++s) xv[s] = in_register(load_vec(xrow + b + s));
      for (int64_t f = 0; f < kGradFilters; ++f) {
        const Vec dv = load_vec(drow + f * plane + b);
        for (int s = 0; s < S; ++s) a[f][s] += dv * xv[s];
      }
    }
  }
  for (int64_t f = 0; f < kGradFilters; ++f) {
    for (int s = 0; s < S; ++s) acc[f][s] = a[f][s];
  }
}

using RowTapsKernel = void (*)(const RowTaps&, Vec (*)[kGradTaps]);
constexpr RowTapsKernel kRowTaps[] = {&row_taps<1>, &row_taps<2>, &row_taps<3>, &row_taps<4>,
                                      &row_taps<5>};

// One image's share of the weight and bias gradients, added to `lanes` (dw lanes (K, R, S),
// then db lanes (K), kW each). image is the bordered input plane, `cols` floats a row;
// dout is the output gradient, its rows padded to `width` floats and its filters to whole
// chunks of kFilters, zeros in the padding. Always inlined into the block loop: compiled
// as a call of its own it ran 40% slower (measured on LeNet's conv1).
[[gnu::always_inline]] inline void add_image(const ConvGeometry& g, const float* __restrict image,
                                             int64_t cols, const float* __restrict dout,
                                             int64_t width, float* __restrict lanes) {
  float* bias_lanes = lanes + g.out_channels * g.kernel_h * g.kernel_w * kW;
  // The bias gradient: one running sum per filter, eight filters in the same pass, so
  // that eight chains of adds overlap instead of each add waiting for the one before.
  // Each sum still adds its vectors in row order: the bits do not depend on the grouping.
  constexpr int64_t kBiasSums = 8;
  const int64_t plane = g.out_h * width;
  for (int64_t k0 = 0; k0 < g.out_channels; k0 += kBiasSums) {
    const int64_t sums = std::min(kBiasSums, g.out_channels - k0);
    Vec db[kBiasSums];
    for (int64_t j = 0; j < sums; ++j) db[j] = load_vec(bias_lanes + (k0 + j) * kW);
    for (int64_t i = 0; i < plane; i += kW) {
      for (int64_t j = 0; j < sums; ++j) db[j] += load_vec(dout + (k0 + j) * plane + i);
    }
    for (int64_t j = 0; j < sums; ++j) store_vec(bias_lanes + (k0 + j) * kW, db[j]);
  }
  for (int64_t k0 = 0; k0 < g.out_channels; k0 += kGradFilters) {
    const int64_t filters = std::min(kGradFilters, g.out_channels - k0);
    for (int64_t r = 0; r < g.kernel_h; ++r) {
      for (int64_t s0 = 0; s0 < g.kernel_w; s0 += kGradTaps) {
        const RowTaps rt{image + r * cols + s0, dout + k0 * g.out_h * width, g.out_h, width, cols};
        Vec acc[kGradFilters][kGradTaps];
        kRowTaps[static_cast<size_t>(std::min(kGradTaps, g.kernel_w - s0) - 1)](rt, acc);
        for (int64_t f = 0; f < filters; ++f) {
          for (int64_t s = s0; s < std::min(g.kernel_w, s0 + kGradTaps); ++s) {
            float* at = lanes + (((k0 + f) * g.kernel_h + r) * g.kernel_w + s) * kW;
            store_vec(at, load_vec(at) + acc[f][s - s0]);
          }
        }
      }
    }
  }
}

}  // namespace

// x is (N,1,H,W), grad_out is (N,K,P,Q), grad_w is (K,1,R,S), grad_bias is (K) or null
//
// dw[k,r,s] = Σ_{n,p,q} dout[n,k,p,q] · x_padded[n, p + r, q + s]: kGradFilters filters and
// up to kGradTaps taps of one kernel row at a time, in registers over the whole image
// (add_image, row_taps). The output gradient is copied with its rows zero-padded to whole
// vectors (and zero rows for filters past K, up to whole chunks of kFilters, which cover
// whole groups of kGradFilters), so lanes past Q add nothing. The batch is summed in blocks of
// kImagesPerBlock images, added in block order at the end (block_sums.h): the same bits for any
// thread count.
void conv2d_grad_weight_direct(const ConvGeometry& g, const float* x, const float* grad_out,
                               float* grad_w, float* grad_bias) {
  const int64_t rows = g.in_h + 2 * g.pad_h, cols = g.in_w + 2 * g.pad_w;
  const int64_t width = blocks_of(g.out_w) * kW, plane_out = g.out_h * g.out_w;
  const int64_t chunks = (g.out_channels + kFilters - 1) / kFilters;
  const int64_t weights = g.out_channels * g.kernel_h * g.kernel_w;
  const int64_t blocks = (g.batch + kImagesPerBlock - 1) / kImagesPerBlock;
  detail::BlockSums block_sums(blocks, weights + g.out_channels);  // dw, then db
  const int threads = detail::thread_count(blocks);
  std::vector<Bordered> images = detail::per_thread<Bordered>(threads, 1, rows, cols);
  std::vector<std::vector<float>> douts = detail::per_thread<std::vector<float>>(
      threads, static_cast<size_t>(chunks * kFilters * g.out_h * width), 0.0f);
  detail::RegionErrors errors;  // block_sums.lanes() may allocate
#pragma omp parallel num_threads(threads)
  {
    Bordered& image = images[detail::this_thread()];
    std::vector<float>& dout = douts[detail::this_thread()];
#pragma omp for schedule(static)
    for (int64_t block = 0; block < blocks; ++block) {
      errors.run([&] {
        const std::span<float> lanes = block_sums.lanes();
        const int64_t end = std::min(g.batch, (block + 1) * kImagesPerBlock);
        for (int64_t n = block * kImagesPerBlock; n < end; ++n) {
          image.place(0, rows, x + n * g.in_h * g.in_w, g.in_h, g.in_w, g.pad_h, g.pad_w);
          detail::copy_rows(dout.data(), width, grad_out + n * g.out_channels * plane_out, g.out_w,
                            g.out_channels * g.out_h, g.out_w);
          add_image(g, image.data.data(), cols, dout.data(), width, lanes.data());
        }
        block_sums.finish(block, lanes);
      });
    }
  }
  errors.rethrow();
  const float* total = block_sums.total();
  std::copy_n(total, weights, grad_w);
  if (grad_bias) std::copy_n(total + weights, g.out_channels, grad_bias);
}

}  // namespace byo
