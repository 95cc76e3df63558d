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
///
/// The sizes are chapter 6's ConvGeometry (byo/conv_geometry.h), the same struct the
/// convolution kernels take; im2col ignores its K (out_channels).
#pragma once

#include <cstdint>
#include <span>

#include "byo/conv_geometry.h"

namespace byo {

/// @brief C·R·S: rows of the column matrix of g (one per weight of a filter).
inline int64_t col_rows(const ConvGeometry& g) { return g.in_channels * g.kernel_h * g.kernel_w; }

/// @brief N·P·Q: columns of the column matrix of g (one per output pixel).
inline int64_t col_cols(const ConvGeometry& g) { return g.batch * g.out_h * g.out_w; }

/// @brief Throws `byo::Error`, naming `op`, unless g's sizes are positive, the window fits
///        the padded input and P, Q agree with H, W, R, S, stride and padding.
///
/// conv2d_geometry() makes geometries that pass; this guards hand-made ones.
void check_im2col_geometry(const char* op, const ConvGeometry& g);

/// @brief col = im2col(x): x is (N,C,H,W), col is (C·R·S, N·P·Q), both contiguous.
///
/// Row (c·R + r)·S + s, column (n·P + p)·Q + q of col holds
/// x[n, c, p·stride_h − pad_h + r, q·stride_w − pad_w + s], or 0 where that is padding.
void im2col(std::span<const float> x, const ConvGeometry& g, std::span<float> col);

/// @brief x = col2im(col), the adjoint of im2col: x is (N,C,H,W), col is (C·R·S, N·P·Q).
///
/// Each pixel of x is the sum of every entry of col that im2col copied from it, so
/// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for all x and y. x is overwritten.
void col2im(std::span<const float> col, const ConvGeometry& g, std::span<float> x);

}  // namespace byo
