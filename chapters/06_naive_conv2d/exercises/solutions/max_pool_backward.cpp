// Reference solution of exercise 1 — the backward of max pooling.
#include <algorithm>

#include "ch06_exercises.h"

namespace byo::exercises {

// grad_out and argmax are (N,C,P,Q), grad_x is (N,C,H,W)
void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x) {
  std::fill_n(grad_x, g.batch * g.in_channels * g.in_h * g.in_w, 0.0f);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t c = 0; c < g.in_channels; ++c) {
      float* plane = grad_x + g.x_index(n, c, 0, 0);
      for (int64_t p = 0; p < g.out_h; ++p) {
        for (int64_t q = 0; q < g.out_w; ++q) {
          const int64_t i = g.out_index(n, c, p, q);
          plane[argmax[i]] += grad_out[i];
        }
      }
    }
  }
}

}  // namespace byo::exercises
