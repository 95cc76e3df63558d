/// @file
/// @brief Average and max pooling for the seam: window bounds computed once, planes threaded.
#include "byo/pool_fast.h"

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

// avg pooling of windows that tile the input (stride = kernel, no padding). Output row p
// sums kernel_h·kernel_w input rows, each read with stride kernel_w: no bounds to check.
// Cells are added in the loops' order (r, then s), as in chapter 6, so the sums are the
// same. kKernelW is the window width when known at compile time, else 0.
template <int64_t kKernelW>
void avg_pool_tiled(const ConvGeometry& g, const float* x, float* out) {
  const int64_t kw = kKernelW > 0 ? kKernelW : g.kernel_w;
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const auto area = static_cast<float>(g.kernel_h * kw);
#pragma omp parallel for schedule(static)
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
// the last window (when H or W is not a multiple of the kernel) receive nothing.
template <int64_t kKernelW>
void avg_pool_tiled_backward(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  const int64_t kw = kKernelW > 0 ? kKernelW : g.kernel_w;
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const auto area = static_cast<float>(g.kernel_h * kw);
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    float* gx = grad_x + plane * plane_in;
    const float* go = grad_out + plane * plane_out;
    if (g.out_h * g.kernel_h != g.in_h || g.out_w * kw != g.in_w) std::fill_n(gx, plane_in, 0.0f);
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* __restrict share = go + p * g.out_w;
      for (int64_t r = 0; r < g.kernel_h; ++r) {
        float* __restrict row = gx + (p * g.kernel_h + r) * g.in_w;
        for (int64_t q = 0; q < g.out_w; ++q) {
          const float value = share[q] / area;
          for (int64_t s = 0; s < kw; ++s) row[q * kw + s] = value;
        }
      }
    }
  }
}

// max pooling of 2×2 windows that tile the input (stride 2, no padding), LeNet's
// MaxPool2d(2). Branches on "is this the new maximum?" are mispredicted half the time on
// real data, and the compiler turns the scalar selects back into branches; so eight
// windows at a time are compared as SIMD vectors (GCC/Clang vector extensions), where a
// select is one blend. The rule is chapter 6's: the first largest value in row-major
// order wins, and NaN wins. Each window's winner is kept as a code 0..3 (r·2 + s) and
// turned into h·W + w at the end.
#if defined(__GNUC__) && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define BYO_VECTOR_POOL 1
#endif
#endif

#ifdef BYO_VECTOR_POOL
typedef float F8 __attribute__((vector_size(32)));
typedef float F16 __attribute__((vector_size(64)));
typedef int32_t I8 __attribute__((vector_size(32)));

// Eight 2×2 windows side by side: `top` and `bottom` hold 16 floats of the two input
// rows. Returns each window's maximum; `codes` gets the winning cell (r·2 + s).
F8 max_of_8_windows(F16 top, F16 bottom, int32_t* codes) {
  const F8 cells[4] = {__builtin_shufflevector(top, top, 0, 2, 4, 6, 8, 10, 12, 14),
                       __builtin_shufflevector(top, top, 1, 3, 5, 7, 9, 11, 13, 15),
                       __builtin_shufflevector(bottom, bottom, 0, 2, 4, 6, 8, 10, 12, 14),
                       __builtin_shufflevector(bottom, bottom, 1, 3, 5, 7, 9, 11, 13, 15)};
  F8 best = cells[0];
  I8 code = {};
  for (int32_t c = 1; c < 4; ++c) {
    const I8 take = (cells[c] > best) | (cells[c] != cells[c]);
    best = take ? cells[c] : best;
    code = take ? c : code;
  }
  std::memcpy(codes, &code, sizeof(code));
  return best;
}
#endif

void max_pool_2x2(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* row0 = x + plane * plane_in + 2 * p * g.in_w;
      const float* row1 = row0 + g.in_w;
      float* o = out + plane * plane_out + p * g.out_w;
      int64_t* arg = argmax != nullptr ? argmax + plane * plane_out + p * g.out_w : nullptr;
#ifdef BYO_VECTOR_POOL
      for (int64_t q = 0; q < g.out_w; q += 8) {
        // The last windows of the row (LeNet's rows have 14 and 5) go through a copy
        // padded with zeros, so that reads never pass the row; only they are stored.
        const int64_t windows = std::min<int64_t>(8, g.out_w - q);
        F16 top, bottom;
        if (windows == 8) {
          std::memcpy(&top, row0 + 2 * q, sizeof(top));
          std::memcpy(&bottom, row1 + 2 * q, sizeof(bottom));
        } else {
          float top_cells[16] = {}, bottom_cells[16] = {};
          std::copy_n(row0 + 2 * q, 2 * windows, top_cells);
          std::copy_n(row1 + 2 * q, 2 * windows, bottom_cells);
          std::memcpy(&top, top_cells, sizeof(top));
          std::memcpy(&bottom, bottom_cells, sizeof(bottom));
        }
        int32_t codes[8];
        const F8 best = max_of_8_windows(top, bottom, codes);
        float best_cells[8];
        std::memcpy(best_cells, &best, sizeof(best));
        const int64_t first = 2 * p * g.in_w + 2 * q;  // top left cell of window q
        for (int64_t l = 0; l < windows; ++l) o[q + l] = best_cells[l];
        if (arg == nullptr) continue;  // inference: nobody will ask where the maxima were
        for (int64_t l = 0; l < windows; ++l) {
          arg[q + l] = first + 2 * l + (codes[l] >> 1) * g.in_w + (codes[l] & 1);
        }
      }
#else
      for (int64_t q = 0; q < g.out_w; ++q) {
        const float cells[4] = {row0[2 * q], row0[2 * q + 1], row1[2 * q], row1[2 * q + 1]};
        float best = cells[0];
        int64_t code = 0;
        for (int64_t c = 1; c < 4; ++c) {
          if (cells[c] > best || std::isnan(cells[c])) {
            best = cells[c];
            code = c;
          }
        }
        o[q] = best;
        if (arg != nullptr) arg[q] = (2 * p + code / 2) * g.in_w + 2 * q + code % 2;
      }
#endif
    }
  }
}

// avg pooling of the same 2×2 tiling windows, eight at a time: each window's four cells
// are added in chapter 6's order (0 + top left + top right + bottom left + bottom right),
// so the sums are the same to the bit.
void avg_pool_2x2(const ConvGeometry& g, const float* x, float* out) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    for (int64_t p = 0; p < g.out_h; ++p) {
      const float* row0 = x + plane * plane_in + 2 * p * g.in_w;
      const float* row1 = row0 + g.in_w;
      float* o = out + plane * plane_out + p * g.out_w;
      int64_t q = 0;
#ifdef BYO_VECTOR_POOL
      typedef float F8 __attribute__((vector_size(32)));
      typedef float F16 __attribute__((vector_size(64)));
      for (; q + 8 <= g.out_w; q += 8) {
        F16 top, bottom;
        std::memcpy(&top, row0 + 2 * q, sizeof(top));
        std::memcpy(&bottom, row1 + 2 * q, sizeof(bottom));
        F8 sum = __builtin_shufflevector(top, top, 0, 2, 4, 6, 8, 10, 12, 14);
        sum += __builtin_shufflevector(top, top, 1, 3, 5, 7, 9, 11, 13, 15);
        sum += __builtin_shufflevector(bottom, bottom, 0, 2, 4, 6, 8, 10, 12, 14);
        sum += __builtin_shufflevector(bottom, bottom, 1, 3, 5, 7, 9, 11, 13, 15);
        sum /= 4.0f;
        std::memcpy(o + q, &sum, sizeof(sum));
      }
#endif
      for (; q < g.out_w; ++q) {
        o[q] = (row0[2 * q] + row0[2 * q + 1] + row1[2 * q] + row1[2 * q + 1]) / 4.0f;
      }
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
      avg_pool_2x2(g, x, out);
    } else if (g.kernel_w == 2) {
      avg_pool_tiled<2>(g, x, out);
    } else {
      avg_pool_tiled<0>(g, x, out);
    }
    return;
  }
  const std::vector<Range> rows = ranges(g.out_h, g.stride_h, g.pad_h, g.kernel_h, g.in_h);
  const std::vector<Range> cols = ranges(g.out_w, g.stride_w, g.pad_w, g.kernel_w, g.in_w);
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    const float* in = x + plane * plane_in;
    for (int64_t p = 0; p < g.out_h; ++p) {
      const Range& rp = rows[static_cast<size_t>(p)];
      for (int64_t q = 0; q < g.out_w; ++q) {
        const Range& cq = cols[static_cast<size_t>(q)];
        float sum = 0.0f;
        for (int64_t h = rp.begin; h < rp.end; ++h) {
          for (int64_t w = cq.begin; w < cq.end; ++w) sum += in[h * g.in_w + w];
        }
        out[plane * plane_out + p * g.out_w + q] =
            sum / static_cast<float>(rp.padded_extent * cq.padded_extent);
      }
    }
  }
}

// grad_out is (N,C,P,Q), grad_x is (N,C,H,W)
void avg_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  if (tiles(g)) {
    if (g.kernel_w == 2) {
      avg_pool_tiled_backward<2>(g, grad_out, grad_x);
    } else {
      avg_pool_tiled_backward<0>(g, grad_out, grad_x);
    }
    return;
  }
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const std::vector<Range> rows = ranges(g.out_h, g.stride_h, g.pad_h, g.kernel_h, g.in_h);
  const std::vector<Range> cols = ranges(g.out_w, g.stride_w, g.pad_w, g.kernel_w, g.in_w);
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    float* gx = grad_x + plane * plane_in;
    const float* go = grad_out + plane * plane_out;
    std::fill_n(gx, plane_in, 0.0f);
    for (int64_t p = 0; p < g.out_h; ++p) {
      const Range& rp = rows[static_cast<size_t>(p)];
      for (int64_t q = 0; q < g.out_w; ++q) {
        const Range& cq = cols[static_cast<size_t>(q)];
        const float share =
            go[p * g.out_w + q] / static_cast<float>(rp.padded_extent * cq.padded_extent);
        for (int64_t h = rp.begin; h < rp.end; ++h) {
          for (int64_t w = cq.begin; w < cq.end; ++w) gx[h * g.in_w + w] += share;
        }
      }
    }
  }
}

// x is (N,C,H,W), out and argmax are (N,C,P,Q)
void max_pool2d_forward_fast(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  if (tiles(g) && g.kernel_h == 2 && g.kernel_w == 2) {  // LeNet's MaxPool2d(2)
    max_pool_2x2(g, x, out, argmax);
    return;
  }
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
  const std::vector<Range> rows = ranges(g.out_h, g.stride_h, g.pad_h, g.kernel_h, g.in_h);
  const std::vector<Range> cols = ranges(g.out_w, g.stride_w, g.pad_w, g.kernel_w, g.in_w);
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < planes(g); ++plane) {
    const float* in = x + plane * plane_in;
    for (int64_t p = 0; p < g.out_h; ++p) {
      const Range& rp = rows[static_cast<size_t>(p)];
      for (int64_t q = 0; q < g.out_w; ++q) {
        const Range& cq = cols[static_cast<size_t>(q)];
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
      }
    }
  }
}

// grad_out and argmax are (N,C,P,Q), grad_x is (N,C,H,W)
void max_pool2d_backward_fast(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                              float* grad_x) {
  const int64_t plane_in = g.in_h * g.in_w, plane_out = g.out_h * g.out_w;
#pragma omp parallel for schedule(static)
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
