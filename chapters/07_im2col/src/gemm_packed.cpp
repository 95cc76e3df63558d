/// @file
/// @brief Rung 4 of the GEMM ladder: the Goto/BLIS loop nest around the micro-kernel.
#include <algorithm>
#include <cstdlib>
#include <new>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/micro_kernel.h"
#include "gemm_util.h"

namespace byo {

namespace {

/// A grow-only, 64-byte aligned scratch buffer. One per thread for each packed operand,
/// so a GEMM in a training loop allocates only on its first, largest call.
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(data_); }

  float* reserve(int64_t floats) {
    if (floats > capacity_) {
      const auto bytes = static_cast<size_t>((floats * 4 + 63) / 64 * 64);
      void* fresh = std::aligned_alloc(64, bytes);
      if (!fresh) throw std::bad_alloc();
      std::free(data_);
      data_ = static_cast<float*>(fresh);
      capacity_ = floats;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  int64_t capacity_ = 0;
};

thread_local Scratch t_packed_a;
thread_local Scratch t_packed_b;

int64_t round_up(int64_t n, int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// c is a rows×cols corner of an MR×NR tile: C = tile, or C += tile when `add`.
void store_tile(const float* tile, MatrixView c, int64_t rows, int64_t cols, bool add) {
  if (rows == kTileRows && cols == kTileCols && c.col_stride == 1) {
    for (int64_t i = 0; i < kTileRows; ++i) {
      float* c_row = c.data + i * c.row_stride;
      for (int64_t v = 0; v < kTileVectors; ++v) {
        Vec t = load_vec(tile + i * kTileCols + v * kSimdWidth);
        if (add) t += load_vec(c_row + v * kSimdWidth);
        store_vec(c_row + v * kSimdWidth, t);
      }
    }
    return;
  }
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const float t = tile[i * kTileCols + j];
      c(i, j) = add ? c(i, j) + t : t;
    }
  }
}

// Asks for the C tile's cache lines now, so that they arrive while the micro-kernel
// runs (over a thousand cycles) instead of stalling store_tile afterwards: C is too big
// for L2 and each tile is visited only once per kc slice.
void prefetch_tile(MatrixView c) {
#if defined(__GNUC__)
  for (int64_t i = 0; i < c.rows; ++i) {
    const float* row = c.data + i * c.row_stride;
    __builtin_prefetch(row, 1);
    __builtin_prefetch(row + (c.cols - 1) * c.col_stride, 1);
  }
#else
  (void)c;
#endif
}

ConstMatrixView block(ConstMatrixView m, int64_t i, int64_t j, int64_t rows, int64_t cols) {
  return {m.data + i * m.row_stride + j * m.col_stride, rows, cols, m.row_stride, m.col_stride};
}

MatrixView block(MatrixView m, int64_t i, int64_t j, int64_t rows, int64_t cols) {
  return {m.data + i * m.row_stride + j * m.col_stride, rows, cols, m.row_stride, m.col_stride};
}

}  // namespace

// a is (M,K), b is (K,N), c is (M,N).
//
//   for each nc-wide block of columns jc             B block (kc, nc) → L3
//     for each kc-deep slice pc:  pack B(pc, jc)
//       for each mc-tall block ic: pack A(ic, pc)   A block (mc, kc) → L2
//         for each NR-wide micro-panel of B          B micro-panel (kc, NR) → L1
//           for each MR-tall micro-panel of A        A micro-panel streams from L2
//             tile = micro_kernel(A panel, B panel); C(tile) = or += tile
//
// Each element of C is the sum over the kc slices in order, and within a slice over k in
// order, whatever M, N or the blocking of M and N: so any split of C (rung 5) gives
// bitwise the same result.
void gemm_packed_with(MicroKernel kernel, const GemmBlocking& blocking, ConstMatrixView a,
                      ConstMatrixView b, MatrixView c, bool accumulate) {
  check_gemm_shapes("gemm_packed", a, b, c);
  BYO_CHECK(kernel != nullptr) << "gemm_packed: null micro-kernel";
  BYO_CHECK(blocking.mc > 0 && blocking.kc > 0 && blocking.nc > 0 && blocking.mc % kTileRows == 0 &&
            blocking.nc % kTileCols == 0)
      << "gemm_packed: blocking mc=" << blocking.mc << " kc=" << blocking.kc
      << " nc=" << blocking.nc << " must be positive, mc a multiple of " << kTileRows
      << " and nc a multiple of " << kTileCols;
  const int64_t m = a.rows, n = b.cols, k_total = a.cols;
  if (m == 0 || n == 0) return;
  if (k_total == 0) {
    detail::zero_unless(accumulate, c);
    return;
  }
  const int64_t mc_max = std::min(blocking.mc, round_up(m, kTileRows));
  const int64_t nc_max = std::min(blocking.nc, round_up(n, kTileCols));
  const int64_t kc_max = std::min(blocking.kc, k_total);
  float* packed_a = t_packed_a.reserve(mc_max * kc_max);
  float* packed_b = t_packed_b.reserve(kc_max * nc_max);
  alignas(64) float tile[kTileRows * kTileCols];

  for (int64_t jc = 0; jc < n; jc += blocking.nc) {
    const int64_t nc = std::min(blocking.nc, n - jc);
    for (int64_t pc = 0; pc < k_total; pc += blocking.kc) {
      const int64_t kc = std::min(blocking.kc, k_total - pc);
      pack_b(block(b, pc, jc, kc, nc), packed_b);
      const bool add = accumulate || pc > 0;
      for (int64_t ic = 0; ic < m; ic += blocking.mc) {
        const int64_t mc = std::min(blocking.mc, m - ic);
        pack_a(block(a, ic, pc, mc, kc), packed_a);
        for (int64_t jr = 0; jr < nc; jr += kTileCols) {
          const float* b_panel = packed_b + jr * kc;
          const int64_t cols = std::min(kTileCols, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kTileRows) {
            prefetch_tile(block(c, ic + ir, jc + jr, std::min(kTileRows, mc - ir), cols));
            kernel(kc, packed_a + ir * kc, b_panel, tile);
            store_tile(tile, block(c, ic + ir, jc + jr, std::min(kTileRows, mc - ir), cols),
                       std::min(kTileRows, mc - ir), cols, add);
          }
        }
      }
    }
  }
}

void gemm_packed(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  gemm_packed_with(micro_kernel, GemmBlocking{}, a, b, c, accumulate);
}

}  // namespace byo
