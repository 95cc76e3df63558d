/// @file
/// @brief KernelProfile: stand-ins for every table entry that time the call and count its
///        work, then call the entry they replaced.
#include "byo/kernel_profile.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

#include "byo/check.h"

namespace byo {
namespace {

using Clock = std::chrono::steady_clock;

// The one live profile's state. The stand-ins are plain functions (the tables hold
// function pointers), so they find the entries they replaced here.
struct State {
  Kernels kernels;
  ActivationKernels activations;
  ConvKernels conv;
  PoolKernels pool;
  FusedKernels fused;
  std::mutex mutex;
  std::map<std::tuple<std::string, std::string, std::string>, KernelRow> rows;
};
State* g_state = nullptr;

void record(const char* pass, const char* kernel, const std::string& shape, Clock::time_point start,
            double flop, double bytes) {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::lock_guard<std::mutex> lock(g_state->mutex);
  KernelRow& row = g_state->rows[{pass, kernel, shape}];
  if (row.calls == 0) row = KernelRow{pass, kernel, shape, 0, 0, 0, 0};
  row.calls += 1;
  row.seconds += seconds;
  row.flop += flop;
  row.bytes += bytes;
}

constexpr double kFloat = sizeof(float);

// ---- shapes and counts ---------------------------------------------------------------

std::string chw(int64_t c, int64_t h, int64_t w) {
  std::ostringstream s;
  s << c << "×" << h << "×" << w;
  return s.str();
}

// Per image: "C×H×W → K×P×Q R×S".
std::string conv_shape(const ConvGeometry& g) {
  return chw(g.in_channels, g.in_h, g.in_w) + " → " + chw(g.out_channels, g.out_h, g.out_w) + " " +
         std::to_string(g.kernel_h) + "×" + std::to_string(g.kernel_w);
}

double in_floats(const ConvGeometry& g) {
  return static_cast<double>(g.batch * g.in_channels * g.in_h * g.in_w);
}
double out_floats(const ConvGeometry& g) {
  return static_cast<double>(g.batch * g.out_channels * g.out_h * g.out_w);
}
double weight_floats(const ConvGeometry& g) {
  return static_cast<double>(g.out_channels * g.in_channels * g.kernel_h * g.kernel_w);
}
// Multiply-adds of one convolution pass, 2 FLOP each.
double conv_flop(const ConvGeometry& g) {
  return 2.0 * out_floats(g) * static_cast<double>(g.in_channels * g.kernel_h * g.kernel_w);
}
// Comparisons or additions of one pooling pass, one per window element.
double pool_flop(const ConvGeometry& g) {
  return out_floats(g) * static_cast<double>(g.kernel_h * g.kernel_w);
}

std::string elements(int64_t n) { return std::to_string(n) + " floats"; }

// ---- chapter 1's table ----------------------------------------------------------------

void gemm(ConstMatrixView a, ConstMatrixView b, MatrixView c, bool accumulate) {
  const auto start = Clock::now();
  g_state->kernels.gemm(a, b, c, accumulate);
  const double m = static_cast<double>(a.rows), k = static_cast<double>(a.cols),
               n = static_cast<double>(b.cols);
  std::ostringstream shape;
  shape << a.rows << "×" << a.cols << " · " << b.rows << "×" << b.cols;
  record("other", "gemm", shape.str(), start, 2 * m * k * n,
         kFloat * (m * k + k * n + (accumulate ? 2 : 1) * m * n));
}

float sum(const float* x, int64_t n, int64_t stride, float acc) {
  const auto start = Clock::now();
  const float result = g_state->kernels.sum(x, n, stride, acc);
  record("other", "sum", "rows", start, static_cast<double>(n), kFloat * static_cast<double>(n));
  return result;
}

void copy(const float* src, std::span<const int64_t> shape, std::span<const int64_t> strides,
          float* dst) {
  const auto start = Clock::now();
  g_state->kernels.copy(src, shape, strides, dst);
  double n = 1;
  for (const int64_t d : shape) n *= static_cast<double>(d);
  record("other", "copy", "strided to contiguous", start, 0, 2 * kFloat * n);
}

// ---- chapter 3's table -------------------------------------------------------------------

template <ActivationKernel ActivationKernels::*entry>
void activation(const float* x, float* y, int64_t n) {
  const auto start = Clock::now();
  (g_state->activations.*entry)(x, y, n);
  const char* name = entry == &ActivationKernels::relu ? "relu" : "sigmoid";
  record("forward", name, elements(n), start, static_cast<double>(n),
         2 * kFloat * static_cast<double>(n));
}

template <ActivationGradKernel ActivationKernels::*entry>
void activation_grad(const float* grad, const float* saved, float* grad_x, int64_t n) {
  const auto start = Clock::now();
  (g_state->activations.*entry)(grad, saved, grad_x, n);
  const char* name = entry == &ActivationKernels::relu_backward ? "relu" : "sigmoid";
  record("backward", name, elements(n), start, static_cast<double>(n),
         3 * kFloat * static_cast<double>(n));
}

// ---- chapter 6's tables -------------------------------------------------------------------

void conv_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias,
                  float* out) {
  const auto start = Clock::now();
  g_state->conv.forward(g, x, w, bias, out);
  const double bias_floats = bias != nullptr ? static_cast<double>(g.out_channels) : 0;
  record("forward", "conv", conv_shape(g), start, conv_flop(g),
         kFloat * (in_floats(g) + weight_floats(g) + bias_floats + out_floats(g)));
}

void conv_grad_input(const ConvGeometry& g, const float* grad_out, const float* w, float* grad_x) {
  const auto start = Clock::now();
  g_state->conv.grad_input(g, grad_out, w, grad_x);
  record("backward", "conv grad input", conv_shape(g), start, conv_flop(g),
         kFloat * (out_floats(g) + weight_floats(g) + in_floats(g)));
}

// A weight gradient's row: its multiply-adds and, with a bias, the output gradient's sums;
// x, the weights and the bias, and `grad_bytes`, what it reads to know the output gradient.
void record_grad_weight(const char* kernel, const ConvGeometry& g, Clock::time_point start,
                        bool bias, double grad_bytes) {
  const double bias_floats = bias ? static_cast<double>(g.out_channels) : 0;
  record("backward", kernel, conv_shape(g), start, conv_flop(g) + (bias ? out_floats(g) : 0),
         kFloat * (in_floats(g) + weight_floats(g) + bias_floats) + grad_bytes);
}

void conv_grad_weight(const ConvGeometry& g, const float* x, const float* grad_out, float* grad_w,
                      float* grad_bias) {
  const auto start = Clock::now();
  g_state->conv.grad_weight(g, x, grad_out, grad_w, grad_bias);
  record_grad_weight("conv grad weight", g, start, grad_bias != nullptr, kFloat * out_floats(g));
}

void avg_forward(const ConvGeometry& g, const float* x, float* out) {
  const auto start = Clock::now();
  g_state->pool.avg_forward(g, x, out);
  record("forward", "avg pool", conv_shape(g), start, pool_flop(g),
         kFloat * (in_floats(g) + out_floats(g)));
}

void avg_backward(const ConvGeometry& g, const float* grad_out, float* grad_x) {
  const auto start = Clock::now();
  g_state->pool.avg_backward(g, grad_out, grad_x);
  record("backward", "avg pool", conv_shape(g), start, pool_flop(g),
         kFloat * (in_floats(g) + out_floats(g)));
}

void max_forward(const ConvGeometry& g, const float* x, float* out, int64_t* argmax) {
  const auto start = Clock::now();
  g_state->pool.max_forward(g, x, out, argmax);
  const double index_bytes = argmax != nullptr ? sizeof(int64_t) * out_floats(g) : 0;
  record("forward", "max pool", conv_shape(g), start, pool_flop(g),
         kFloat * (in_floats(g) + out_floats(g)) + index_bytes);
}

void max_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                  float* grad_x) {
  const auto start = Clock::now();
  g_state->pool.max_backward(g, grad_out, argmax, grad_x);
  record("backward", "max pool", conv_shape(g), start, out_floats(g),
         kFloat * (in_floats(g) + out_floats(g)) + sizeof(int64_t) * out_floats(g));
}

// ---- this chapter's table -------------------------------------------------------------------

void grad_weight_max_pool(const ConvGeometry& g, const float* x, const MaxPoolGrad& pooled,
                          float* grad_w, float* grad_bias) {
  const auto start = Clock::now();
  g_state->fused.grad_weight_max_pool(g, x, pooled, grad_w, grad_bias);
  // the pooled gradient and the winners
  record_grad_weight("conv grad weight (pooled)", g, start, grad_bias != nullptr,
                     (kFloat + sizeof(int64_t)) * out_floats(pooled.pool));
}

void grad_weight_sigmoid_avg_pool(const ConvGeometry& g, const float* x,
                                  const SigmoidAvgPoolGrad& pooled, float* grad_w,
                                  float* grad_bias) {
  const auto start = Clock::now();
  g_state->fused.grad_weight_sigmoid_avg_pool(g, x, pooled, grad_w, grad_bias);
  // the pooled gradient and y
  record_grad_weight("conv grad weight (pooled)", g, start, grad_bias != nullptr,
                     kFloat * (out_floats(pooled.pool) + out_floats(g)));
}

}  // namespace

KernelProfile::KernelProfile()
    : kernels_(kernels()),
      activations_(activation_kernels()),
      conv_(conv_kernels()),
      pool_(pool_kernels()),
      fused_(fused_kernels()) {
  BYO_CHECK(g_state == nullptr) << "a KernelProfile is already recording; one at a time";
  g_state = new State{kernels_, activations_, conv_, pool_, fused_, {}, {}};
  // The allocation entries stay: a Storage keeps the release entry it was allocated with
  // and calls it when freed, which may be after this profile is gone.
  kernels() = {&gemm, kernels_.allocate, kernels_.release, &sum, &copy, kernels_.name};
  activation_kernels() = {&activation<&ActivationKernels::sigmoid>,
                          &activation_grad<&ActivationKernels::sigmoid_backward>,
                          &activation<&ActivationKernels::relu>,
                          &activation_grad<&ActivationKernels::relu_backward>, activations_.name};
  conv_kernels() = {&conv_forward, &conv_grad_input, &conv_grad_weight, conv_.name};
  pool_kernels() = {&avg_forward, &avg_backward, &max_forward, &max_backward, pool_.name};
  // A null entry stays null: the op then runs the kernels apart, and each is timed.
  fused_kernels() = {fused_.grad_weight_max_pool ? &grad_weight_max_pool : nullptr,
                     fused_.grad_weight_sigmoid_avg_pool ? &grad_weight_sigmoid_avg_pool : nullptr,
                     fused_.name};
}

KernelProfile::~KernelProfile() {
  kernels() = kernels_;
  activation_kernels() = activations_;
  conv_kernels() = conv_;
  pool_kernels() = pool_;
  fused_kernels() = fused_;
  delete g_state;
  g_state = nullptr;
}

std::vector<KernelRow> KernelProfile::rows() const {
  const std::lock_guard<std::mutex> lock(g_state->mutex);
  std::vector<KernelRow> out;
  for (const auto& [key, row] : g_state->rows) out.push_back(row);
  std::stable_sort(out.begin(), out.end(),
                   [](const KernelRow& a, const KernelRow& b) { return a.seconds > b.seconds; });
  return out;
}

void KernelProfile::reset() {
  const std::lock_guard<std::mutex> lock(g_state->mutex);
  g_state->rows.clear();
}

}  // namespace byo
