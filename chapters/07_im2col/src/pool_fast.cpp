/// @file
/// @brief Average and max pooling for the seam: window bounds computed once, planes threaded.
#include "byo/pool_fast.h"

#include "byo/simd.h"
#include "copy_run.h"
#include "threads.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace byo {
namespace {

// The input rows (or columns) [begin, end) that output row p (or column q) pools, clipped
// to the input, and the extent of the window clipped to the padded input only: PyTorch's
// avg_pool2d divides by rows·cols of the latter (count_include_pad).
struct Range {
  int64_t begin, end, padded_extent;
};

std::vector<Range> ranges(int64_t outputs, int64_t stride, int64_t pad, int64_t kernel,
                          int64_t size) {
  std::vector<Range> result(static_cast<size_t>(outputs));
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t begin = o * stride - pad;
    const int64_t end = std::min(begin + kernel, size + pad);
    result[static_cast<size_t>(o)] = {std::max<int64_t>(begin, 0), std::min(end, size),
                                      end - begin};
  }
  return result;
}

// Windows that tile the input exactly where they lie: stride = kernel and no padding.
bool tiles(const ConvGeometry& g) {
  return g.stride_h == g.kernel_h && g.stride_w == g.kernel_w && g.pad_h == 0 && g.pad_w == 0;
}

int64_t planes(const ConvGeometry& g) { return g.batch * g.in_channels; }

// visit(plane, p, q, rows, cols) for every window of g, with the window's input rows and
// columns; image planes are spread over the threads. The general path of the three
// kernels below, for any window, stride and padding.
template <class Visit>
void for_each_window(const ConvGeometry& g, Visit visit) {
  const std::vector<Range> rows = ranges(g.out_h, g.stride_h, g.pad_h, g.kernel_h, g.in_h);
  const std::vector<Range> cols = ranges(g.out_w, g.stride_w, g.pad_w, g.kernel_w, g.in_w);
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      for (int64_t q = 0; q < g.out_w; ++q) {
        visit(plane, p, q, rows[static_cast<size_t>(p)], cols[static_cast<size_t>(q)]);
      }
    }
  }
}

// avg pooling of windows that tile the input (stride = kernel, no padding). Output row p
// sums kernel_h·kernel_w input rows, each read with stride kernel_w: no bounds to check.
// Cells are added in the loops' order (r, then s), as in chapter 6, so the sums are the
// same. kKernelW is the window width when known at compile time, else 0.
template <int64_t kKernelW>
void avg_pool_tiled(const ConvGeometry& g, const float* x, float* out) {
  const int64_t kw = kKernelW > 0 ? kKernelW : g.kernel_w;
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const auto area = static_cast<float>(g.kernel_h * kw);
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      float* __restrict o = out + plane * plane_out + p * g.out_w;
      const float* in = x + plane * plane_in + p * g.kernel_h * g.in_w;
      for (int64_t q = 0; q < g.out_w; ++q) o[q] = 0.0f;
      for (int64_t r = 0; r < g.kernel_h; ++r) {
        for (int64_t s = 0; s < kw; ++s) {
          const float* __restrict row = in + r * g.in_w + s;
          for (int64_t q = 0; q < g.out_w; ++q) o[q] += row[q * kw];
        }
      }
      for (int64_t q = 0; q < g.out_w; ++q) o[q] /= area;
    }
  }
}

// Its backward: every cell under a window receives the window's share once; cells past
// the last window (when H or W is not a multiple of the kernel) receive nothing. The
// shares of a plane are divided first, once per window and in a loop that vectorises,
// rather than once for every cell they are written to. Chapter 6's loops add each share
// to a zero, so a share here is 0 + share: a −0 arrives as +0, as there.
template <int64_t kKernelW>
void avg_pool_tiled_backward(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  const int64_t kw = kKernelW > 0 ? kKernelW : g.kernel_w;
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const auto area = static_cast<float>(g.kernel_h * kw);
  const int threads = detail::thread_count(planes(g));
  std::vector<std::vector<float>> shares =
      detail::per_thread<std::vector<float>>(threads, static_cast<size_t>(plane_out));
#pragma omp parallel num_threads(threads)
  {
    float* __restrict share = shares[detail::this_thread()].data();
#pragma omp for schedule(static)
    for (int64_t plane = 0; plane < planes(g); ++plane) {
      float* gx = grad_x + plane * plane_in;
      const float* __restrict go = grad_out + plane * plane_out;
      for (int64_t i = 0; i < plane_out; ++i) share[i] = 0.0f + go[i] / area;
      if (g.out_h * g.kernel_h != g.in_h || g.out_w * kw != g.in_w) {
        std::fill_n(gx, plane_in, 0.0f);
      }
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t r = 0; r < g.kernel_h; ++r) {
          float* __restrict row = gx + (p * g.kernel_h + r) * g.in_w;
          for (int64_t q = 0; q < g.out_w; ++q) {
            for (int64_t s = 0; s < kw; ++s) row[q * kw + s] = share[p * g.out_w + q];
          }
        }
      }
    }
  }
}

// LeNet's pools: 2×2 windows that tile the input (stride 2, no padding). A window's four
// cells are top left, top right, bottom left, bottom right (codes 0..3, r·2 + s).
//
// Max pooling's rule is chapter 6's: walking the cells in that order, a cell takes over
// when it is larger than the best so far or NaN. The same winner comes out of a
// tournament, left against right in each row and then top against bottom, with the same
// "larger or NaN" test: the first largest value wins, or else the last NaN. The tournament
// needs no running state, so eight windows are played at once as SIMD vectors (GCC/Clang
// vector extensions), where each "if" is a blend: the scalar branches would be
// mispredicted half the time on real data.
struct Cells {
  float tl, tr, bl, br;
};

Cells cells_of(const float* row0, const float* row1, int64_t q) {
  return {row0[2 * q], row0[2 * q + 1], row1[2 * q], row1[2 * q + 1]};
}

// b takes over from a: larger, or NaN.
bool takes_over(float a, float b) { return b > a || std::isnan(b); }

// One window without SIMD: its maximum and the code of the winning cell.
float max_of_window(const Cells& c, int64_t& code) {
  const bool right_top = takes_over(c.tl, c.tr), right_bottom = takes_over(c.bl, c.br);
  const float top = right_top ? c.tr : c.tl, bottom = right_bottom ? c.br : c.bl;
  const bool lower = takes_over(top, bottom);
  code = lower ? 2 + right_bottom : right_top;
  return lower ? bottom : top;
}

// The same window's average: cells added in chapter 6's order, from 0, so the sums are
// the same to the bit.
float avg_of_window(const Cells& c) { return (0.0f + c.tl + c.tr + c.bl + c.br) / 4.0f; }

#ifdef BYO_HAVE_SHUFFLEVECTOR
constexpr int64_t kLanes = 8;

// The cells of eight windows side by side, from 16 floats of each of the two rows: even
// floats are left cells, odd floats right cells.
struct Cells8 {
  Float8 tl, tr, bl, br;
};

Cells8 cells8_of(const float* row0, const float* row1, int64_t q) {
  const Float8 t0 = load8(row0 + 2 * q), t1 = load8(row0 + 2 * q + kLanes);
  const Float8 b0 = load8(row1 + 2 * q), b1 = load8(row1 + 2 * q + kLanes);
  return {__builtin_shufflevector(t0, t1, 0, 2, 4, 6, 8, 10, 12, 14),
          __builtin_shufflevector(t0, t1, 1, 3, 5, 7, 9, 11, 13, 15),
          __builtin_shufflevector(b0, b1, 0, 2, 4, 6, 8, 10, 12, 14),
          __builtin_shufflevector(b0, b1, 1, 3, 5, 7, 9, 11, 13, 15)};
}

// Lanes where b takes over from a: all ones (-1), else 0.
Int8 takes_over(Float8 a, Float8 b) { return (b > a) | (b != b); }

// The tournaments of eight windows: each one's maximum, and where its winner lies from
// its top left cell: plus W when it is in the bottom row, plus 1 when it is a right cell
// (the masks are -1 or 0).
struct Winners8 {
  Float8 best;
  Int8 offset;
};

Winners8 play8(const Cells8& c, int32_t width) {
  const Int8 right_top = takes_over(c.tl, c.tr), right_bottom = takes_over(c.bl, c.br);
  const Float8 top = right_top ? c.tr : c.tl, bottom = right_bottom ? c.br : c.bl;
  const Int8 lower = takes_over(top, bottom);
  const Int8 right = lower ? right_bottom : right_top;
  return {lower ? bottom : top, (lower & width) - right};
}

// dst[0 .. 8) = base + offsets, widened to int64 in the lanes: one store of 64 bytes
// instead of eight.
void store_argmax8(int64_t* dst, int64_t base, Int8 offsets) {
  typedef int64_t Long8 __attribute__((vector_size(8 * sizeof(int64_t))));
  const Long8 at = __builtin_convertvector(offsets, Long8) + base;
  std::memcpy(dst, &at, sizeof(at));
}

// Row p's windows, eight at a time. A row whose width is not a multiple of eight ends
// with a block that overlaps the one before it (it writes the same values again), so
// there is no scalar tail; rows narrower than eight windows go one window at a time
// (unless their plane has eight or more: for_each_narrow_block, below).
template <class Block, class One>
void for_each_block(int64_t out_w, Block block, One one) {
  if (out_w < kLanes) {
    for (int64_t q = 0; q < out_w; ++q) one(q);
    return;
  }
  for (int64_t q = 0; q + kLanes <= out_w; q += kLanes) block(q);
  if (out_w % kLanes != 0) block(out_w - kLanes);
}
#endif

// x is (N,C,H,W), out and argmax are (N,C,P,Q); argmax is h·W + w of each winner
void max_pool_2x2(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w, width = g.in_w;
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* row0 = x + plane * plane_in + 2 * p * width;
      const float* row1 = row0 + width;
      float* o = out + plane * plane_out + p * g.out_w;
      int64_t* arg = argmax != nullptr ? argmax + plane * plane_out + p * g.out_w : nullptr;
      const int64_t first = 2 * p * width;  // window 0's top left cell in the plane
      const auto one = [&](int64_t q) {
        int64_t code = 0;
        o[q] = max_of_window(cells_of(row0, row1, q), code);
        if (arg != nullptr) arg[q] = first + 2 * q + (code >> 1) * width + (code & 1);
      };
#ifdef BYO_HAVE_SHUFFLEVECTOR
      const auto block = [&](int64_t q) {
        const Winners8 won = play8(cells8_of(row0, row1, q), static_cast<int32_t>(width));
        store8(o + q, won.best);
        if (arg == nullptr) return;  // inference: nobody will ask where the maxima were
        store_argmax8(arg + q, first + 2 * q, won.offset + Int8{0, 2, 4, 6, 8, 10, 12, 14});
      };
      for_each_block(g.out_w, block, one);
#else
      for (int64_t q = 0; q < g.out_w; ++q) one(q);
#endif
    }
  }
}

#ifdef BYO_HAVE_SHUFFLEVECTOR
// 2×2 pooling of rows of fewer than eight windows (conv2's 10×10 → 5×5: five a row, which
// would go one at a time) in planes of eight or more: a plane's windows are taken eight at
// a time in output order, across its rows. The top and bottom rows of every row of
// windows are first copied end to end, so that window i's cells are at 2i and 2i + 1 of
// both copies, as in a single wide row.
bool narrow_rows(const ConvGeometry& g) { return g.out_w < kLanes && g.out_h * g.out_w >= kLanes; }

// block(plane, top, bottom, i) for every block of eight windows i .. i + 7 of every plane
// (the last block overlaps the one before), with the plane's rows copied as above.
template <class Block>
void for_each_narrow_block(const ConvGeometry& g, const float* x, Block block) {
  const int64_t plane_in = g.in_h * g.in_w, windows = g.out_h * g.out_w, run = 2 * g.out_w;
  const int threads = detail::thread_count(planes(g));
  std::vector<std::vector<float>> rows =
      detail::per_thread<std::vector<float>>(threads, static_cast<size_t>(4 * windows), 0.0f);
#pragma omp parallel num_threads(threads)
  {
    float* top = rows[detail::this_thread()].data();
    float* bottom = top + 2 * windows;
#pragma omp for schedule(static)
    for (int64_t plane = 0; plane < planes(g); ++plane) {
      const float* in = x + plane * plane_in;
      for (int64_t p = 0; p < g.out_h; ++p) {
        detail::copy_run(top + p * run, in + 2 * p * g.in_w, run);
        detail::copy_run(bottom + p * run, in + (2 * p + 1) * g.in_w, run);
      }
      for_each_block(
          windows, [&](int64_t i) { block(plane, top, bottom, i); }, [](int64_t) {});
    }
  }
}

// x is (N,C,H,W), out and argmax are (N,C,P,Q); argmax is h·W + w of each winner
void max_pool_2x2_narrow(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  const int64_t windows = g.out_h * g.out_w;
  const auto width = static_cast<int32_t>(g.in_w);
  // Window i's top left cell in its plane.
  std::vector<int32_t> corner(static_cast<size_t>(windows));
  for (int64_t p = 0; p < g.out_h; ++p) {
    for (int64_t q = 0; q < g.out_w; ++q) {
      corner[static_cast<size_t>(p * g.out_w + q)] = static_cast<int32_t>(2 * p * g.in_w + 2 * q);
    }
  }
  for_each_narrow_block(g, x, [&](int64_t plane, const float* top, const float* bottom, int64_t i) {
    const Winners8 won = play8(cells8_of(top, bottom, i), width);
    store8(out + plane * windows + i, won.best);
    if (argmax == nullptr) return;
    Int8 corners;
    std::memcpy(&corners, corner.data() + i, sizeof(corners));
    store_argmax8(argmax + plane * windows + i, 0, corners + won.offset);
  });
}

// x is (N,C,H,W), out is (N,C,P,Q)
void avg_pool_2x2_narrow(const ConvGeometry& g, const float* x, float* out) {
  const int64_t windows = g.out_h * g.out_w;
  for_each_narrow_block(g, x, [&](int64_t plane, const float* top, const float* bottom, int64_t i) {
    const Cells8 c = cells8_of(top, bottom, i);
    store8(out + plane * windows + i, (Float8{} + c.tl + c.tr + c.bl + c.br) / 4.0f);
  });
}

// Eight windows' shares, each twice: lanes 0..3 as 0,0,1,1,2,2,3,3 and lanes 4..7 alike,
// 16 floats of a row of cells.
Float8 low_pairs(Float8 v) { return __builtin_shufflevector(v, v, 0, 0, 1, 1, 2, 2, 3, 3); }
Float8 high_pairs(Float8 v) { return __builtin_shufflevector(v, v, 4, 4, 5, 5, 6, 6, 7, 7); }

// The backward of avg_pool_2x2_narrow, its copies the other way round: a plane's shares,
// eight windows at a time, each twice, end to end; then the run of 2·Q floats of each row
// of windows is copied to its two rows of cells.
// grad_out is (N,C,P,Q), grad_x is (N,C,H,W)
void avg_pool_2x2_backward_narrow(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  const int64_t plane_in = g.in_h * g.in_w, windows = g.out_h * g.out_w, run = 2 * g.out_w;
  const bool leftover = 2 * g.out_h != g.in_h || 2 * g.out_w != g.in_w;
  const int threads = detail::thread_count(planes(g));
  std::vector<std::vector<float>> pairs =
      detail::per_thread<std::vector<float>>(threads, static_cast<size_t>(2 * windows), 0.0f);
#pragma omp parallel num_threads(threads)
  {
    float* pair = pairs[detail::this_thread()].data();
#pragma omp for schedule(static)
    for (int64_t plane = 0; plane < planes(g); ++plane) {
      const float* go = grad_out + plane * windows;
      for_each_block(
          windows,
          [&](int64_t i) {
            const Float8 share = Float8{} + load8(go + i) / 4.0f;
            store8(pair + 2 * i, low_pairs(share));
            store8(pair + 2 * i + kLanes, high_pairs(share));
          },
          [](int64_t) {});
      float* gx = grad_x + plane * plane_in;
      if (leftover) std::fill_n(gx, plane_in, 0.0f);
      for (int64_t p = 0; p < g.out_h; ++p) {
        detail::copy_run(gx + 2 * p * g.in_w, pair + p * run, run);
        detail::copy_run(gx + (2 * p + 1) * g.in_w, pair + p * run, run);
      }
    }
  }
}
#endif

// The backward of avg_pool_2x2: each window's share, a quarter of its gradient, goes to
// its four cells, eight windows (16 floats of both rows) at a time.
// grad_out is (N,C,P,Q), grad_x is (N,C,H,W)
void avg_pool_2x2_backward(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const bool leftover = 2 * g.out_h != g.in_h || 2 * g.out_w != g.in_w;
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    float* gx = grad_x + plane * plane_in;
    if (leftover) std::fill_n(gx, plane_in, 0.0f);
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* go = grad_out + plane * plane_out + p * g.out_w;
      float* row0 = gx + 2 * p * g.in_w;
      float* row1 = row0 + g.in_w;
      const auto one = [&](int64_t q) {
        const float share = 0.0f + go[q] / 4.0f;
        row0[2 * q] = row0[2 * q + 1] = row1[2 * q] = row1[2 * q + 1] = share;
      };
#ifdef BYO_HAVE_SHUFFLEVECTOR
      const auto block = [&](int64_t q) {
        const Float8 share = Float8{} + load8(go + q) / 4.0f;
        const Float8 low = low_pairs(share), high = high_pairs(share);
        store8(row0 + 2 * q, low);
        store8(row0 + 2 * q + kLanes, high);
        store8(row1 + 2 * q, low);
        store8(row1 + 2 * q + kLanes, high);
      };
      for_each_block(g.out_w, block, one);
#else
      for (int64_t q = 0; q < g.out_w; ++q) one(q);
#endif
    }
  }
}

// x is (N,C,H,W), out is (N,C,P,Q)
void avg_pool_2x2(const ConvGeometry& g, const float* x, float* out) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* row0 = x + plane * plane_in + 2 * p * g.in_w;
      const float* row1 = row0 + g.in_w;
      float* o = out + plane * plane_out + p * g.out_w;
      const auto one = [&](int64_t q) { o[q] = avg_of_window(cells_of(row0, row1, q)); };
#ifdef BYO_HAVE_SHUFFLEVECTOR
      const auto block = [&](int64_t q) {
        const Cells8 c = cells8_of(row0, row1, q);
        const Float8 mean = (Float8{} + c.tl + c.tr + c.bl + c.br) / 4.0f;
        store8(o + q, mean);
      };
      for_each_block(g.out_w, block, one);
#else
      for (int64_t q = 0; q < g.out_w; ++q) one(q);
#endif
    }
  }
}

}  // namespace

// x is (N,C,H,W), out is (N,C,P,Q)
void avg_pool2d_forward_fast(const ConvGeometry& g, const float* x, float* out) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  if (tiles(g)) {
    // LeNet's 2×2 windows get the window width as a constant, so that the strided reads
    // of the loop over q vectorise (as shuffles of whole vectors).
    if (g.kernel_h == 2 && g.kernel_w == 2) {
#ifdef BYO_HAVE_SHUFFLEVECTOR
      if (narrow_rows(g)) {
        avg_pool_2x2_narrow(g, x, out);
        return;
      }
#endif
      avg_pool_2x2(g, x, out);
    } else if (g.kernel_w == 2) {
      avg_pool_tiled<2>(g, x, out);
    } else {
      avg_pool_tiled<0>(g, x, out);
    }
    return;
  }
  for_each_window(g, [&](int64_t plane, int64_t p, int64_t q, const Range& rp, const Range& cq) {
    const float* in = x + plane * plane_in;
    float sum = 0.0f;
    for (int64_t h = rp.begin; h < rp.end; ++h) {
      for (int64_t w = cq.begin; w < cq.end; ++w) sum += in[h * g.in_w + w];
    }
    out[plane * plane_out + p * g.out_w + q] =
        sum / static_cast<float>(rp.padded_extent * cq.padded_extent);
  });
}

// grad_out is (N,C,P,Q), grad_x is (N,C,H,W)
void avg_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  if (tiles(g)) {
    if (g.kernel_h == 2 && g.kernel_w == 2) {
#ifdef BYO_HAVE_SHUFFLEVECTOR
      if (narrow_rows(g)) {
        avg_pool_2x2_backward_narrow(g, grad_out, grad_x);
        return;
      }
#endif
      avg_pool_2x2_backward(g, grad_out, grad_x);
    } else if (g.kernel_w == 2) {
      avg_pool_tiled_backward<2>(g, grad_out, grad_x);
    } else {
      avg_pool_tiled_backward<0>(g, grad_out, grad_x);
    }
    return;
  }
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  // Windows may overlap, so each cell sums the shares of every window over it; the shares
  // of one plane are added by the one thread that has that plane, in window order.
  std::fill_n(grad_x, planes(g) * plane_in, 0.0f);
  for_each_window(g, [&](int64_t plane, int64_t p, int64_t q, const Range& rp, const Range& cq) {
    float* gx = grad_x + plane * plane_in;
    const float share = grad_out[plane * plane_out + p * g.out_w + q] /
                        static_cast<float>(rp.padded_extent * cq.padded_extent);
    for (int64_t h = rp.begin; h < rp.end; ++h) {
      for (int64_t w = cq.begin; w < cq.end; ++w) gx[h * g.in_w + w] += share;
    }
  });
}

// x is (N,C,H,W), out and argmax are (N,C,P,Q)
void max_pool2d_forward_fast(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  // LeNet's MaxPool2d(2); its SIMD lanes hold offsets within two rows as int32.
  if (tiles(g) && g.kernel_h == 2 && g.kernel_w == 2 && g.in_w < (int64_t{1} << 29)) {
#ifdef BYO_HAVE_SHUFFLEVECTOR
    if (narrow_rows(g) && g.in_h * g.in_w < (int64_t{1} << 30)) {
      max_pool_2x2_narrow(g, x, out, argmax);
      return;
    }
#endif
    max_pool_2x2(g, x, out, argmax);
    return;
  }
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  for_each_window(g, [&](int64_t plane, int64_t p, int64_t q, const Range& rp, const Range& cq) {
    const float* in = x + plane * plane_in;
    // As chapter 6: the first largest value in row-major order wins, and NaN wins.
    float best = -std::numeric_limits<float>::infinity();
    int64_t best_index = rp.begin * g.in_w + cq.begin;
    for (int64_t h = rp.begin; h < rp.end; ++h) {
      for (int64_t w = cq.begin; w < cq.end; ++w) {
        const float v = in[h * g.in_w + w];
        if (v > best || std::isnan(v)) {
          best = v;
          best_index = h * g.in_w + w;
        }
      }
    }
    out[plane * plane_out + p * g.out_w + q] = best;
    if (argmax != nullptr) argmax[plane * plane_out + p * g.out_w + q] = best_index;
  });
}

// grad_out and argmax are (N,C,P,Q), grad_x is (N,C,H,W)
void max_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                              float* grad_x) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
#pragma omp parallel for schedule(static) num_threads(detail::thread_count())
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    float* gx = grad_x + plane * plane_in;
    std::fill_n(gx, plane_in, 0.0f);
    for (int64_t i = plane * plane_out; i < (plane + 1) * plane_out; ++i) {
      gx[argmax[i]] += grad_out[i];  // argmax came from the forward: inside the plane
    }
  }
}

PoolKernels fast_pool_kernels() {
  return {avg_pool2d_forward_fast, avg_pool2d_backward_fast, max_pool2d_forward_fast,
          max_pool2d_backward_fast, "fast"};
}

}  // namespace byo
