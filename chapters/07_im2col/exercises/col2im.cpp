/// @file
/// @brief Exercise 1: write col2im, the adjoint of im2col.
///
/// im2col (src/im2col.cpp) copies, for every output pixel (n, p, q) and every window
/// position (c, r, s), one input pixel into
///
///     col[(c·R + r)·S + s][(n·P + p)·Q + q] = x[n][c][p·stride_h − pad_h + r][q·stride_w − pad_w +
///     s]
///
/// (or 0 where that position is padding). col2im goes the other way: start from x = 0
/// and ADD every entry of col onto the pixel it was copied from, skipping padding.
/// Pixels covered by several windows receive several contributions.
///
/// Grade: cmake --build build --target ch07_grade
#include "byo/check.h"
#include "ch07_exercises.h"

namespace byo::exercises {

void col2im([[maybe_unused]] std::span<const float> col, [[maybe_unused]] const ConvGeometry& g,
            [[maybe_unused]] std::span<float> x) {
  // Your code here: check the sizes (numel(g.input_shape()), col_rows(g) * col_cols(g)), zero
  // x, then loop over c, r, s, n, p, q.
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
