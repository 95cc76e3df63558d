/// @file
/// @brief Direct convolution with the filters in the SIMD lanes, for layers with several
///        input channels and few output pixels (LeNet's second layer): no im2col, no
///        packing.
///
/// For LeNet's conv2 a column of im2col holds C·R·S = 150 numbers and the GEMM has only
/// K = 16 rows: the copies around the GEMM (im2col, packing, copying the product out) cost
/// about as much as the multiply. Here the output is computed straight from the image,
/// one SIMD vector of kSimdWidth filters per output pixel:
///
///     acc[pixel] (filters k0 .. k0 + kSimdWidth) += w[c,r,s][k0 ..] · x[c, p + r, q + s]
///
/// For every tap (c, r, s), one vector of weights is loaded and each pixel's input is
/// broadcast into an FMA: a row segment of up to 12 pixels, two rows at a time, keeps 24
/// accumulators in registers. Every lane computes a wanted output (16 filters fill an
/// AVX-512 vector), and no load straddles two cache lines. The vectors are pixel-major,
/// so the results are transposed into the (K, P, Q) planes as they are stored.
///
/// The weight gradient turns the same idea around: the output gradient is transposed
/// pixel-major once per image, and each of its vectors (one pixel's filters) meets the
/// R·S inputs under that pixel's window in R·S broadcast FMAs, the R·S accumulators
/// staying in registers over the whole image.
///
/// Both make one broadcast load per FMA, and a core loads no more than it multiplies:
/// on an Intel Xeon (AVX-512) they reached 60% of the GEMM's speed. For windows 5 wide
/// each input float is broadcast once per kernel row instead, and meets the 5 vectors of
/// that row held in registers (segment_rows, taps_rows): 77–92%, with the same sums in
/// the same order, so the same bits.
///
/// With 16 registers (AVX2, 8 floats a vector) those passes would spill. There a pass
/// takes two filter vectors at once, so that each broadcast feeds two FMAs: the forward
/// over up to 6 pixels of a row (segment<1, J, 2>), the weight gradient one kernel row
/// at a time (taps_pair), again with the same sums in the same order.
///
/// The input gradient has only C = 6 values per pixel for LeNet, too few to fill the
/// lanes, so it puts pixels in the lanes instead: laid out as wide as the bordered input,
/// every tap's contribution Σ_k w[k,c,r,s] · dout[k] is a run of whole vectors, added to
/// the bordered gradient at the tap's shift (conv2d_grad_input_wide).
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "block_sums.h"
#include "byo/conv_gemm.h"
#include "byo/micro_kernel.h"
#include "copy_run.h"
#include "threads.h"
#include "vec_transpose.h"

namespace byo {
namespace {

constexpr int64_t kW = kSimdWidth;
// kManyRegisters (byo/simd.h): the kernels below that hold a kernel row in registers, or
// three taps' accumulators, need AVX-512's 32 (AVX2 has 16, and they would spill).
constexpr int kMaxSegment = 12;  // pixels of a row per pass: 2 rows × 12 accumulators

int64_t bordered_cols(const ConvGeometry& g) { return g.in_w + 2 * g.pad_w; }
int64_t bordered_plane(const ConvGeometry& g) { return (g.in_h + 2 * g.pad_h) * bordered_cols(g); }
int64_t filter_vectors(const ConvGeometry& g) { return (g.out_channels + kW - 1) / kW; }

// One image's C planes with zero borders (the buffer's borders stay zero).
void place_image(const ConvGeometry& g, const float* x, float* dst) {
  const int64_t cols = bordered_cols(g), plane = bordered_plane(g);
  for (int64_t c = 0; c < g.in_channels; ++c) {
    float* base = dst + c * plane + g.pad_h * cols + g.pad_w;
    detail::copy_rows(base, cols, x + c * g.in_h * g.in_w, g.in_w, g.in_h, g.in_w);
  }
}

// Where a segment's outputs go: filter k0 + f of pixel (i, j) to dst[f·plane + i·out_w + j].
struct SegmentOut {
  float* dst;  // filter k0's output plane, at the segment's first pixel
  int64_t plane, out_w;
  int64_t filters;  // K − k0: the filters that exist from k0 on
};

// acc[i][j][u], lane f, is filter k0 + u·kW + f of pixel (i, j): pixel-major vectors,
// stored into the filters' planes. With J ≤ kW, a row's J vectors are transposed in
// registers, after which vector f holds filter f's J pixels: one store per filter and
// row, where lane by lane it would be J.
template <int ROWS, int J, int V>
void store_planes(const Vec (&acc)[ROWS][J][V], const SegmentOut& so) {
  for (int u = 0; u < V; ++u) {
    const int64_t filters = std::min<int64_t>(kW, so.filters - u * kW);
    for (int i = 0; i < ROWS; ++i) {
      float* dst = so.dst + u * kW * so.plane + i * so.out_w;
#ifdef BYO_HAVE_SHUFFLEVECTOR
      if constexpr (J <= kW) {
        Vec rows[kW] = {};
        for (int j = 0; j < J; ++j) rows[j] = acc[i][j][u];
        detail::transpose(rows);
        for (int64_t f = 0; f < filters; ++f)
          std::memcpy(dst + f * so.plane, &rows[f], J * sizeof(float));
        continue;
      }
#endif
      for (int64_t f = 0; f < filters; ++f) {
        for (int j = 0; j < J; ++j) dst[f * so.plane + j] = acc[i][j][u][f];
      }
    }
  }
}

struct Segment {
  const float* image;  // bordered, at (row p, column q) of channel 0
  const float* wt;     // (C·R·S, Kv·kW) transposed weights, at this filter vector
  int64_t cols, plane, channels, kernel_h, kernel_w, wt_stride;
};

// acc[i][j][v] = bias[v] + Σ_{c,r,s} wt[c,r,s][v] · image[c, i + r, j + s] for ROWS rows
// of J pixels and V filter vectors, stored to the planes.
template <int ROWS, int J, int V, int S = 0>
void segment(const Segment& sg, const float* bias, const SegmentOut& out) {
  const int64_t kernel_w = S > 0 ? S : sg.kernel_w;
  Vec acc[ROWS][J][V];
  for (int v = 0; v < V; ++v) {
    const Vec b = load_vec(bias + v * kW);
    for (int i = 0; i < ROWS; ++i) {
      for (int j = 0; j < J; ++j) acc[i][j][v] = b;
    }
  }
  const float* wt = sg.wt;
  for (int64_t c = 0; c < sg.channels; ++c) {
    for (int64_t r = 0; r < sg.kernel_h; ++r) {
      const float* row = sg.image + c * sg.plane + r * sg.cols;
      for (int64_t s = 0; s < kernel_w; ++s, wt += sg.wt_stride) {
        Vec wv[V];
        for (int v = 0; v < V; ++v) wv[v] = load_vec(wt + v * kW);
        for (int i = 0; i < ROWS; ++i) {
          for (int j = 0; j < J; ++j) {
            const Vec x = broadcast(row[i * sg.cols + j + s]);
            for (int v = 0; v < V; ++v) acc[i][j][v] += x * wv[v];
          }
        }
      }
    }
  }
  store_planes(acc, out);
}

// segment<ROWS, J> for windows S wide, S known at compile time: each input float is
// broadcast once per kernel row and meets the S weight vectors of that row, held in
// registers, instead of being broadcast again for every tap that reads it.
template <int ROWS, int J, int S>
void segment_rows(const Segment& sg, const float* bias, const SegmentOut& out) {
  const Vec b = load_vec(bias);
  Vec acc[ROWS][J][1];
  for (int i = 0; i < ROWS; ++i) {
    for (int j = 0; j < J; ++j) acc[i][j][0] = b;
  }
  const float* wt = sg.wt;
  for (int64_t c = 0; c < sg.channels; ++c) {
    for (int64_t r = 0; r < sg.kernel_h; ++r, wt += S * sg.wt_stride) {
      const float* row = sg.image + c * sg.plane + r * sg.cols;
      Vec wv[S];
#pragma GCC unroll 8
      for (int s = 0; s < S; ++s) wv[s] = load_vec(wt + s * sg.wt_stride);
#pragma GCC unroll 2
      for (int i = 0; i < ROWS; ++i) {
#pragma GCC unroll 16
        for (int col = 0; col < J + S - 1; ++col) {
          const Vec x = in_register(broadcast(row[i * sg.cols + col]));
          // Input column col is tap s of pixel col − s; as col grows, each pixel meets
          // its taps in increasing s, the order of segment's sums.
#pragma GCC unroll 8
          for (int s = 0; s < S; ++s) {
            const int j = col - s;
            if (j >= 0 && j < J) acc[i][j][0] += x * wv[s];
          }
        }
      }
    }
  }
  store_planes(acc, out);
}

using SegmentKernel = void (*)(const Segment&, const float*, const SegmentOut&);

// segment<ROWS, J, 1> for J = 1 .. kMaxSegment, picked at run time.
template <int ROWS, int... J>
SegmentKernel pick(int64_t pixels, std::integer_sequence<int, J...>) {
  static constexpr SegmentKernel table[] = {&segment<ROWS, J + 1, 1>...};
  return table[pixels - 1];
}
template <int ROWS, int... J>
SegmentKernel pick5(int64_t pixels, std::integer_sequence<int, J...>) {
  static constexpr SegmentKernel table[] = {&segment_rows<ROWS, J + 1, 5>...};
  return table[pixels - 1];
}
template <int ROWS>
SegmentKernel pick(int64_t pixels, int64_t kernel_w) {
  if (kManyRegisters && kernel_w == 5) {
    return pick5<ROWS>(pixels, std::make_integer_sequence<int, kMaxSegment>{});
  }
  return pick<ROWS>(pixels, std::make_integer_sequence<int, kMaxSegment>{});
}

// With 16 registers a pass takes two filter vectors (16 filters with AVX2) over up to six
// pixels of one row, so that each broadcast feeds two FMAs: 12 accumulators, 2 weight
// vectors and the broadcast. Two rows of 12 pixels, one filter vector (the AVX-512 pass),
// would keep 24 accumulators and spill. Windows 5 wide get their own copy, whose tap loop
// the compiler unrolls (10% faster on LeNet's conv2).
constexpr bool kPairFilters = !kManyRegisters;
constexpr int kPairSegment = 6;

template <int... J>
SegmentKernel pick_pair(int64_t pixels, int64_t kernel_w, std::integer_sequence<int, J...>) {
  static constexpr SegmentKernel table[] = {&segment<1, J + 1, 2>...};
  static constexpr SegmentKernel table5[] = {&segment<1, J + 1, 2, 5>...};
  return (kernel_w == 5 ? table5 : table)[pixels - 1];
}

// ---- the weight gradient ---------------------------------------------------------------

// dst[j·stride + k] = src[k·pixels + j] for the K planes of src: one image's output
// gradient, pixel-major. kW × kW blocks are transposed in registers; the lanes of filters
// past K are not written.
void pixel_major(const float* src, int64_t k_count, int64_t pixels, int64_t stride, float* dst) {
  int64_t j0 = 0;
#ifdef BYO_HAVE_SHUFFLEVECTOR
  if (k_count % kW == 0) {
    for (; j0 + kW <= pixels; j0 += kW) {
      for (int64_t k0 = 0; k0 < k_count; k0 += kW) {
        Vec rows[kW];
        for (int64_t i = 0; i < kW; ++i) rows[i] = load_vec(src + (k0 + i) * pixels + j0);
        detail::transpose(rows);
        for (int64_t i = 0; i < kW; ++i) store_vec(dst + (j0 + i) * stride + k0, rows[i]);
      }
    }
  }
#endif
  for (int64_t k = 0; k < k_count; ++k) {
    for (int64_t j = j0; j < pixels; ++j) dst[j * stride + k] = src[k * pixels + j];
  }
}

constexpr int64_t kMaxTapSide = 5;      // R, S ≤ 5: R·S accumulators in registers
constexpr int64_t kImagesPerBlock = 8;  // a fixed grouping of the batch: the same bits

struct TapPass {
  const float* image;  // bordered, channel c
  const float* dout;   // (P·Q, Kv·kW) pixel-major output gradient, at filter vector v
  int64_t cols, out_h, out_w, dout_stride;
};

// acc[r][s] (filters in lanes) += Σ_{p,q} dout[p,q] · image[p + r, q + s]; added to sums
// (R·S vectors, tap-major).
template <int R, int S>
void taps(const TapPass& tp, float* sums) {
  Vec acc[R][S] = {};
  for (int64_t p = 0; p < tp.out_h; ++p) {
    const float* row = tp.image + p * tp.cols;
    const float* d = tp.dout + p * tp.out_w * tp.dout_stride;
    for (int64_t q = 0; q < tp.out_w; ++q, d += tp.dout_stride) {
      const Vec dv = load_vec(d);
      for (int r = 0; r < R; ++r) {
        for (int s = 0; s < S; ++s) acc[r][s] += row[r * tp.cols + q + s] * dv;
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int s = 0; s < S; ++s) {
      float* at = sums + (r * S + s) * kW;
      store_vec(at, load_vec(at) + acc[r][s]);
    }
  }
}

// taps for kernel row r only, and two filter vectors (kPairFilters): each broadcast input
// meets the output gradient of both, in 2·S accumulators (10 of AVX2's 16 registers for
// S = 5). The sums, in their order, are those of taps; the second vector's sums are
// pair_stride floats after the first's.
template <int S>
void taps_pair(const TapPass& tp, int64_t r, int64_t pair_stride, float* sums) {
  Vec acc[S][2] = {};
  for (int64_t p = 0; p < tp.out_h; ++p) {
    const float* row = tp.image + (p + r) * tp.cols;
    const float* d = tp.dout + p * tp.out_w * tp.dout_stride;
    for (int64_t q = 0; q < tp.out_w; ++q, d += tp.dout_stride) {
      const Vec d0 = load_vec(d), d1 = load_vec(d + kW);
      for (int s = 0; s < S; ++s) {
        const Vec x = broadcast(row[q + s]);
        acc[s][0] += x * d0;
        acc[s][1] += x * d1;
      }
    }
  }
  for (int u = 0; u < 2; ++u) {
    for (int s = 0; s < S; ++s) {
      float* at = sums + u * pair_stride + (r * S + s) * kW;
      store_vec(at, load_vec(at) + acc[s][u]);
    }
  }
}

// taps<R, 5> for rows of Q ≤ kMaxTapRow pixels, Q known at compile time, kernel rows
// [r0, r0 + NR) only: each row's Q output-gradient vectors stay in registers, so that each
// input float is broadcast once per kernel row and meets up to five of them, instead of
// being broadcast again for each tap that reads it. Each sum still adds its pixels in
// row order, as taps does. NR·5 + Q + 1 registers: NR = 3 and 2 cover R = 5.
constexpr int kMaxTapRow = 12;

template <int NR, int Q>
void taps_rows(const TapPass& tp, int64_t r0, float* sums) {
  constexpr int S = 5;
  Vec acc[NR][S] = {};
  for (int64_t p = 0; p < tp.out_h; ++p) {
    const float* d = tp.dout + p * Q * tp.dout_stride;
    Vec dv[Q];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q) dv[q] = load_vec(d + q * tp.dout_stride);
#pragma GCC unroll 4
    for (int r = 0; r < NR; ++r) {
      const float* row = tp.image + (p + r0 + r) * tp.cols;
#pragma GCC unroll 16
      for (int col = 0; col < Q + S - 1; ++col) {
        const Vec x = in_register(broadcast(row[col]));
#pragma GCC unroll 8
        for (int s = 0; s < S; ++s) {
          const int q = col - s;
          if (q >= 0 && q < Q) acc[r][s] += x * dv[q];
        }
      }
    }
  }
  for (int r = 0; r < NR; ++r) {
    for (int s = 0; s < S; ++s) {
      float* at = sums + ((r0 + r) * S + s) * kW;
      store_vec(at, load_vec(at) + acc[r][s]);
    }
  }
}

using TapsKernel = void (*)(const TapPass&, float*);
using TapsRowsKernel = void (*)(const TapPass&, int64_t, float*);

template <int NR, int... Q>
constexpr auto taps_rows_table(std::integer_sequence<int, Q...>) {
  return std::array<TapsRowsKernel, sizeof...(Q)>{&taps_rows<NR, Q + 1>...};
}
constexpr auto kTapsRows3 = taps_rows_table<3>(std::make_integer_sequence<int, kMaxTapRow>{});
constexpr auto kTapsRows2 = taps_rows_table<2>(std::make_integer_sequence<int, kMaxTapRow>{});

template <int... I>
constexpr auto taps_table(std::integer_sequence<int, I...>) {
  return std::array<TapsKernel, sizeof...(I)>{&taps<I / kMaxTapSide + 1, I % kMaxTapSide + 1>...};
}
using TapsPairKernel = void (*)(const TapPass&, int64_t, int64_t, float*);
constexpr std::array<TapsPairKernel, kMaxTapSide> kTapsPair{
    &taps_pair<1>, &taps_pair<2>, &taps_pair<3>, &taps_pair<4>, &taps_pair<5>};
constexpr auto kTapsKernels =
    taps_table(std::make_integer_sequence<int, kMaxTapSide * kMaxTapSide>{});

// ---- the input gradient ----------------------------------------------------------------

// The wide planes this input gradient takes: 144 floats, 9 vectors of AVX-512 (LeNet's
// conv2, 10 rows of 14). A pass holds a chunk of the plane in registers: 3 taps × 9
// accumulators + 3 weights + 1 load with 32 registers; 2 taps × 6 + 2 + 1 with 16.
constexpr int64_t kMaxWideFloats = 144;
constexpr int kMaxChunk = kManyRegisters ? 9 : 6;

int64_t wide_vectors(const ConvGeometry& g) { return (g.out_h * bordered_cols(g) + kW - 1) / kW; }

// acc[g] (V vectors each) = Σ_k w[k,c,t + g] · dout_wide[k], for G taps t .. t + G − 1
// of channel c; then each tap's chunk of the wide plane is added to dx_b at its shift, tap
// by tap. dout_wide's rows are row_floats apart.
template <int V, int G>
void scatter_group(const ConvGeometry& g, const float* dout_wide, int64_t row_floats,
                   const float* w, int64_t c, int64_t t, float* dx_b) {
  const int64_t cols = bordered_cols(g), plane = bordered_plane(g);
  const int64_t taps = g.kernel_h * g.kernel_w, chw = g.in_channels * taps;
  Vec acc[G][V] = {};
  for (int64_t k = 0; k < g.out_channels; ++k) {
    Vec u[G];
    for (int i = 0; i < G; ++i) u[i] = in_register(broadcast(w[k * chw + c * taps + t + i]));
    const float* d = dout_wide + k * row_floats;
    for (int v = 0; v < V; ++v) {
      const Vec dv = in_register(load_vec(d + v * kW));  // else loaded once per tap
      for (int i = 0; i < G; ++i) acc[i][v] += u[i] * dv;
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < G; ++i) {
    float* at = dx_b + c * plane + ((t + i) / g.kernel_w) * cols + (t + i) % g.kernel_w;
#pragma GCC unroll 16
    for (int v = 0; v < V; ++v) store_vec(at + v * kW, load_vec(at + v * kW) + acc[i][v]);
  }
}

// dx_b (C bordered planes) += for every tap t of every channel c, a chunk of V vectors of
// the wide plane Σ_k w[k,c,t] · dout_wide[k], shifted by the tap. dout_wide is (K,
// row_floats): each output row as wide as a bordered input row, zero past column Q and past
// the last row. Taps go in groups of three (two with fewer registers), whose accumulators
// and weights fill the registers: each load of dout_wide then feeds three FMAs.
template <int V>
void scatter_taps(const ConvGeometry& g, const float* dout_wide, int64_t row_floats, const float* w,
                  float* dx_b) {
  const int64_t taps = g.kernel_h * g.kernel_w;
  for (int64_t c = 0; c < g.in_channels; ++c) {
    int64_t t = 0;
    if constexpr (kManyRegisters) {
      for (; t + 3 <= taps; t += 3) scatter_group<V, 3>(g, dout_wide, row_floats, w, c, t, dx_b);
    }
    for (; t + 2 <= taps; t += 2) scatter_group<V, 2>(g, dout_wide, row_floats, w, c, t, dx_b);
    if (t < taps) scatter_group<V, 1>(g, dout_wide, row_floats, w, c, t, dx_b);
  }
}

using ScatterKernel = void (*)(const ConvGeometry&, const float*, int64_t, const float*, float*);

template <int... V>
constexpr auto scatter_table(std::integer_sequence<int, V...>) {
  return std::array<ScatterKernel, sizeof...(V)>{&scatter_taps<V + 1>...};
}
constexpr auto kScatterKernels = scatter_table(std::make_integer_sequence<int, kMaxChunk>{});

}  // namespace

bool conv2d_wide_grad_input_applies(const ConvGeometry& g) {
  return conv2d_wide_applies(g) && wide_vectors(g) * kW <= kMaxWideFloats;
}

// grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W)
//
// dx[c, p + r, q + s] += Σ_k w[k,c,r,s] · dout[k,p,q], in the bordered frame: the output
// gradient is laid out wide (rows as long as a bordered input row, zeros past Q), so that
// for every tap the sum over k is a few whole vectors, added to the bordered gradient at
// the tap's shift. Then the inside of the border is the input gradient.
void conv2d_grad_input_wide(const ConvGeometry& g, const float* grad_out, const float* w,
                            float* grad_x) {
  const int64_t cols = bordered_cols(g), plane = bordered_plane(g), vectors = wide_vectors(g);
  const int64_t pixels = g.out_h * g.out_w;
  // The last tap's vectors reach (R − 1)·Wb + S − 1 + V·kW floats past its channel's start.
  const auto dx_floats =
      static_cast<size_t>(g.in_channels * plane + g.kernel_h * cols + g.kernel_w + vectors * kW);
  const int threads = detail::thread_count(g.batch);
  std::vector<detail::AlignedFloats> dxs =
      detail::per_thread<detail::AlignedFloats>(threads, dx_floats, 0.0f);
  std::vector<detail::AlignedFloats> douts = detail::per_thread<detail::AlignedFloats>(
      threads, static_cast<size_t>(g.out_channels * vectors * kW), 0.0f);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t n = 0; n < g.batch; ++n) {
    detail::AlignedFloats& dx_b = dxs[detail::this_thread()];
    float* dout = douts[detail::this_thread()].data();
    for (int64_t k = 0; k < g.out_channels; ++k) {  // columns past Q stay zero
      detail::copy_rows(dout + k * vectors * kW, cols, grad_out + (n * g.out_channels + k) * pixels,
                        g.out_w, g.out_h, g.out_w);
    }
    std::fill(dx_b.begin(), dx_b.end(), 0.0f);
    // Chunk after chunk: an element's sum takes its taps in an order fixed by the shape.
    for (int64_t v0 = 0; v0 < vectors; v0 += kMaxChunk) {
      const int64_t chunk = std::min<int64_t>(kMaxChunk, vectors - v0);
      kScatterKernels[static_cast<size_t>(chunk - 1)](g, dout + v0 * kW, vectors * kW, w,
                                                      dx_b.data() + v0 * kW);
    }
    for (int64_t c = 0; c < g.in_channels; ++c) {
      const float* src = dx_b.data() + c * plane + g.pad_h * cols + g.pad_w;
      float* dst = grad_x + (n * g.in_channels + c) * g.in_h * g.in_w;
      detail::copy_rows(dst, g.in_w, src, cols, g.in_h, g.in_w);
    }
  }
}

// Small planes only: the kernels were built and measured for LeNet's conv2 (100 pixels).
bool conv2d_wide_applies(const ConvGeometry& g) {
  return kW >= 8 && g.in_channels > 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.out_h * g.out_w <= 1024;
}

bool conv2d_wide_grad_weight_applies(const ConvGeometry& g) {
  return conv2d_wide_applies(g) && g.kernel_h <= kMaxTapSide && g.kernel_w <= kMaxTapSide;
}

// x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null, out is (N,K,P,Q)
void conv2d_forward_wide(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                         float* out) {
  const int64_t taps = g.in_channels * g.kernel_h * g.kernel_w, kv = filter_vectors(g);
  // Weights as (tap, K rounded up to whole vectors), zero for filters past K; the bias too.
  detail::AlignedFloats wt(static_cast<size_t>(taps * kv * kW), 0.0f);
  detail::AlignedFloats padded_bias(static_cast<size_t>(kv * kW), 0.0f);
  for (int64_t k = 0; k < g.out_channels; ++k) {
    for (int64_t t = 0; t < taps; ++t) wt[static_cast<size_t>(t * kv * kW + k)] = w[k * taps + t];
    if (bias) padded_bias[static_cast<size_t>(k)] = bias[k];
  }
  const int64_t cols = bordered_cols(g), plane_out = g.out_h * g.out_w;
  const int threads = detail::thread_count(g.batch);
  std::vector<detail::AlignedFloats> images = detail::per_thread<detail::AlignedFloats>(
      threads, static_cast<size_t>(g.in_channels * bordered_plane(g)), 0.0f);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t n = 0; n < g.batch; ++n) {
    float* image = images[detail::this_thread()].data();
    place_image(g, x + n * g.in_channels * g.in_h * g.in_w, image);
    for (int64_t v = 0; v < kv;) {
      // A pass: two filter vectors, one row, up to kPairSegment pixels, or one filter
      // vector, up to kMaxSegment pixels of two rows (of one with 16 registers); a row is
      // cut into equal segments.
      const int vectors = kPairFilters && v + 2 <= kv ? 2 : 1;
      const int64_t row_step = kManyRegisters ? 2 : 1;
      const int64_t widest = vectors == 2 ? kPairSegment : kMaxSegment;
      const int64_t segments = (g.out_w + widest - 1) / widest;
      const int64_t width = (g.out_w + segments - 1) / segments;
      for (int64_t p = 0; p < g.out_h; p += row_step) {
        const int rows = static_cast<int>(std::min(row_step, g.out_h - p));
        for (int64_t q = 0; q < g.out_w; q += width) {
          const int64_t pixels = std::min(width, g.out_w - q);
          const Segment sg{image + p * cols + q, wt.data() + v * kW, cols,       bordered_plane(g),
                           g.in_channels,        g.kernel_h,         g.kernel_w, kv * kW};
          const SegmentKernel kernel =
              vectors == 2
                  ? pick_pair(pixels, g.kernel_w, std::make_integer_sequence<int, kPairSegment>{})
              : rows == 2 ? pick<2>(pixels, g.kernel_w)
                          : pick<1>(pixels, g.kernel_w);
          const SegmentOut so{out + (n * g.out_channels + v * kW) * plane_out + p * g.out_w + q,
                              plane_out, g.out_w, g.out_channels - v * kW};
          kernel(sg, padded_bias.data() + v * kW, so);
        }
      }
      v += vectors;
    }
  }
}

}  // namespace byo

namespace byo {

// x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K) or null
//
// dw[k,c,r,s] = Σ_{n,p,q} dout[n,k,p,q] · x_bordered[n,c,p + r,q + s]. The output gradient
// of an image is transposed pixel-major, so that a vector load gives one pixel's kSimdWidth
// filters; then for each channel every pixel is one load and R·S broadcast FMAs into R·S
// accumulators. Each block of kImagesPerBlock images sums in its own buffer, and the blocks
// are added in block order (block_sums.h): the same bits for any thread count.
void conv2d_grad_weight_wide(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias) {
  const int64_t kv = filter_vectors(g), taps_per_channel = g.kernel_h * g.kernel_w;
  const int64_t pixels = g.out_h * g.out_w, stride = kv * kW;
  // A block's sums: per filter vector, per channel, per tap, kW filters; then the bias.
  const int64_t weights = kv * g.in_channels * taps_per_channel * kW;
  const int64_t blocks = (g.batch + kImagesPerBlock - 1) / kImagesPerBlock;
  detail::BlockSums block_sums(blocks, weights + stride);
  const TapsKernel kernel = kTapsKernels[(g.kernel_h - 1) * kMaxTapSide + g.kernel_w - 1];
  const bool by_rows =
      kManyRegisters && g.kernel_h == 5 && g.kernel_w == 5 && g.out_w <= kMaxTapRow;
  const int threads = detail::thread_count(blocks);
  std::vector<detail::AlignedFloats> images = detail::per_thread<detail::AlignedFloats>(
      threads, static_cast<size_t>(g.in_channels * bordered_plane(g)), 0.0f);
  std::vector<detail::AlignedFloats> douts = detail::per_thread<detail::AlignedFloats>(
      threads, static_cast<size_t>(pixels * stride), 0.0f);
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t block = 0; block < blocks; ++block) {
    float* image = images[detail::this_thread()].data();
    float* dout = douts[detail::this_thread()].data();
    float* sums = block_sums.sums(block);
    const int64_t end = std::min(g.batch, (block + 1) * kImagesPerBlock);
    for (int64_t n = block * kImagesPerBlock; n < end; ++n) {
      place_image(g, x + n * g.in_channels * g.in_h * g.in_w, image);
      pixel_major(grad_out + n * g.out_channels * pixels, g.out_channels, pixels, stride, dout);
      const int64_t channel_floats = taps_per_channel * kW;
      for (int64_t v = 0; v < kv;) {
        const int vectors = kPairFilters && v + 2 <= kv ? 2 : 1;
        for (int64_t c = 0; c < g.in_channels; ++c) {
          const TapPass tp{image + c * bordered_plane(g),
                           dout + v * kW,
                           bordered_cols(g),
                           g.out_h,
                           g.out_w,
                           stride};
          float* channel_sums = sums + (v * g.in_channels + c) * channel_floats;
          if (vectors == 2) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              kTapsPair[static_cast<size_t>(g.kernel_w - 1)](tp, r, g.in_channels * channel_floats,
                                                             channel_sums);
            }
          } else if (by_rows) {
            kTapsRows3[static_cast<size_t>(g.out_w - 1)](tp, 0, channel_sums);
            kTapsRows2[static_cast<size_t>(g.out_w - 1)](tp, 3, channel_sums);
          } else {
            kernel(tp, channel_sums);
          }
        }
        for (int64_t u = v; u < v + vectors; ++u) {
          Vec bias_acc = load_vec(sums + weights + u * kW);
          for (int64_t j = 0; j < pixels; ++j) bias_acc += load_vec(dout + j * stride + u * kW);
          store_vec(sums + weights + u * kW, bias_acc);
        }
        v += vectors;
      }
    }
  }
  const float* total = block_sums.total();
  for (int64_t k = 0; k < g.out_channels; ++k) {
    const int64_t v = k / kW, f = k % kW;
    for (int64_t c = 0; c < g.in_channels; ++c) {
      for (int64_t t = 0; t < taps_per_channel; ++t) {
        grad_w[(k * g.in_channels + c) * taps_per_channel + t] =
            total[((v * g.in_channels + c) * taps_per_channel + t) * kW + f];
      }
    }
    if (grad_bias) grad_bias[k] = total[weights + v * kW + f];
  }
}

}  // namespace byo
