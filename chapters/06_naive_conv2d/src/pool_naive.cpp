#include <algorithm>
#include <cmath>
#include <limits>

#include "byo/pool_kernels.h"

namespace byo {
namespace {

// The cells of window (p, q): rows [h0, h1) and columns [w0, w1), clipped to the input, and
// the divisor PyTorch's avg_pool2d uses (the window clipped to the padded input instead).
struct Window {
  int64_t h0, h1, w0, w1, divisor;
};

Window window_at(const ConvGeometry& g, int64_t p, int64_t q) {
  int64_t h0 = p * g.stride_h - g.pad_h;
  int64_t w0 = q * g.stride_w - g.pad_w;
  int64_t h1 = std::min(h0 + g.kernel_h, g.in_h + g.pad_h);
  int64_t w1 = std::min(w0 + g.kernel_w, g.in_w + g.pad_w);
  const int64_t divisor = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, g.in_h);
  w1 = std::min(w1, g.in_w);
  return {h0, h1, w0, w1, divisor};
}

}  // namespace

PoolKernels naive_pool_kernels() {
  return {avg_pool2d_forward, avg_pool2d_backward, max_pool2d_forward, max_pool2d_backward,
          "naive"};
}

PoolKernels& pool_kernels() {
  static PoolKernels table = naive_pool_kernels();
  return table;
}

// x is (N,C,H,W), out is (N,C,P,Q)
void avg_pool2d_forward(const ConvGeometry& g, const float* x, float* out) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t c = 0; c < g.in_channels; ++c) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const Window win = window_at(g, p, q);
          float sum = 0.0f;
          for (int64_t h = win.h0; h < win.h1; ++h) {
            for (int64_t w = win.w0; w < win.w1; ++w) sum += x[g.x_index(n, c, h, w)];
          }
          out[g.out_index(n, c, p, q)] = sum / static_cast<float>(win.divisor);
        }
      }
    }
  }
}

// grad_out is (N,C,P,Q), grad_x is (N,C,H,W)
void avg_pool2d_backward(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  std::fill_n(grad_x, g.batch * g.in_channels * g.in_h * g.in_w, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t c = 0; c < g.in_channels; ++c) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const Window win = window_at(g, p, q);
          const float share = grad_out[g.out_index(n, c, p, q)] / static_cast<float>(win.divisor);
          for (int64_t h = win.h0; h < win.h1; ++h) {
            for (int64_t w = win.w0; w < win.w1; ++w) grad_x[g.x_index(n, c, h, w)] += share;
          }
        }
      }
    }
  }
}

// x is (N,C,H,W), out and argmax are (N,C,P,Q)
void max_pool2d_forward(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t c = 0; c < g.in_channels; ++c) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const Window win = window_at(g, p, q);
          float best = -std::numeric_limits<float>::infinity();
          int64_t best_index = win.h0 * g.in_w + win.w0;
          for (int64_t h = win.h0; h < win.h1; ++h) {
            for (int64_t w = win.w0; w < win.w1; ++w) {
              const float v = x[g.x_index(n, c, h, w)];
              // Strictly greater: on a tie the first cell keeps the gradient.
              if (v > best || std::isnan(v)) {
                best = v;
                best_index = h * g.in_w + w;
              }
            }
          }
          out[g.out_index(n, c, p, q)] = best;
          if (argmax != nullptr) argmax[g.out_index(n, c, p, q)] = best_index;
        }
      }
    }
  }
}

// grad_out and argmax are (N,C,P,Q), grad_x is (N,C,H,W)
void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x) {
  std::fill_n(grad_x, g.batch * g.in_channels * g.in_h * g.in_w, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t c = 0; c < g.in_channels; ++c) {
      float* grad_plane = grad_x + g.x_index(n, c, 0, 0);
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const int64_t i = g.out_index(n, c, p, q);
          grad_plane[argmax[i]] += grad_out[i];  // argmax came from the forward: in range
        }
      }
    }
  }
}

}  // namespace byo
