/// @file
/// @brief Rung 4 of the GEMM ladder: the Goto/BLIS loop nest around the micro-kernel.
#include <algorithm>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/micro_kernel.h"
#include "gemm_util.h"
#include "threads.h"

namespace byo {

namespace {

// Packed B block for a single A block: 256 KiB, half of a 512 KiB L2.
constexpr int64_t kSmallMBlockFloats = 64 * 1024;
// Up to this many rows of A, B is read in place (measured: the crossover is near 48 rows).
constexpr int64_t kThinRows = 6 * kTileRows;

// One pair per thread, so a GEMM in a training loop allocates only on its first, largest call.
thread_local detail::Scratch t_packed_a;
thread_local detail::Scratch t_packed_b;

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

// One B micro-panel against all MR-row micro-panels of a packed A block:
// C(i0 .. i0+mc, j0 .. j0+cols) = or += A block · B micro-panel.
void sweep_a_block(MicroKernel kernel, int64_t kc, const float* packed_a, int64_t mc,
                   const float* b_panel, int64_t b_row_stride, MatrixView c, int64_t i0, int64_t j0,
                   int64_t cols, bool add) {
  alignas(64) float tile[kTileRows * kTileCols];
  for (int64_t ir = 0; ir < mc; ir += kTileRows) {
    const int64_t rows = std::min(kTileRows, mc - ir);
    const MatrixView c_tile = block(c, i0 + ir, j0, rows, cols);
    prefetch_tile(c_tile);
    kernel(kc, packed_a + ir * kc, b_panel, b_row_stride, tile);
    store_tile(tile, c_tile, rows, cols, add);
  }
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
// Two shortcuts for short, wide products such as LeNet's convolutions (M = 6 or 16 output
// channels, N = 100 000 pixels), where each float of B meets only M floats of A:
// - when M ≤ kThinRows and B is row-major, B is not packed at all: the micro-kernel reads
//   its rows in place (packing would cost more memory traffic than it saves);
// - when M ≤ mc (one A block), the packed B block is made small enough to stay in L2,
//   since it is used by that one A block only.
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
  const int64_t kc_max = std::min(blocking.kc, k_total);
  float* packed_a = t_packed_a.reserve(mc_max * kc_max);

  if (m <= kThinRows && b.col_stride == 1) {
    float* edge_panel = t_packed_b.reserve(kc_max * kTileCols);
    for (int64_t pc = 0; pc < k_total; pc += blocking.kc) {
      const int64_t kc = std::min(blocking.kc, k_total - pc);
      const bool add = accumulate || pc > 0;
      pack_a(block(a, 0, pc, m, kc), packed_a);
      for (int64_t jr = 0; jr < n; jr += kTileCols) {
        const int64_t cols = std::min(kTileCols, n - jr);
        if (cols == kTileCols) {
          sweep_a_block(kernel, kc, packed_a, m, b.data + pc * b.row_stride + jr, b.row_stride, c,
                        0, jr, cols, add);
        } else {  // the last, partial panel is packed: zero padding instead of a bounds check
          pack_b(block(b, pc, jr, kc, cols), edge_panel);
          sweep_a_block(kernel, kc, packed_a, m, edge_panel, kTileCols, c, 0, jr, cols, add);
        }
      }
    }
    return;
  }

  const int64_t nc_block =
      m <= blocking.mc
          ? std::clamp(kSmallMBlockFloats / kc_max / kTileCols * kTileCols, kTileCols, blocking.nc)
          : blocking.nc;
  const int64_t nc_max = std::min(nc_block, round_up(n, kTileCols));
  float* packed_b = t_packed_b.reserve(kc_max * nc_max);
  for (int64_t jc = 0; jc < n; jc += nc_block) {
    const int64_t nc = std::min(nc_block, n - jc);
    for (int64_t pc = 0; pc < k_total; pc += blocking.kc) {
      const int64_t kc = std::min(blocking.kc, k_total - pc);
      const bool add = accumulate || pc > 0;
      pack_b(block(b, pc, jc, kc, nc), packed_b);
      for (int64_t ic = 0; ic < m; ic += blocking.mc) {
        const int64_t mc = std::min(blocking.mc, m - ic);
        pack_a(block(a, ic, pc, mc, kc), packed_a);
        for (int64_t jr = 0; jr < nc; jr += kTileCols) {
          sweep_a_block(kernel, kc, packed_a, mc, packed_b + jr * kc, kTileCols, c, ic, jc + jr,
                        std::min(kTileCols, nc - jr), add);
        }
      }
    }
  }
}

void gemm_packed(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  gemm_packed_with(micro_kernel, GemmBlocking{}, a, b, c, accumulate);
}

}  // namespace byo
