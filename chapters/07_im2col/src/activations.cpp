/// @file
/// @brief Chapter 3's activation entries, fast: a vectorised sigmoid, and every activation
///        and gradient split over the threads.
#include <algorithm>
#include <bit>
#include <cstdint>

#include "byo/fast_kernels.h"
#include "byo/simd.h"
#include "threads.h"

namespace byo {

namespace {

// σ(x) = 1 / (1 + e^-x) without a call to the C library, for a SIMD vector of floats: an
// activation of LeNet's first layer is 600 000 sigmoids per batch, and std::exp, called
// once per float, took longer than the convolution that made them.
//
// Both halves of σ come from u = e^-|x| ≤ 1, which cannot overflow: σ(x) = 1 / (1 + u)
// for x ≥ 0 and u / (1 + u) for x < 0 (the same fraction times u / u). |x| is clamped to
// 104 first: e^-104 is below half the smallest float, so beyond it σ rounds to 0 or 1
// either way. The clamp and the selects keep NaN (every comparison with it fails), so NaN
// stays NaN. Then Cephes' method: e^t = 2^n · e^r with n = round(t / ln 2) and
// |r| ≤ ln 2 / 2, e^r by a degree-6 polynomial (relative error below 2e-7), 2^n written
// into the exponent bits. Adding 1.5·2^23 rounds t / ln 2 to an integer in the low
// mantissa bits, which gives n both as a float and as an integer, without a float-to-int
// conversion. Here -150 ≤ n ≤ 0, and below x ≈ -87.3 σ is a denormal float, which the
// exponent bits cannot hold: 2^n is applied as 2^(n+64) · 2^-64, both normal, so the one
// rounding into the denormal range is the last multiply. Measured against 1/(1+e^-x) in
// double over [-200, 200]: within 2 ulp everywhere, denormals included (σ(-100) = 3.78e-44,
// σ(-104) = 0); clamping x to ±87 instead gave 1.6e-38 for every x < -87.
//
// Every float goes through this one function, in a lane of a vector (the last few of an
// array in a vector of their own), and each operation is rounded lane by lane: so an
// element gets the same bits wherever it lies and whatever the thread count. The
// polynomial's multiply-adds are fused into FMAs where the CPU has them: a third less
// time on LeNet's first layer than with each product and sum rounded apart.
template <typename F, typename I>
F sigmoid_of(F x) {
  const F zero = F{}, hi = F{} + 104.0f, round = F{} + 12582912.0f;
  const F a = x < zero ? -x : x;
  const F t = -(hi < a ? hi : a);
  const F shifted = t * 1.44269504f + round;
  const F n = shifted - round;
  const I n_bits = std::bit_cast<I>(shifted) - std::bit_cast<I>(round);
  const F r = t - n * 0.693359375f - n * -2.12194440e-4f;  // t - n·ln 2 in two parts
  F p = F{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const F u = p * std::bit_cast<F>((n_bits + (127 + 64)) << 23) * 0x1p-64f;
  const F numerator = x < zero ? u : zero + 1.0f;  // one division for both halves
  return numerator / (1.0f + u);
}

// An activation of LeNet's first layer is hundreds of thousands of floats, and an op that
// runs on one thread leaves the other cores waiting between the convolutions.
// body(begin, end) is called on pieces of [0, n), one per OpenMP thread when n is large
// enough to pay for waking them. Pieces start at multiples of 16 floats: whole vectors
// of any width up to AVX-512's, so only the last piece has a tail. (The bits would be
// the same anyway: see sigmoid_of.)
constexpr int64_t kParallelFloats = int64_t{1} << 16;
constexpr int64_t kPieceAlign = 16;

template <typename Body>
void parallel_pieces(int64_t n, const Body& body) {
  const int threads = n >= kParallelFloats ? detail::thread_count() : 1;
  if (threads == 1) {
    body(0, n);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
  {
    const int64_t parts = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t begin = n / kPieceAlign * t / parts * kPieceAlign;
    const int64_t end = t + 1 == parts ? n : n / kPieceAlign * (t + 1) / parts * kPieceAlign;
    body(begin, end);
  }
#endif
}

}  // namespace

void sigmoid_fast(const float* x, float* y, int64_t n) {
  parallel_pieces(n, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
    for (; i + kSimdWidth <= end; i += kSimdWidth) {
      store_vec(y + i, sigmoid_of<Vec, VecInt>(load_vec(x + i)));
    }
    if (i < end) {  // the tail, in the lanes of one more vector
      float lanes[kSimdWidth] = {};
      std::copy(x + i, x + end, lanes);
      store_vec(lanes, sigmoid_of<Vec, VecInt>(load_vec(lanes)));
      std::copy_n(lanes, end - i, y + i);
    }
  });
}

void sigmoid_backward_fast(const float* grad, const float* y, float* grad_x, int64_t n) {
  parallel_pieces(n, [&](int64_t begin, int64_t end) {
    sigmoid_backward_naive(grad + begin, y + begin, grad_x + begin, end - begin);
  });
}

void relu_fast(const float* x, float* y, int64_t n) {
  parallel_pieces(
      n, [&](int64_t begin, int64_t end) { relu_naive(x + begin, y + begin, end - begin); });
}

void relu_backward_fast(const float* grad, const float* x, float* grad_x, int64_t n) {
  parallel_pieces(n, [&](int64_t begin, int64_t end) {
    relu_backward_naive(grad + begin, x + begin, grad_x + begin, end - begin);
  });
}

}  // namespace byo
