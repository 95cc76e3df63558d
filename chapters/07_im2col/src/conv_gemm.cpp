/// @file
/// @brief Convolution forward, grad input and grad weight as im2col + GEMM.
#include "byo/conv_gemm.h"

#include <algorithm>
#include <span>
#include <vector>

#include "byo/gemm.h"
#include "byo/im2col.h"
#include "byo/micro_kernel.h"

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
//
// grad_w (K, C·R·S) = Σ_n dout_n (K, P·Q) · col_nᵀ: a small result summed over a long
// reduction, so it is computed as dot products of the rows of dout_n and col_n, which
// both lie contiguous along P·Q (gemm_dot), rather than by the packed GEMM, which would
// have to transpose col_n. Each thread keeps its own lane sums over its images; they are
// added in thread order at the end, so results repeat for a given thread count.
void conv2d_grad_weight_gemm(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias) {
  const PerImage im = per_image(g);
  const int threads = static_cast<int>(std::min<int64_t>(thread_count(), g.batch));
  // One thread's lane sums: grad_w (K, C·R·S) and grad_bias (K), kSimdWidth lanes each.
  // The bias gradient Σ dout_n[k, ·] is the same dot product against a row of ones.
  const int64_t w_lanes = im.k * im.crs * kSimdWidth, slot = w_lanes + im.k * kSimdWidth;
  std::vector<float> partial(static_cast<size_t>(threads * slot), 0.0f);
  const std::vector<float> ones(static_cast<size_t>(im.pq), 1.0f);
#pragma omp parallel num_threads(threads)
  {
    float* lanes = partial.data() + thread_id() * slot;
    std::vector<float> col(static_cast<size_t>(im.crs * im.pq));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.batch; ++n) {
      im2col(std::span(x + n * im.chw, im.chw), im.one, col);
      const ConstMatrixView dout_n{grad_out + n * im.k * im.pq, im.k, im.pq, im.pq, 1};
      gemm_dot_nt_lanes(dout_n, {col.data(), im.crs, im.pq, im.pq, 1},
                        std::span(lanes, static_cast<size_t>(w_lanes)));
      gemm_dot_nt_lanes(dout_n, {ones.data(), 1, im.pq, im.pq, 1},
                        std::span(lanes + w_lanes, static_cast<size_t>(slot - w_lanes)));
    }
  }
  // Partial sums added in thread order: the same result for the same thread count.
  for (int t = 1; t < threads; ++t) {
    const float* other = partial.data() + t * slot;
    for (int64_t i = 0; i < slot; ++i) partial[static_cast<size_t>(i)] += other[i];
  }
  gemm_dot_nt_finish(std::span(partial.data(), static_cast<size_t>(w_lanes)),
                     {grad_w, im.k, im.crs, im.crs, 1}, /*accumulate=*/false);
  if (grad_bias) {
    gemm_dot_nt_finish(std::span(partial.data() + w_lanes, static_cast<size_t>(slot - w_lanes)),
                       {grad_bias, im.k, 1, 1, 1}, /*accumulate=*/false);
  }
}

ConvKernels gemm_conv_kernels() {
  return {conv2d_forward_gemm, conv2d_grad_input_gemm, conv2d_grad_weight_gemm, "im2col+gemm"};
}

}  // namespace byo
