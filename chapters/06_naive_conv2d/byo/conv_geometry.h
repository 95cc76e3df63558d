/// @file
/// @brief `ConvGeometry`: every size of one 2-D convolution or pooling, checked once.
///
/// A convolution slides a K×C×R×S bank of filters over a padded N×C×H×W input with a
/// stride. Output row p of the result looks at input rows p·stride − pad … p·stride − pad +
/// R − 1, so
///
/// \f[ P = \left\lfloor \frac{H + 2\,\mathrm{pad}_h - R}{\mathrm{stride}_h} \right\rfloor + 1,
///     \qquad Q = \left\lfloor \frac{W + 2\,\mathrm{pad}_w - S}{\mathrm{stride}_w}
///     \right\rfloor + 1. \f]
///
/// Pooling is the same sweep with one window per channel (K = C, no weights).
#pragma once

#include <array>
#include <cstdint>

#include "byo/strides.h"

namespace byo {

/// @brief A (height, width) pair: kernel size, stride or padding.
using Size2 = std::array<int64_t, 2>;

/// @brief The sizes of one convolution: x is (N,C,H,W), w is (K,C,R,S), out is (N,K,P,Q).
struct ConvGeometry {
  int64_t batch = 0;         ///< N, images in the batch.
  int64_t in_channels = 0;   ///< C, channels of the input.
  int64_t in_h = 0;          ///< H, input height.
  int64_t in_w = 0;          ///< W, input width.
  int64_t out_channels = 0;  ///< K, filters (for pooling: equal to C).
  int64_t kernel_h = 0;      ///< R, window height.
  int64_t kernel_w = 0;      ///< S, window width.
  int64_t stride_h = 1;      ///< Rows the window moves per output row.
  int64_t stride_w = 1;      ///< Columns the window moves per output column.
  int64_t pad_h = 0;         ///< Zero rows added above and below the input.
  int64_t pad_w = 0;         ///< Zero columns added left and right of the input.
  int64_t out_h = 0;         ///< P, output height.
  int64_t out_w = 0;         ///< Q, output width.

  /// @brief Position of x[n, c, h, w] in a contiguous (N,C,H,W) buffer.
  int64_t x_index(int64_t n, int64_t c, int64_t h, int64_t w) const {
    return ((n * in_channels + c) * in_h + h) * in_w + w;
  }
  /// @brief Position of w[k, c, r, s] in a contiguous (K,C,R,S) buffer.
  int64_t w_index(int64_t k, int64_t c, int64_t r, int64_t s) const {
    return ((k * in_channels + c) * kernel_h + r) * kernel_w + s;
  }
  /// @brief Position of out[n, k, p, q] in a contiguous (N,K,P,Q) buffer.
  int64_t out_index(int64_t n, int64_t k, int64_t p, int64_t q) const {
    return ((n * out_channels + k) * out_h + p) * out_w + q;
  }

  /// @brief Input shape {N, C, H, W}.
  Shape input_shape() const { return {batch, in_channels, in_h, in_w}; }
  /// @brief Weight shape {K, C, R, S}.
  Shape weight_shape() const { return {out_channels, in_channels, kernel_h, kernel_w}; }
  /// @brief Output shape {N, K, P, Q}.
  Shape output_shape() const { return {batch, out_channels, out_h, out_w}; }
};

/// @brief Checks and computes the geometry of conv2d(x, w): x must be 4-D (N,C,H,W), w 4-D
///        (K,C,R,S) with the same C, and the padded input at least as large as the kernel.
///        Every refusal is a byo::Error naming both shapes.
ConvGeometry conv2d_geometry(const Shape& x, const Shape& w, Size2 stride, Size2 padding);

/// @brief Checks and computes the geometry of a pooling window sweep over x (N,C,H,W).
///        As PyTorch, padding may be at most half the kernel.
ConvGeometry pool2d_geometry(const Shape& x, Size2 kernel, Size2 stride, Size2 padding,
                             const char* op_name);

}  // namespace byo
