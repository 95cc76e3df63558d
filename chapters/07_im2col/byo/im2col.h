/// @file
/// @brief im2col / col2im: a convolution's input rearranged so the convolution is one GEMM.
///
/// A convolution slides a C×R×S window over the image; every output pixel is the dot
/// product of the window with a filter. im2col copies each window into a column of a
/// matrix, so all output pixels of all filters come out of one matrix product:
///
///     weight (K, C·R·S)  ·  col (C·R·S, N·P·Q)  =  out (K, N·P·Q)
///
/// col2im is im2col's adjoint: it adds every column back onto the pixels it came from,
/// summing where windows overlap. It turns the gradient of `col` into the gradient of
/// the input image.
#pragma once

#include <cstdint>
#include <span>

namespace byo {

// Note: this is the part of chapter 6's ConvGeometry that im2col needs, in chapter 7's own
// names (conv_gemm.cpp converts one into the other). Merging the two is planned.
/// @brief The shapes of a 2-d convolution's input and window: everything im2col needs.
///
/// The input x is (N, C, H, W) in NCHW order; the output is (N, K, P, Q) with
/// P = (H + 2·pad_h − R) / stride_h + 1 and Q likewise.
struct Im2colGeometry {
  int64_t batch = 1;     ///< N: images.
  int64_t channels = 1;  ///< C: input channels.
  int64_t height = 1;    ///< H: input rows.
  int64_t width = 1;     ///< W: input columns.
  int64_t kernel_h = 1;  ///< R: window rows.
  int64_t kernel_w = 1;  ///< S: window columns.
  int64_t stride_h = 1;  ///< Rows between two windows.
  int64_t stride_w = 1;  ///< Columns between two windows.
  int64_t pad_h = 0;     ///< Zero rows added above and below.
  int64_t pad_w = 0;     ///< Zero columns added left and right.

  /// @brief P: output rows.
  int64_t out_h() const { return (height + 2 * pad_h - kernel_h) / stride_h + 1; }
  /// @brief Q: output columns.
  int64_t out_w() const { return (width + 2 * pad_w - kernel_w) / stride_w + 1; }
  /// @brief C·R·S: rows of the column matrix (one per weight of a filter).
  int64_t col_rows() const { return channels * kernel_h * kernel_w; }
  /// @brief N·P·Q: columns of the column matrix (one per output pixel).
  int64_t col_cols() const { return batch * out_h() * out_w(); }
  /// @brief N·C·H·W: floats in the input.
  int64_t input_numel() const { return batch * channels * height * width; }
  /// @brief Throws `byo::Error`, naming `op`, unless sizes are positive and the window fits.
  void check(const char* op) const;
};

/// @brief col = im2col(x): x is (N,C,H,W), col is (C·R·S, N·P·Q), both contiguous.
///
/// Row (c·R + r)·S + s, column (n·P + p)·Q + q of col holds
/// x[n, c, p·stride_h − pad_h + r, q·stride_w − pad_w + s], or 0 where that is padding.
void im2col(std::span<const float> x, const Im2colGeometry& g, std::span<float> col);

/// @brief x = col2im(col), the adjoint of im2col: x is (N,C,H,W), col is (C·R·S, N·P·Q).
///
/// Each pixel of x is the sum of every entry of col that im2col copied from it, so
/// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for all x and y. x is overwritten.
void col2im(std::span<const float> col, const Im2colGeometry& g, std::span<float> x);

}  // namespace byo
