// Elementwise ops. Binary ops broadcast; each input's gradient is summed back to its shape.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/elementwise.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// σ(x) = 1 / (1 + e^-x) without a call to the C library, written once for a float and
// once (the same template) for a SIMD vector of floats: an activation of LeNet's first
// layer is 600 000 sigmoids per batch, and std::exp, called once per float, took longer
// than the convolution that made them.
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
template <typename F, typename U>
F sigmoid_of(F x) {
  const F zero = F{}, hi = F{} + 104.0f, round = F{} + 12582912.0f;
  const F a = x < zero ? -x : x;
  const F t = -(hi < a ? hi : a);
  const F shifted = t * 1.44269504f + round;
  const F n = shifted - round;
  const U n_bits = std::bit_cast<U>(shifted) - std::bit_cast<U>(round);
  const F r = t - n * 0.693359375f - n * -2.12194440e-4f;  // t - n·ln 2 in two parts
  F p = F{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const F u = p * std::bit_cast<F>((n_bits + (127u + 64u)) << 23) * 0x1p-64f;
  const F numerator = x < zero ? u : zero + 1.0f;  // one division for both halves
  return numerator / (1.0f + u);
}

// y = σ(x) over n contiguous floats: 8 at a time as GCC/Clang vectors (the compiler does
// not vectorise the clamps itself), the rest one by one.
void sigmoid_contiguous(const float* x, float* y, int64_t n) {
  int64_t i = 0;
#if defined(__GNUC__)
  typedef float Float8 __attribute__((vector_size(8 * sizeof(float))));
  typedef uint32_t Uint8 __attribute__((vector_size(8 * sizeof(uint32_t))));
  for (; i + 8 <= n; i += 8) {
    Float8 v;
    std::memcpy(&v, x + i, sizeof(v));
    v = sigmoid_of<Float8, Uint8>(v);
    std::memcpy(y + i, &v, sizeof(v));
  }
#endif
  for (; i < n; ++i) y[i] = sigmoid_of<float, uint32_t>(x[i]);
}

// An activation of LeNet's first layer is hundreds of thousands of floats, and an op that
// runs on one thread leaves the other cores waiting between the convolutions (chapter 7
// threads those). body(begin, end) is called on pieces of [0, n), one per OpenMP thread
// when n is large enough to pay for waking them. Pieces start at multiples of 8, so each
// element takes the same path (SIMD vector or scalar tail) for any thread count, and the
// bits never depend on it.
constexpr int64_t kParallelFloats = int64_t{1} << 16;

template <typename Body>
void parallel_pieces(int64_t n, const Body& body) {
#ifdef _OPENMP
  if (n >= kParallelFloats && omp_get_max_threads() > 1 && !omp_in_parallel()) {
#pragma omp parallel
    {
      const int64_t parts = omp_get_num_threads(), t = omp_get_thread_num();
      const int64_t begin = n / 8 * t / parts * 8;
      const int64_t end = t + 1 == parts ? n : n / 8 * (t + 1) / parts * 8;
      body(begin, end);
    }
    return;
  }
#endif
  body(0, n);
}

// out[i] = f(a[i], b[i]) for two contiguous arrays of the same shape, in pieces over the
// threads; otherwise chapter 1's zip, which broadcasts and walks any strides.
template <typename F>
NDArray zip_parallel(const NDArray& a, const NDArray& b, F f) {
  if (!a.is_contiguous() || !b.is_contiguous() || a.shape() != b.shape()) return a.zip(b, f);
  NDArray out = NDArray::empty(a.shape());
  const float* __restrict pa = a.data();
  const float* __restrict pb = b.data();
  float* __restrict po = out.data();
  parallel_pieces(out.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) po[i] = f(pa[i], pb[i]);
  });
  return out;
}

// out = a + b: each input gets the output gradient, reduced to its own shape.
class AddBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const Edge* e = next_edges().data();
    return {needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            needs_input_grad(1) ? sum_to(g, e[1].shape) : NDArray()};
  }
  std::string name() const override { return "Add"; }
};

class SubBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const Edge* e = next_edges().data();
    return {needs_input_grad(0) ? sum_to(g, e[0].shape) : NDArray(),
            needs_input_grad(1) ? sum_to(-g, e[1].shape) : NDArray()};
  }
  std::string name() const override { return "Sub"; }
};

// out = a * b: d/da = g * b, d/db = g * a (saved: a, b).
class MulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {needs_input_grad(0) ? sum_to(g * b, a.shape()) : NDArray(),
            needs_input_grad(1) ? sum_to(g * a, b.shape()) : NDArray()};
  }
  std::string name() const override { return "Mul"; }
};

// out = a / b: d/da = g / b, d/db = -g * a / b² (saved: a, b).
class DivBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {needs_input_grad(0) ? sum_to(g / b, a.shape()) : NDArray(),
            needs_input_grad(1) ? sum_to(-g * a / (b * b), b.shape()) : NDArray()};
  }
  std::string name() const override { return "Div"; }
};

class NegBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override { return {-g}; }
  std::string name() const override { return "Neg"; }
};

// out = x^p: d/dx = g * p * x^(p-1) (saved: x).
class PowBackward : public Node {
 public:
  explicit PowBackward(float exponent) : exponent_(exponent) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const float p = exponent_;
    return {g.zip(saved(0), [p](float gi, float xi) { return gi * p * std::pow(xi, p - 1.0f); })};
  }
  std::string name() const override { return "Pow"; }

 private:
  float exponent_;
};

// The unary ops whose derivative is a function of the output y (saved: y).
class ExpBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * y; })};
  }
  std::string name() const override { return "Exp"; }
};

class SqrtBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * 0.5f / y; })};
  }
  std::string name() const override { return "Sqrt"; }
};

class SigmoidBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {zip_parallel(g, saved(0), [](float gi, float y) { return gi * y * (1.0f - y); })};
  }
  std::string name() const override { return "Sigmoid"; }
};

class TanhBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float y) { return gi * (1.0f - y * y); })};
  }
  std::string name() const override { return "Tanh"; }
};

// Log and relu need the input x (saved: x).
class LogBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.zip(saved(0), [](float gi, float x) { return gi / x; })};
  }
  std::string name() const override { return "Log"; }
};

class ReluBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {zip_parallel(g, saved(0), [](float gi, float x) { return x > 0.0f ? gi : 0.0f; })};
  }
  std::string name() const override { return "Relu"; }
};

// A unary op whose backward saves one array (the input or the output).
template <typename NodeT>
Tensor unary(const Tensor& x, const NDArray& out, const NDArray& keep) {
  if (!any_requires_grad({x})) return Tensor(out);
  auto node = std::make_shared<NodeT>();
  node->save_for_backward({keep});
  return make_result(out, std::move(node), {x});
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Add", Phase::forward);
  detail::check_defined("add", a);
  detail::check_defined("add", b);
  detail::check_broadcastable("add", a.shape(), b.shape());
  return make_result(a.data() + b.data(), std::make_shared<AddBackward>(), {a, b});
}

Tensor sub(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Sub", Phase::forward);
  detail::check_defined("sub", a);
  detail::check_defined("sub", b);
  detail::check_broadcastable("sub", a.shape(), b.shape());
  return make_result(a.data() - b.data(), std::make_shared<SubBackward>(), {a, b});
}

Tensor mul(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Mul", Phase::forward);
  detail::check_defined("mul", a);
  detail::check_defined("mul", b);
  detail::check_broadcastable("mul", a.shape(), b.shape());
  NDArray out = a.data() * b.data();
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<MulBackward>();
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

Tensor div(const Tensor& a, const Tensor& b) {
  profiler::Scope scope("Div", Phase::forward);
  detail::check_defined("div", a);
  detail::check_defined("div", b);
  detail::check_broadcastable("div", a.shape(), b.shape());
  NDArray out = a.data() / b.data();
  if (!any_requires_grad({a, b})) return Tensor(out);
  auto node = std::make_shared<DivBackward>();
  node->save_for_backward({a.data(), b.data()});
  return make_result(out, std::move(node), {a, b});
}

Tensor neg(const Tensor& x) {
  profiler::Scope scope("Neg", Phase::forward);
  detail::check_defined("neg", x);
  return make_result(-x.data(), std::make_shared<NegBackward>(), {x});
}

Tensor pow(const Tensor& x, float exponent) {
  profiler::Scope scope("Pow", Phase::forward);
  detail::check_defined("pow", x);
  NDArray out = byo::pow(x.data(), exponent);
  if (!any_requires_grad({x})) return Tensor(out);
  auto node = std::make_shared<PowBackward>(exponent);
  node->save_for_backward({x.data()});
  return make_result(out, std::move(node), {x});
}

Tensor exp(const Tensor& x) {
  profiler::Scope scope("Exp", Phase::forward);
  detail::check_defined("exp", x);
  NDArray y = byo::exp(x.data());
  return unary<ExpBackward>(x, y, y);
}

Tensor log(const Tensor& x) {
  profiler::Scope scope("Log", Phase::forward);
  detail::check_defined("log", x);
  return unary<LogBackward>(x, byo::log(x.data()), x.data());
}

Tensor sqrt(const Tensor& x) {
  profiler::Scope scope("Sqrt", Phase::forward);
  detail::check_defined("sqrt", x);
  NDArray y = byo::sqrt(x.data());
  return unary<SqrtBackward>(x, y, y);
}

Tensor sigmoid(const Tensor& x) {
  profiler::Scope scope("Sigmoid", Phase::forward);
  detail::check_defined("sigmoid", x);
  NDArray y;
  if (x.data().is_contiguous()) {
    y = NDArray::empty(x.shape());
    const float* in = x.data().data();
    float* out = y.data();
    parallel_pieces(y.numel(), [&](int64_t begin, int64_t end) {
      sigmoid_contiguous(in + begin, out + begin, end - begin);
    });
  } else {
    y = byo::sigmoid(x.data());
  }
  return unary<SigmoidBackward>(x, y, y);
}

Tensor tanh(const Tensor& x) {
  profiler::Scope scope("Tanh", Phase::forward);
  detail::check_defined("tanh", x);
  NDArray y = byo::tanh(x.data());
  return unary<TanhBackward>(x, y, y);
}

Tensor relu(const Tensor& x) {
  profiler::Scope scope("Relu", Phase::forward);
  detail::check_defined("relu", x);
  const NDArray& in = x.data();
  if (!in.is_contiguous()) return unary<ReluBackward>(x, byo::relu(in), in);
  NDArray y = NDArray::empty(in.shape());
  const float* __restrict src = in.data();
  float* __restrict dst = y.data();
  parallel_pieces(y.numel(), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) dst[i] = src[i] < 0.0f ? 0.0f : src[i];  // as chapter 3
  });
  return unary<ReluBackward>(x, y, in);
}

}  // namespace byo
