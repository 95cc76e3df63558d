// The three loops of a convolution, written to be read. Each visits every (output position,
// filter tap) pair once; only what happens at the pair differs:
//   forward:      out[n,k,p,q]  += x[n,c,h,w]      · w[k,c,r,s]
//   grad input:   gx[n,c,h,w]   += gout[n,k,p,q]   · w[k,c,r,s]
//   grad weight:  gw[k,c,r,s]   += gout[n,k,p,q]   · x[n,c,h,w]
// where h = p·stride_h − pad_h + r and w = q·stride_w − pad_w + s. Taps that land in the
// zero padding contribute nothing and are skipped.
#include <algorithm>

#include "byo/conv_kernels.h"

namespace byo {

ConvKernels naive_conv_kernels() {
  return {conv2d_forward_naive, conv2d_grad_input_naive, conv2d_grad_weight_naive, "naive"};
}

ConvKernels& conv_kernels() {
  static ConvKernels table = naive_conv_kernels();
  return table;
}

// x is (N,C,H,W), w is (K,C,R,S), bias is (K) or null, out is (N,K,P,Q)
void conv2d_forward_naive(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                          float* out) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t k = 0; k < g.out_channels; ++k) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          float acc = bias ? bias[k] : 0.0f;
          for (int64_t c = 0; c < g.in_channels; ++c) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              const int64_t h = p * g.stride_h - g.pad_h + r;
              if (h < 0 || h >= g.in_h) continue;
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const int64_t col = q * g.stride_w - g.pad_w + s;
                if (col < 0 || col >= g.in_w) continue;
                acc += x[g.x_index(n, c, h, col)] * w[g.w_index(k, c, r, s)];
              }
            }
          }
          out[g.out_index(n, k, p, q)] = acc;
        }
      }
    }
  }
}

// grad_out is (N,K,P,Q), w is (K,C,R,S), grad_x is (N,C,H,W)
void conv2d_grad_input_naive(const ConvGeometry& g, const float* grad_out, const float* w,
                             float* grad_x) {
  std::fill_n(grad_x, g.batch * g.in_channels * g.in_h * g.in_w, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t k = 0; k < g.out_channels; ++k) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const float go = grad_out[g.out_index(n, k, p, q)];
          for (int64_t c = 0; c < g.in_channels; ++c) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              const int64_t h = p * g.stride_h - g.pad_h + r;
              if (h < 0 || h >= g.in_h) continue;
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const int64_t col = q * g.stride_w - g.pad_w + s;
                if (col < 0 || col >= g.in_w) continue;
                grad_x[g.x_index(n, c, h, col)] += go * w[g.w_index(k, c, r, s)];
              }
            }
          }
        }
      }
    }
  }
}

// x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K) or null
void conv2d_grad_weight_naive(const ConvGeometry& g, const float* x, const float* grad_out,
                              float* grad_w, float* grad_bias) {
  std::fill_n(grad_w, g.out_channels * g.in_channels * g.kernel_h * g.kernel_w, 0.0f);
  if (grad_bias) std::fill_n(grad_bias, g.out_channels, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t k = 0; k < g.out_channels; ++k) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const float go = grad_out[g.out_index(n, k, p, q)];
          if (grad_bias) grad_bias[k] += go;
          for (int64_t c = 0; c < g.in_channels; ++c) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              const int64_t h = p * g.stride_h - g.pad_h + r;
              if (h < 0 || h >= g.in_h) continue;
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const int64_t col = q * g.stride_w - g.pad_w + s;
                if (col < 0 || col >= g.in_w) continue;
                grad_w[g.w_index(k, c, r, s)] += go * x[g.x_index(n, c, h, col)];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace byo
