/// @file
/// @brief Exercise 1, reference solution: col2im as a scatter-add over every entry of col.
#include <algorithm>

#include "byo/check.h"
#include "ch07_exercises.h"

namespace byo::exercises {

// col is (C·R·S, N·P·Q), x is (N,C,H,W).
void col2im(std::span<const float> col, const ConvGeometry& g, std::span<float> x) {
  check_im2col_geometry("col2im", g);
  const int64_t out_h = g.out_h, out_w = g.out_w;
  BYO_CHECK(static_cast<int64_t>(x.size()) == numel(g.input_shape()) &&
            static_cast<int64_t>(col.size()) == col_rows(g) * col_cols(g))
      << "col2im: sizes " << x.size() << " and " << col.size() << " do not match the geometry";
  std::fill(x.begin(), x.end(), 0.0f);
  for (int64_t c = 0; c < g.in_channels; ++c) {
    for (int64_t r = 0; r < g.kernel_h; ++r) {
      for (int64_t s = 0; s < g.kernel_w; ++s) {
        const int64_t row = (c * g.kernel_h + r) * g.kernel_w + s;
        for (int64_t n = 0; n < g.batch; ++n) {
          for (int64_t p = 0; p < out_h; ++p) {
            for (int64_t q = 0; q < out_w; ++q) {
              const int64_t h = p * g.stride_h - g.pad_h + r;
              const int64_t w = q * g.stride_w - g.pad_w + s;
              if (h < 0 || h >= g.in_h || w < 0 || w >= g.in_w) continue;  // padding
              const int64_t column = (n * out_h + p) * out_w + q;
              x[((n * g.in_channels + c) * g.in_h + h) * g.in_w + w] +=
                  col[row * col_cols(g) + column];
            }
          }
        }
      }
    }
  }
}

}  // namespace byo::exercises
