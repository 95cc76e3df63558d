/// @file
/// @brief Convolution forward, grad input and grad weight as im2col + GEMM, a block of
///        images at a time.
#include "byo/conv_gemm.h"

#include <algorithm>
#include <span>
#include <vector>

#include "block_sums.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "byo/im2col.h"
#include "byo/micro_kernel.h"
#include "byo/ndarray.h"
#include "byo/pool_fast.h"
#include "threads.h"

namespace byo {
namespace {

using detail::thread_count;

// A block's column matrix is kept to about half of a 512 KiB L2, so that the GEMM reads it
// from cache right after im2col wrote it.
constexpr int64_t kBlockFloats = 64 * 1024;

// Blocks of the weight gradient that add into one set of lane sums (see
// conv2d_grad_weight_gemm): at LeNet's batch of 64, four sets, two per thread.
constexpr int64_t kBlocksPerSum = 4;

// Each thread's column matrix and its (K, block columns) companion: the product in the
// forward, the gathered output gradient in the backward.
thread_local detail::Scratch t_col;
thread_local detail::Scratch t_rows;

// The batch cut into blocks of consecutive images, each block one im2col and one GEMM.
//
// One image of LeNet's second layer is a thin product, (16, 150) · (150, 100): its 100
// columns are six and a quarter micro-tiles, and the weights would be packed again for
// every image. Four images side by side, (16, 150) · (150, 400), run near the speed of
// one large GEMM (measured on one core: 36 GFLOP/s per image, 62 for blocks of four).
//
// The blocks do not depend on the thread count, and the weight gradient sums them in
// block order, so every result is the same for any number of threads. Threads take equal
// runs of blocks (schedule static), the same images in every kernel of a step, so that
// what one kernel writes is still in the core's cache for the next.
struct Blocking {
  int64_t crs;    // C·R·S: rows of a column matrix
  int64_t pq;     // P·Q: output pixels per image
  int64_t chw;    // C·H·W: floats per input image
  int64_t size;   // images per block (the last block may have fewer)
  int64_t count;  // blocks
  int threads;    // thread_count() once: it may change between two calls
  bool by_block;  // blocks spread over the threads, else one at a time, each GEMM threaded

  int64_t first(int64_t block) const { return block * size; }
  int64_t images(int64_t block, int64_t batch) const {
    return std::min(size, batch - first(block));
  }
};

Blocking blocking(const ConvGeometry& g) {
  Blocking b{};
  b.crs = col_rows(g);
  b.pq = g.out_h * g.out_w;
  b.chw = g.in_channels * g.in_h * g.in_w;
  b.size = std::clamp(kBlockFloats / (b.crs * b.pq), int64_t{1}, g.batch);
  b.count = (g.batch + b.size - 1) / b.size;
  b.threads = thread_count();
  b.by_block = b.count >= b.threads;
  return b;
}

// g for `images` images of its batch: what im2col and col2im see for one block.
ConvGeometry block_geometry(ConvGeometry g, int64_t images) {
  g.batch = images;
  return g;
}

// col (C·R·S, nb·P·Q) = im2col of images [n0, n0 + nb) of x, in this thread's scratch.
float* block_columns(const ConvGeometry& g, const Blocking& b, const float* x, int64_t n0,
                     int64_t images) {
  const int64_t floats = b.crs * images * b.pq;
  float* col = t_col.reserve(floats);
  im2col(std::span(x + n0 * b.chw, static_cast<size_t>(images * b.chw)), block_geometry(g, images),
         std::span(col, static_cast<size_t>(floats)));
  return col;
}

// A convolution with nothing to multiply: an empty batch, no filters, no input channels or
// an empty output. PyTorch answers it (an empty output; with no input channels, the bias
// alone), and so do chapter 6's loops; the blocking below would divide by its zero sizes.
bool nothing_to_multiply(const ConvGeometry& g) {
  return g.batch == 0 || g.out_channels == 0 || g.in_channels == 0 || g.out_h == 0 || g.out_w == 0;
}

}  // namespace

// x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null, out is (N,K,P,Q)
//
// Per block of nb images: col (C·R·S, nb·P·Q) = im2col(x block); prod (K, nb·P·Q) = W · col;
// then prod's nb column blocks are the nb images' (K, P·Q) outputs, copied out plus bias.
void conv2d_forward_gemm(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                         float* out) {
  if (nothing_to_multiply(g)) return conv2d_forward_naive(g, x, w, bias, out);
  if (conv2d_direct_applies(g)) return conv2d_forward_direct(g, x, w, bias, out);
  if (conv2d_wide_applies(g)) return conv2d_forward_wide(g, x, w, bias, out);
  const Blocking b = blocking(g);
  const int64_t k = g.out_channels;
  const ConstMatrixView weights{w, k, b.crs, b.crs, 1};
  const GemmKernel gemm = b.by_block ? gemm_packed : gemm_parallel;
  detail::RegionErrors errors;
#pragma omp parallel for schedule(static) num_threads(b.threads) if (b.by_block)
  for (int64_t block = 0; block < b.count; ++block) {
    errors.run([&] {
      const int64_t n0 = b.first(block), images = b.images(block, g.batch), cols = images * b.pq;
      const float* col = block_columns(g, b, x, n0, images);
      float* prod = t_rows.reserve(k * cols);
      gemm(weights, {col, b.crs, cols, cols, 1}, {prod, k, cols, cols, 1}, /*accumulate=*/false);
      for (int64_t i = 0; i < images; ++i) {
        for (int64_t kk = 0; kk < k; ++kk) {
          const float* __restrict src = prod + kk * cols + i * b.pq;
          float* __restrict dst = out + ((n0 + i) * k + kk) * b.pq;
          const float add = bias ? bias[kk] : 0.0f;
          for (int64_t j = 0; j < b.pq; ++j) dst[j] = src[j] + add;
        }
      }
    });
  }
  errors.rethrow();
}

namespace {

// rows (K, nb·P·Q) = the output gradient of images [n0, n0 + nb), image i's (K, P·Q) in
// column block i: the layout of the forward's product.
void gather_rows(const float* grad_out, int64_t n0, int64_t images, int64_t k, int64_t pq,
                 float* rows) {
  const int64_t cols = images * pq;
  for (int64_t i = 0; i < images; ++i) {
    for (int64_t kk = 0; kk < k; ++kk) {
      std::copy_n(grad_out + ((n0 + i) * k + kk) * pq, pq, rows + kk * cols + i * pq);
    }
  }
}

}  // namespace

// grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W)
//
// Per block: dcol (C·R·S, nb·P·Q) = Wᵀ · dout (K, nb·P·Q); grad_x block = col2im(dcol).
void conv2d_grad_input_gemm(const ConvGeometry& g, const float* grad_out, const float* w,
                            float* grad_x) {
  if (nothing_to_multiply(g)) return conv2d_grad_input_naive(g, grad_out, w, grad_x);
  if (conv2d_direct_applies(g)) return conv2d_grad_input_direct(g, grad_out, w, grad_x);
  if (conv2d_lanes_grad_input_applies(g)) return conv2d_grad_input_lanes(g, grad_out, w, grad_x);
  if (conv2d_wide_grad_input_applies(g)) return conv2d_grad_input_wide(g, grad_out, w, grad_x);
  const Blocking b = blocking(g);
  const int64_t k = g.out_channels;
  const ConstMatrixView weights_t = ConstMatrixView{w, k, b.crs, b.crs, 1}.t();
  const GemmKernel gemm = b.by_block ? gemm_packed : gemm_parallel;
  detail::RegionErrors errors;
#pragma omp parallel for schedule(static) num_threads(b.threads) if (b.by_block)
  for (int64_t block = 0; block < b.count; ++block) {
    errors.run([&] {
      const int64_t n0 = b.first(block), images = b.images(block, g.batch), cols = images * b.pq;
      float* dout = t_rows.reserve(k * cols);
      float* dcol = t_col.reserve(b.crs * cols);
      gather_rows(grad_out, n0, images, k, b.pq, dout);
      gemm(weights_t, {dout, k, cols, cols, 1}, {dcol, b.crs, cols, cols, 1},
           /*accumulate=*/false);
      col2im(std::span<const float>(dcol, static_cast<size_t>(b.crs * cols)),
             block_geometry(g, images),
             std::span(grad_x + n0 * b.chw, static_cast<size_t>(images * b.chw)));
    });
  }
  errors.rethrow();
}

// x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K) or null
//
// grad_w (K, C·R·S) = Σ_blocks dout (K, nb·P·Q) · colᵀ: a small result summed over a long
// reduction, so it is computed as dot products of the rows of dout and col, which both
// lie contiguous along nb·P·Q (gemm_dot), rather than by the packed GEMM, which would
// have to transpose col. Each set of kBlocksPerSum blocks keeps its sums apart, and the
// sets are added in order at the end: the result is the same whichever thread did which.
void conv2d_grad_weight_gemm(const ConvGeometry& g, const float* x, const float* grad_out,
                             float* grad_w, float* grad_bias) {
  if (nothing_to_multiply(g)) return conv2d_grad_weight_naive(g, x, grad_out, grad_w, grad_bias);
  if (conv2d_lanes_grad_weight_applies(g)) {
    return conv2d_grad_weight_lanes(g, x, grad_out, grad_w, grad_bias);
  }
  if (conv2d_direct_applies(g)) return conv2d_grad_weight_direct(g, x, grad_out, grad_w, grad_bias);
  if (conv2d_wide_grad_weight_applies(g)) {
    return conv2d_grad_weight_wide(g, x, grad_out, grad_w, grad_bias);
  }
  const Blocking b = blocking(g);
  const int64_t k = g.out_channels, weights = k * b.crs;
  // A block's sums: grad_w (K·C·R·S), then grad_bias (K), the sum of dout's rows, which is
  // the same dot product against a row of ones.
  const int64_t sums = weights + k;
  // Blocks are summed kBlocksPerSum at a time into one set of lanes (for LeNet's conv2
  // 19 328 floats, zeroed and folded once per set): still a grouping fixed by the batch.
  const int64_t sets = (b.count + kBlocksPerSum - 1) / kBlocksPerSum;
  detail::BlockSums block_sums(sets, sums);
  const std::vector<float> ones(static_cast<size_t>(b.size * b.pq), 1.0f);
  detail::RegionErrors errors;
#pragma omp parallel for schedule(static) num_threads(b.threads) if (sets > 1)
  for (int64_t set = 0; set < sets; ++set) {
    errors.run([&] {
      const std::span<float> lanes = block_sums.lanes();
      const int64_t last = std::min(b.count, (set + 1) * kBlocksPerSum);
      for (int64_t block = set * kBlocksPerSum; block < last; ++block) {
        const int64_t n0 = b.first(block), images = b.images(block, g.batch);
        const int64_t cols = images * b.pq;
        const float* col = block_columns(g, b, x, n0, images);
        float* dout = t_rows.reserve(k * cols);
        gather_rows(grad_out, n0, images, k, b.pq, dout);
        const ConstMatrixView dout_rows{dout, k, cols, cols, 1};
        gemm_dot_nt_lanes(dout_rows, {col, b.crs, cols, cols, 1},
                          lanes.first(static_cast<size_t>(weights * kSimdWidth)));
        gemm_dot_nt_lanes(dout_rows, {ones.data(), 1, cols, cols, 1},
                          lanes.subspan(static_cast<size_t>(weights * kSimdWidth)));
      }
      block_sums.finish(set, lanes);
    });
  }
  errors.rethrow();
  const float* total = block_sums.total();
  std::copy_n(total, weights, grad_w);
  if (grad_bias) std::copy_n(total + weights, k, grad_bias);
}

// x is (N,C,H,W), pooled.grad and pooled.winners are (N,K,P',Q'), grad_w is (K,C,R,S),
// grad_bias is (K) or null
void conv2d_grad_weight_max_pool_fast(const ConvGeometry& g, const float* x,
                                      const MaxPoolGrad& pooled, float* grad_w, float* grad_bias) {
  if (!nothing_to_multiply(g) && conv2d_lanes_grad_weight_pool_applies(g, pooled.pool)) {
    return conv2d_grad_weight_lanes_max_pool(g, x, pooled, grad_w, grad_bias);
  }
  const NDArray grad_z = NDArray::empty(g.output_shape());
  max_pool2d_backward_fast(pooled.pool, pooled.grad, pooled.winners, grad_z.data());
  conv2d_grad_weight_gemm(g, x, grad_z.data(), grad_w, grad_bias);
}

// x is (N,C,H,W), pooled.grad is (N,K,P',Q'), pooled.y is (N,K,P,Q), grad_w is (K,C,R,S),
// grad_bias is (K) or null
void conv2d_grad_weight_sigmoid_avg_pool_fast(const ConvGeometry& g, const float* x,
                                              const SigmoidAvgPoolGrad& pooled, float* grad_w,
                                              float* grad_bias) {
  if (!nothing_to_multiply(g) && conv2d_lanes_grad_weight_pool_applies(g, pooled.pool)) {
    return conv2d_grad_weight_lanes_sigmoid_avg_pool(g, x, pooled, grad_w, grad_bias);
  }
  const NDArray grad_z = NDArray::empty(g.output_shape());
  avg_pool2d_backward_fast(pooled.pool, pooled.grad, grad_z.data());
  sigmoid_backward_fast(grad_z.data(), pooled.y, grad_z.data(), grad_z.numel());
  conv2d_grad_weight_gemm(g, x, grad_z.data(), grad_w, grad_bias);
}

ConvKernels fast_conv_kernels() {
  return {conv2d_forward_gemm, conv2d_grad_input_gemm, conv2d_grad_weight_gemm, "im2col+gemm"};
}

}  // namespace byo
