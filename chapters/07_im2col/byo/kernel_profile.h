/// @file
/// @brief Where an epoch's time goes, kernel by kernel: FLOP/s and bytes moved for every
///        call through the kernel seams, and the roofline they are judged against.
///
/// The seams make a profiler almost free to write. Every convolution, pooling, activation,
/// matrix product, sum and copy goes through one of the five tables (byo/fast_kernels.h),
/// so a KernelProfile swaps each installed entry for a stand-in that times the call, adds
/// its work to a row, and calls the entry it replaced:
///
///     op (conv2d) ──▶ conv_kernels().forward ──▶ profiled_conv_forward ──▶ the fast kernel
///                                                  time, FLOP, bytes ──▶ row
///
/// A row is one kernel on one per-image shape, which in LeNet is one layer and one pass:
/// "conv grad weight 6×14×14 → 16×10×10 5×5" is conv2's weight gradient. Its work is
/// counted, not measured: FLOP is the arithmetic the result needs (2 per multiply-add),
/// bytes are the compulsory traffic (every input read once, every output written once).
/// Their ratio, the arithmetic intensity, says which roof limits the row:
///
///     attainable GFLOP/s = min(peak GFLOP/s, intensity · GB/s)
///
/// A row far below its roof is waste: the picture of src/roofline.cpp shows how far.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "byo/fast_kernels.h"

namespace byo {

/// @brief What a KernelProfile collected for one kernel on one per-image shape.
struct KernelRow {
  std::string pass;    ///< "forward", "backward", or "other" for a kernel with no pass.
  std::string kernel;  ///< "conv grad input", "max pool", "gemm", ...
  std::string shape;   ///< "1×28×28 → 6×28×28 5×5": per image, so batches of any size meet.
  int64_t calls = 0;   ///< Calls timed.
  double seconds = 0;  ///< Their wall-clock time, summed.
  double flop = 0;     ///< Arithmetic done, summed (one per element for elementwise work).
  double bytes = 0;    ///< Compulsory memory traffic, summed.

  /// @brief flop / bytes: FLOP per byte moved (0 for a row that moved nothing).
  double intensity() const { return bytes > 0 ? flop / bytes : 0.0; }
  /// @brief flop / seconds / 1e9.
  double gflops() const { return seconds > 0 ? flop / seconds / 1e9 : 0.0; }
  /// @brief bytes / seconds / 1e9.
  double gbytes_per_second() const { return seconds > 0 ? bytes / seconds / 1e9 : 0.0; }
};

/// @brief Times every call through the five kernel tables while it lives (all but the
///        allocation entries: allocator_counts() in byo/fast_kernels.h counts those).
///
/// The constructor wraps whatever tables are installed (fast or naive); the destructor
/// puts them back. One profile at a time: a second one is a byo::Error. The counts are
/// safe from any thread; the calls the ops make are on the caller's thread.
class KernelProfile {
 public:
  /// @brief Wraps the installed tables.
  KernelProfile();
  /// @brief Reinstalls the tables it wrapped.
  ~KernelProfile();
  KernelProfile(const KernelProfile&) = delete;
  KernelProfile& operator=(const KernelProfile&) = delete;

  /// @brief The rows so far, most seconds first.
  std::vector<KernelRow> rows() const;
  /// @brief Forgets the rows (e.g. after a warm-up).
  void reset();

 private:
  Kernels kernels_;
  ActivationKernels activations_;
  ConvKernels conv_;
  PoolKernels pool_;
  FusedKernels fused_;
};

/// @brief The two roofs of a roofline, measured on this machine.
struct Roofs {
  double gflops = 0;             ///< Peak arithmetic: the installed GEMM on a large product.
  double gbytes_per_second = 0;  ///< Peak memory bandwidth: a large copy, read + write.
  int threads = 1;               ///< The threads both were measured with.
};

/// @brief Measures both roofs with the threads a kernel would use now (about a second).
Roofs measure_roofs();

/// @brief The roofline picture as a self-contained SVG document: log-log axes of
///        intensity and GFLOP/s, the two roofs, and one dot per row whose area is its share
///        of `total_seconds`, labelled when it holds at least 3% of it.
std::string roofline_svg(const std::vector<KernelRow>& rows, const Roofs& roofs,
                         double total_seconds, const std::string& title);

/// @brief The rows as a table: seconds, share of `total_seconds`, GFLOP/s, GB/s, intensity,
///        and the fraction of the roof each reached; then the kernels' total and the time
///        outside the kernels (autograd, the optimiser, the data loader).
void print_profile(std::ostream& os, const std::vector<KernelRow>& rows, const Roofs& roofs,
                   double total_seconds);

}  // namespace byo
