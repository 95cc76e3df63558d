// Reference solution of exercise 2 — conv2d's weight and bias gradients.
#include <algorithm>

#include "ch06_exercises.h"

namespace byo::exercises {

// x is (N,C,H,W), grad_out is (N,K,P,Q), grad_w is (K,C,R,S), grad_bias is (K)
void conv2d_grad_weight(const ConvGeometry& g, const float* x, const float* grad_out, float* grad_w,
                        float* grad_bias) {
  std::fill_n(grad_w, g.out_channels * g.in_channels * g.kernel_h * g.kernel_w, 0.0f);
  std::fill_n(grad_bias, g.out_channels, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t k = 0; k < g.out_channels; ++k) {
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const float go = grad_out[g.out_index(n, k, p, q)];
          grad_bias[k] += go;
          for (int64_t c = 0; c < g.in_channels; ++c) {
            for (int64_t r = 0; r < g.kernel_h; ++r) {
              const int64_t h = p * g.stride_h - g.pad_h + r;
              if (h < 0 || h >= g.in_h) continue;
              for (int64_t s = 0; s < g.kernel_w; ++s) {
                const int64_t w = q * g.stride_w - g.pad_w + s;
                if (w < 0 || w >= g.in_w) continue;
                grad_w[g.w_index(k, c, r, s)] += go * x[g.x_index(n, c, h, w)];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace byo::exercises
