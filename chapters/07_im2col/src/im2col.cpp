/// @file
/// @brief im2col and col2im for NCHW input with stride and padding.
#include "byo/im2col.h"

#include <algorithm>
#include <vector>

#include "byo/check.h"
#include "byo/micro_kernel.h"
#include "copy_run.h"
#include "threads.h"

namespace byo {

void check_im2col_geometry(const char* op, const ConvGeometry& g) {
  BYO_CHECK(g.batch > 0 && g.in_channels > 0 && g.in_h > 0 && g.in_w > 0 && g.kernel_h > 0 &&
            g.kernel_w > 0 && g.stride_h > 0 && g.stride_w > 0 && g.pad_h >= 0 && g.pad_w >= 0)
      << op << ": input " << shape_str(g.input_shape()) << ", kernel " << g.kernel_h << "x"
      << g.kernel_w << ", stride " << g.stride_h << "x" << g.stride_w << ", padding " << g.pad_h
      << "x" << g.pad_w << ": sizes and strides must be positive, padding non-negative";
  BYO_CHECK(g.kernel_h <= g.in_h + 2 * g.pad_h && g.kernel_w <= g.in_w + 2 * g.pad_w)
      << op << ": kernel " << g.kernel_h << "x" << g.kernel_w << " is larger than the padded input "
      << g.in_h + 2 * g.pad_h << "x" << g.in_w + 2 * g.pad_w;
  BYO_CHECK(g.out_h == (g.in_h + 2 * g.pad_h - g.kernel_h) / g.stride_h + 1 &&
            g.out_w == (g.in_w + 2 * g.pad_w - g.kernel_w) / g.stride_w + 1)
      << op << ": output " << g.out_h << "x" << g.out_w << " does not match input "
      << shape_str(g.input_shape()) << " with kernel " << g.kernel_h << "x" << g.kernel_w
      << "; make the geometry with conv2d_geometry()";
}

namespace {

void check_sizes(const char* op, const ConvGeometry& g, int64_t x_size, int64_t col_size) {
  check_im2col_geometry(op, g);
  const int64_t x_numel = numel(g.input_shape());
  BYO_CHECK(x_size == x_numel && col_size == col_rows(g) * col_cols(g))
      << op << ": input " << shape_str(g.input_shape()) << " needs " << x_numel
      << " floats and col (" << col_rows(g) << ", " << col_cols(g) << ") needs "
      << col_rows(g) * col_cols(g) << "; got " << x_size << " and " << col_size;
}

// The input with its zero border made real: planes of (H + 2·pad_h, W + 2·pad_w). Inside
// it no window ever leaves the plane, so the loops below need no bounds checks: every
// run of Q entries of col is a plain (strided) copy. Without padding, x is used as it is.
class PaddedInput {
 public:
  PaddedInput(const float* x, const ConvGeometry& g)
      : height_(g.in_h + 2 * g.pad_h), width_(g.in_w + 2 * g.pad_w) {
    if (g.pad_h == 0 && g.pad_w == 0) {
      data_ = x;
      return;
    }
    const int64_t planes = g.batch * g.in_channels;
    copy_.assign(static_cast<size_t>(planes * height_ * width_), 0.0f);
    for (int64_t plane = 0; plane < planes; ++plane) {
      for (int64_t h = 0; h < g.in_h; ++h) {
        std::copy_n(x + (plane * g.in_h + h) * g.in_w, g.in_w,
                    copy_.data() + (plane * height_ + h + g.pad_h) * width_ + g.pad_w);
      }
    }
    data_ = copy_.data();
  }
  // Plane (n, c) starts at plane(n·C + c); row h of it at plane(...) + h·width().
  const float* plane(int64_t index) const { return data_ + index * height_ * width_; }
  int64_t width() const { return width_; }

 private:
  int64_t height_, width_;
  const float* data_ = nullptr;
  std::vector<float> copy_;
};

// im2col's loop nest, with the copy of one run of Q floats as a parameter: each caller
// picks its copy once, so the loops hold no branch, and LeNet's runs of 10 floats compile
// to two vector loads and two vector stores.
// One (c, r) group: rows (c, r, s) of col for s = 0 .. S − 1, from input rows r, r +
// stride_h, ... of plane c of every image. Plain values in, so that the compiler keeps
// them in registers (in the body of an OpenMP loop they would be read through pointers).
template <typename CopyRun>
void im2col_group(const PaddedInput& in, const ConvGeometry& g, int64_t c, int64_t r, float* rows,
                  CopyRun copy) {
  const int64_t row_len = col_cols(g), width = in.width(), out_h = g.out_h, out_w = g.out_w;
  const int64_t kernel_w = g.kernel_w, step = g.stride_h * width;
  for (int64_t n = 0; n < g.batch; ++n) {
    const float* src = in.plane(n * g.in_channels + c) + r * width;
    float* dst_n = rows + n * out_h * out_w;
    for (int64_t p = 0; p < out_h; ++p, src += step) {
      float* dst = dst_n + p * out_w;
      for (int64_t s = 0; s < kernel_w; ++s, dst += row_len) copy(dst, src + s);
    }
  }
}

template <typename CopyRun>
void im2col_rows(const PaddedInput& in, const ConvGeometry& g, float* col, CopyRun copy) {
  const int64_t groups = g.in_channels * g.kernel_h, row_len = col_cols(g);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) \
    num_threads(detail::thread_count()) if (col_rows(g) * row_len > (int64_t{1} << 16))
#endif
  for (int64_t cr = 0; cr < groups; ++cr) {
    im2col_group(in, g, cr / g.kernel_h, cr % g.kernel_h, col + cr * g.kernel_w * row_len, copy);
  }
}

}  // namespace

// x is (N,C,H,W), col is (C·R·S, N·P·Q).
//
// One row of col per (c, r, s); within it, one run of Q entries per (n, p): input row
// p·stride_h + r of the padded plane, from column s, every stride_w-th float. The S rows
// of one (c, r) are written together: each input row is read once, while it is in L1,
// and copied S times, shifted by one float each time (measured on LeNet's second layer:
// twice as fast as one row of col at a time). Threads take whole (c, r) groups of rows,
// so the result does not depend on the thread count.
void im2col(std::span<const float> x, const ConvGeometry& g, std::span<float> col) {
  check_sizes("im2col", g, static_cast<int64_t>(x.size()), static_cast<int64_t>(col.size()));
  const PaddedInput in(x.data(), g);
  const int64_t q = g.out_w, sw = g.stride_w;
  if (sw == 1 && q >= kSimdWidth && q <= 2 * kSimdWidth) {  // two vectors, overlapping
    im2col_rows(in, g, col.data(), [q](float* __restrict dst, const float* __restrict src) {
      const Vec head = load_vec(src), tail = load_vec(src + q - kSimdWidth);
      store_vec(dst, head);
      store_vec(dst + q - kSimdWidth, tail);
    });
  } else if (sw == 1) {
    im2col_rows(in, g, col.data(),
                [q](float* dst, const float* src) { detail::copy_run(dst, src, q); });
  } else {
    im2col_rows(in, g, col.data(), [q, sw](float* __restrict dst, const float* __restrict src) {
      for (int64_t i = 0; i < q; ++i) dst[i] = src[i * sw];
    });
  }
}

// col is (C·R·S, N·P·Q), x is (N,C,H,W).
//
// The scatter-add of im2col's copy, into a padded plane so that it needs no bounds checks
// either; the plane's inside is then x. Threads take whole image planes (n, c), and each
// plane sums its contributions in the fixed order r, s, p, q: deterministic, no atomics.
// (Not im2col's order: the S shifted runs of one row would add into overlapping floats
// one right after the other, and each add would wait for the store before it.)
void col2im(std::span<const float> col, const ConvGeometry& g, std::span<float> x) {
  check_sizes("col2im", g, static_cast<int64_t>(x.size()), static_cast<int64_t>(col.size()));
  const bool padded = g.pad_h > 0 || g.pad_w > 0;
  const int64_t height = g.in_h + 2 * g.pad_h, width = g.in_w + 2 * g.pad_w;
  const int64_t out_h = g.out_h, out_w = g.out_w, sw = g.stride_w;
  const int64_t row_len = col_cols(g), planes = g.batch * g.in_channels;
  const float* col_data = col.data();
  float* x_data = x.data();
  const bool parallel = planes * height * width > (int64_t{1} << 14);
  const int threads = parallel ? detail::thread_count() : 1;
  std::vector<std::vector<float>> scratches = detail::per_thread<std::vector<float>>(
      threads, padded ? static_cast<size_t>(height * width) : 0);
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<float>& scratch = scratches[detail::this_thread()];
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t nc = 0; nc < planes; ++nc) {
      const int64_t n = nc / g.in_channels, c = nc % g.in_channels;
      float* image = x_data + nc * g.in_h * g.in_w;
      float* acc = padded ? scratch.data() : image;
      std::fill_n(acc, height * width, 0.0f);
      for (int64_t r = 0; r < g.kernel_h; ++r) {
        for (int64_t s = 0; s < g.kernel_w; ++s) {
          const float* __restrict in =
              col_data + ((c * g.kernel_h + r) * g.kernel_w + s) * row_len + n * out_h * out_w;
          for (int64_t p = 0; p < out_h; ++p, in += out_w) {
            float* __restrict dst = acc + (p * g.stride_h + r) * width + s;
            if (sw == 1) {
              for (int64_t q = 0; q < out_w; ++q) dst[q] += in[q];
            } else {
              for (int64_t q = 0; q < out_w; ++q) dst[q * sw] += in[q];
            }
          }
        }
      }
      if (padded) {
        for (int64_t h = 0; h < g.in_h; ++h) {
          std::copy_n(acc + (h + g.pad_h) * width + g.pad_w, g.in_w, image + h * g.in_w);
        }
      }
    }
  }
}

}  // namespace byo
