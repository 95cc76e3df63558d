/// @file
/// @brief im2col and col2im for NCHW input with stride and padding.
#include "byo/im2col.h"

#include <algorithm>

#include "byo/check.h"

namespace byo {

void Im2colGeometry::check(const char* op) const {
  BYO_CHECK(batch > 0 && channels > 0 && height > 0 && width > 0 && kernel_h > 0 && kernel_w > 0 &&
            stride_h > 0 && stride_w > 0 && pad_h >= 0 && pad_w >= 0)
      << op << ": input (" << batch << ", " << channels << ", " << height << ", " << width
      << "), kernel " << kernel_h << "x" << kernel_w << ", stride " << stride_h << "x" << stride_w
      << ", padding " << pad_h << "x" << pad_w
      << ": sizes and strides must be positive, padding non-negative";
  BYO_CHECK(kernel_h <= height + 2 * pad_h && kernel_w <= width + 2 * pad_w)
      << op << ": kernel " << kernel_h << "x" << kernel_w << " is larger than the padded input "
      << height + 2 * pad_h << "x" << width + 2 * pad_w;
}

namespace {

void check_sizes(const char* op, const Im2colGeometry& g, int64_t x_size, int64_t col_size) {
  g.check(op);
  BYO_CHECK(x_size == g.input_numel() && col_size == g.col_rows() * g.col_cols())
      << op << ": input (" << g.batch << ", " << g.channels << ", " << g.height << ", " << g.width
      << ") needs " << g.input_numel() << " floats and col (" << g.col_rows() << ", "
      << g.col_cols() << ") needs " << g.col_rows() * g.col_cols() << "; got " << x_size << " and "
      << col_size;
}

// The output columns q whose window column s lands inside the image: 0 ≤ q·stride − pad + s
// < width. Outside [first, last) the window reads padding.
struct Span {
  int64_t first, last;
};
Span valid_q(const Im2colGeometry& g, int64_t s) {
  const int64_t q_out = g.out_w();
  const int64_t lo = g.pad_w - s;  // need q·stride ≥ lo
  const int64_t first = lo <= 0 ? 0 : (lo + g.stride_w - 1) / g.stride_w;
  const int64_t hi = g.width + g.pad_w - s;  // need q·stride < hi
  const int64_t last = hi <= 0 ? 0 : (hi + g.stride_w - 1) / g.stride_w;
  return {std::min(first, q_out), std::clamp(last, std::min(first, q_out), q_out)};
}

}  // namespace

// x is (N,C,H,W), col is (C·R·S, N·P·Q).
//
// One row of col per (c, r, s); within it, the (n, p) runs of Q entries are a strided copy
// of one image row between two runs of zeros. Rows are independent, so threads take
// whole rows and the result does not depend on the thread count.
void im2col(std::span<const float> x, const Im2colGeometry& g, std::span<float> col) {
  check_sizes("im2col", g, static_cast<int64_t>(x.size()), static_cast<int64_t>(col.size()));
  const int64_t out_h = g.out_h(), out_w = g.out_w(), rows = g.col_rows();
  const int64_t plane = g.height * g.width;
  const float* x_data = x.data();
  float* col_data = col.data();
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t c = row / (g.kernel_h * g.kernel_w);
    const int64_t r = row / g.kernel_w % g.kernel_h;
    const int64_t s = row % g.kernel_w;
    const Span q_range = valid_q(g, s);
    float* out = col_data + row * g.batch * out_h * out_w;
    for (int64_t n = 0; n < g.batch; ++n) {
      const float* image = x_data + (n * g.channels + c) * plane;
      for (int64_t p = 0; p < out_h; ++p, out += out_w) {
        const int64_t h = p * g.stride_h - g.pad_h + r;
        // Runs are short (Q = 28 or 10 in LeNet), so plain loops that the compiler
        // vectorises in place beat calls to memset and memmove.
        if (h < 0 || h >= g.height) {
          for (int64_t q = 0; q < out_w; ++q) out[q] = 0.0f;
          continue;
        }
        // Output column q reads image[start + q·stride]; start may be negative, but
        // only q in q_range are read, and they land inside the row.
        const int64_t start = h * g.width + s - g.pad_w;
        for (int64_t q = 0; q < q_range.first; ++q) out[q] = 0.0f;
        if (g.stride_w == 1) {
          for (int64_t q = q_range.first; q < q_range.last; ++q) out[q] = image[start + q];
        } else {
          for (int64_t q = q_range.first; q < q_range.last; ++q) {
            out[q] = image[start + q * g.stride_w];
          }
        }
        for (int64_t q = q_range.last; q < out_w; ++q) out[q] = 0.0f;
      }
    }
  }
}

// col is (C·R·S, N·P·Q), x is (N,C,H,W).
//
// The scatter-add of im2col's copy. Threads take whole image planes (n, c), and each
// plane sums its contributions in the fixed order r, s, p, q: deterministic, no atomics.
void col2im(std::span<const float> col, const Im2colGeometry& g, std::span<float> x) {
  check_sizes("col2im", g, static_cast<int64_t>(x.size()), static_cast<int64_t>(col.size()));
  const int64_t out_h = g.out_h(), out_w = g.out_w();
  const int64_t plane = g.height * g.width, row_len = g.batch * out_h * out_w;
  const float* col_data = col.data();
  float* x_data = x.data();
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
  for (int64_t nc = 0; nc < g.batch * g.channels; ++nc) {
    const int64_t n = nc / g.channels, c = nc % g.channels;
    float* image = x_data + nc * plane;
    std::fill(image, image + plane, 0.0f);
    for (int64_t r = 0; r < g.kernel_h; ++r) {
      for (int64_t s = 0; s < g.kernel_w; ++s) {
        const Span q_range = valid_q(g, s);
        const float* in =
            col_data + ((c * g.kernel_h + r) * g.kernel_w + s) * row_len + n * out_h * out_w;
        for (int64_t p = 0; p < out_h; ++p, in += out_w) {
          const int64_t h = p * g.stride_h - g.pad_h + r;
          if (h < 0 || h >= g.height) continue;
          const int64_t start = h * g.width + s - g.pad_w;
          for (int64_t q = q_range.first; q < q_range.last; ++q) {
            image[start + q * g.stride_w] += in[q];
          }
        }
      }
    }
  }
}

}  // namespace byo
