/// @file
/// @brief ch01_bench: zip add and reduce sum over 16M floats, NDArray vs a plain loop.
///
/// Every benchmark reports "GB/s": bytes read plus bytes written per second (decimal GB).
/// 16M floats are 64 MB per operand, far beyond the caches, so the ceiling is the memory
/// bandwidth. Each pair runs the NDArray primitive and a hand-written loop over the same
/// buffers, side by side in one run. Run: ./build/chapters/01_tensor/ch01_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "byo/ndarray.h"

namespace {

constexpr int64_t kN = int64_t{1} << 24;     // 16M floats
constexpr int64_t kSide = int64_t{1} << 12;  // 4096 x 4096 = 16M, for the strided cases

// The two inputs, made once and shared by every benchmark.
const byo::NDArray& input(int which) {
  static byo::Generator gen(1);
  static const byo::NDArray a = byo::NDArray::rand({kN}, gen);
  static const byo::NDArray b = byo::NDArray::rand({kN}, gen);
  return which == 0 ? a : b;
}

void report(benchmark::State& state, int64_t bytes_per_iteration) {
  state.counters["GB/s"] = benchmark::Counter(
      static_cast<double>(bytes_per_iteration) * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
}

// --- zip add: out = a + b; reads 2 arrays, writes 1 -------------------------------------

void BM_ZipAdd_NDArray(benchmark::State& state) {
  const byo::NDArray& a = input(0);
  const byo::NDArray& b = input(1);
  for (auto _ : state) {
    byo::NDArray out = a.zip(b, [](float x, float y) { return x + y; });
    benchmark::DoNotOptimize(out.data());
  }
  report(state, 3 * kN * 4);
}

// The same loop by hand, with a fresh output each time as zip has: a fair comparison.
void BM_ZipAdd_PlainLoop(benchmark::State& state) {
  const float* x = input(0).data();
  const float* y = input(1).data();
  for (auto _ : state) {
    std::unique_ptr<float, decltype(&std::free)> out(
        static_cast<float*>(std::aligned_alloc(64, kN * sizeof(float))), &std::free);
    float* o = out.get();
    for (int64_t i = 0; i < kN; ++i) o[i] = x[i] + y[i];
    benchmark::DoNotOptimize(o);
  }
  report(state, 3 * kN * 4);
}

// The loop alone: the output buffer is allocated once, so its pages are already mapped.
void BM_ZipAdd_PlainLoopPreallocated(benchmark::State& state) {
  const float* x = input(0).data();
  const float* y = input(1).data();
  std::unique_ptr<float, decltype(&std::free)> out(
      static_cast<float*>(std::aligned_alloc(64, kN * sizeof(float))), &std::free);
  float* o = out.get();
  for (auto _ : state) {
    for (int64_t i = 0; i < kN; ++i) o[i] = x[i] + y[i];
    benchmark::DoNotOptimize(o);
    benchmark::ClobberMemory();
  }
  report(state, 3 * kN * 4);
}

// A transposed operand: the strided path (odometer + inner loop with stride 4096).
void BM_ZipAdd_NDArrayTransposed(benchmark::State& state) {
  const byo::NDArray a = input(0).view({kSide, kSide}).transpose(0, 1);
  const byo::NDArray b = input(1).view({kSide, kSide});
  for (auto _ : state) {
    byo::NDArray out = a.zip(b, [](float x, float y) { return x + y; });
    benchmark::DoNotOptimize(out.data());
  }
  report(state, 3 * kN * 4);
}

// --- reduce sum: reads 1 array --------------------------------------------------------

void BM_Sum_NDArray(benchmark::State& state) {
  const byo::NDArray& a = input(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.sum().item());
  }
  report(state, kN * 4);
}

// The textbook loop: one accumulator, so every add waits for the one before.
void BM_Sum_PlainLoop(benchmark::State& state) {
  const float* x = input(0).data();
  for (auto _ : state) {
    float s = 0.0f;
    for (int64_t i = 0; i < kN; ++i) s += x[i];
    benchmark::DoNotOptimize(s);
  }
  report(state, kN * 4);
}

// Sum over rows of a 4096 x 4096 matrix: the inner loop maps a row onto a row of results.
void BM_SumDim0_NDArray(benchmark::State& state) {
  const byo::NDArray a = input(0).view({kSide, kSide});
  for (auto _ : state) {
    byo::NDArray s = a.sum({0});
    benchmark::DoNotOptimize(s.data());
  }
  report(state, kN * 4);
}

// Sum of a transposed matrix: the strided fold (stride 4096 in the inner loop).
void BM_Sum_NDArrayTransposed(benchmark::State& state) {
  const byo::NDArray a = input(0).view({kSide, kSide}).transpose(0, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.sum().item());
  }
  report(state, kN * 4);
}

}  // namespace

// Five repetitions each; the README quotes the medians.
#define BYO_BENCH(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true)

BYO_BENCH(BM_ZipAdd_NDArray);
BYO_BENCH(BM_ZipAdd_PlainLoop);
BYO_BENCH(BM_ZipAdd_PlainLoopPreallocated);
BYO_BENCH(BM_ZipAdd_NDArrayTransposed);
BYO_BENCH(BM_Sum_NDArray);
BYO_BENCH(BM_Sum_PlainLoop);
BYO_BENCH(BM_SumDim0_NDArray);
BYO_BENCH(BM_Sum_NDArrayTransposed);

BENCHMARK_MAIN();
