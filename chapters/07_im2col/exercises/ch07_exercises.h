/// @file
/// @brief Chapter 7 exercises: the functions the learner writes (exercises/*.cpp).
#pragma once

#include <cstdint>
#include <span>

#include "byo/im2col.h"

namespace byo::exercises {

/// @brief Exercise 1: x = col2im(col), the adjoint of im2col (see byo/im2col.h).
///
/// x is (N,C,H,W), col is (C·R·S, N·P·Q), both contiguous; x is overwritten. Graded
/// against a direct loop over every entry of col, with stride and padding.
void col2im(std::span<const float> col, const ConvGeometry& g, std::span<float> x);

/// @brief Exercise 2: the micro-kernel's loop over k (see byo/micro_kernel.h).
///
/// tile (kTileRows, kTileCols) = A panel · B panel, where the A panel holds kc steps of
/// kTileRows floats and step k of the B panel is the kTileCols floats at
/// `b + k*b_row_stride`. Graded by running gemm_packed with this kernel against gemm_naive.
void micro_kernel(int64_t kc, const float* a, const float* b, int64_t b_row_stride, float* tile);

}  // namespace byo::exercises
