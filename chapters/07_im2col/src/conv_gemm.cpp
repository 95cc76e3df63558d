/// @file
/// @brief Convolution forward, grad input and grad weight as im2col + GEMM.
#include "byo/conv_gemm.h"

#include <algorithm>
#include <span>
#include <vector>

#include "byo/gemm.h"
#include "byo/im2col.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo {
namespace {

int thread_count() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// The sizes of one image's part of the work.
struct PerImage {
  ConvGeometry one;  // one image of g: what im2col and col2im see
  int64_t crs;       // C·R·S: rows of the column matrix
  int64_t pq;        // P·Q: output pixels per image
  int64_t chw;       // C·H·W: floats per input image
  int64_t k;         // K: filters
};

PerImage per_image(const ConvGeometry& g) {
  return {one_image(g), col_rows(g), g.out_h * g.out_w, g.in_channels * g.in_h * g.in_w,
          g.out_channels};
}

// Images in parallel when there are enough of them to keep every thread busy; otherwise
// one image at a time, each GEMM spread over the threads.
bool parallel_over_images(const ConvGeometry& g) { return g.batch >= thread_count(); }

}  // namespace

// x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null, out is (N,K,P,Q)
void conv2d_forward_gemm(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                         float* out) {
  const PerImage im = per_image(g);
  const ConstMatrixView weights{w, im.k, im.crs, im.crs, 1};
  const bool by_image = parallel_over_images(g);
  const GemmKernel gemm = by_image ? gemm_packed : gemm_parallel;
#pragma omp parallel if (by_image)
  {
    std::vector<float> col(static_cast<size_t>(im.crs * im.pq));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      im2col(std::span(x + n * im.chw, im.chw), im.one, col);
      const MatrixView out_n{out + n * im.k * im.pq, im.k, im.pq, im.pq, 1};
      if (bias) {
        for (int64_t k = 0; k < im.k; ++k) std::fill_n(&out_n(k, 0), im.pq, bias[k]);
      }
      gemm(weights, {col.data(), im.crs, im.pq, im.pq, 1}, out_n, /*accumulate=*/bias != nullptr);
    }
  }
}

// grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W)
void conv2d_grad_input_gemm(const ConvGeometry& g, const float* grad_out, const float* w,
                            float* grad_x) {
  const PerImage im = per_image(g);
  const ConstMatrixView weights_t = ConstMatrixView{w, im.k, im.crs, im.crs, 1}.t();
  const bool by_image = parallel_over_images(g);
  const GemmKernel gemm = by_image ? gemm_packed : gemm_parallel;
#pragma omp parallel if (by_image)
  {
    std::vector<float> dcol(static_cast<size_t>(im.crs * im.pq));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      const ConstMatrixView dout_n{grad_out + n * im.k * im.pq, im.k, im.pq, im.pq, 1};
      gemm(weights_t, dout_n, {dcol.data(), im.crs, im.pq, im.pq, 1}, /*accumulate=*/false);
      col2im(dcol, im.one, std::span(grad_x + n * im.chw, im.chw));
    }
  }
}

// x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K) or null
void conv2d_grad_weight_gemm(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias) {
  const PerImage im = per_image(g);
  const bool by_image = parallel_over_images(g);
  const GemmKernel gemm = by_image ? gemm_packed : gemm_parallel;
  const int threads = by_image ? thread_count() : 1;
  // One partial (K, C·R·S) weight gradient and (K) bias gradient per thread.
  const int64_t w_size = im.k * im.crs;
  std::vector<float> partial(static_cast<size_t>(threads * (w_size + im.k)), 0.0f);
#pragma omp parallel if (by_image) num_threads(threads)
  {
    float* dw = partial.data() + thread_id() * (w_size + im.k);
    float* db = dw + w_size;
    std::vector<float> col(static_cast<size_t>(im.crs * im.pq));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      im2col(std::span(x + n * im.chw, im.chw), im.one, col);
      const ConstMatrixView dout_n{grad_out + n * im.k * im.pq, im.k, im.pq, im.pq, 1};
      const ConstMatrixView col_t = ConstMatrixView{col.data(), im.crs, im.pq, im.pq, 1}.t();
      gemm(dout_n, col_t, {dw, im.k, im.crs, im.crs, 1}, /*accumulate=*/true);
      for (int64_t k = 0; k < im.k; ++k) {
        const float* row = dout_n.data + k * im.pq;
        float sum = 0.0f;
        for (int64_t j = 0; j < im.pq; ++j) sum += row[j];
        db[k] += sum;
      }
    }
  }
  // Partial sums added in thread order: the same result for the same thread count.
  std::copy_n(partial.data(), w_size, grad_w);
  if (grad_bias) std::copy_n(partial.data() + w_size, im.k, grad_bias);
  for (int t = 1; t < threads; ++t) {
    const float* dw = partial.data() + t * (w_size + im.k);
    for (int64_t i = 0; i < w_size; ++i) grad_w[i] += dw[i];
    if (grad_bias) {
      for (int64_t k = 0; k < im.k; ++k) grad_bias[k] += dw[w_size + k];
    }
  }
}

ConvKernels gemm_conv_kernels() {
  return {conv2d_forward_gemm, conv2d_grad_input_gemm, conv2d_grad_weight_gemm, "im2col+gemm"};
}

}  // namespace byo
