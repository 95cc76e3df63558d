/// @file
/// @brief ch03_bench: a broadcast add against the contiguous add of the same size.
///
/// Every case adds into a new [N,C,H,W] array; bytes/s counts the bytes the loop must
/// move (each input element read once, each output element written once), so a
/// broadcast add that keeps up with the contiguous one shows the same or higher GB/s.
#include <benchmark/benchmark.h>

#include <vector>

#include "byo/broadcast.h"
#include "byo/operators.h"

namespace {

using byo::NDArray;
using byo::Shape;

Shape nchw(const benchmark::State& state) {
  return {state.range(0), state.range(1), state.range(2), state.range(3)};
}

void report(benchmark::State& state, int64_t floats_read, int64_t floats_written) {
  state.SetBytesProcessed(state.iterations() * (floats_read + floats_written) *
                          static_cast<int64_t>(sizeof(float)));
}

// [N,C,H,W] + [N,C,H,W], both contiguous: the fast path, one flat loop.
void BM_AddContiguous(benchmark::State& state) {
  byo::Generator gen(0);
  const NDArray a = NDArray::randn(nchw(state), gen);
  const NDArray b = NDArray::randn(nchw(state), gen);
  for (auto _ : state) {
    NDArray c = a + b;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, 2 * a.numel(), a.numel());
}

// [N,C,H,W] + [1,C,1,1]: a per-channel bias, the plan [N, C, H*W] with a stride-0 inner row.
void BM_AddBroadcastBias(benchmark::State& state) {
  byo::Generator gen(0);
  const NDArray a = NDArray::randn(nchw(state), gen);
  const NDArray b = NDArray::randn({1, state.range(1), 1, 1}, gen);
  for (auto _ : state) {
    NDArray c = a + b;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, a.numel() + b.numel(), a.numel());
}

// [N,C,H,W] + [1,1,1,W]: a row broadcast down the other dimensions; the inner row is unit
// stride for both inputs.
void BM_AddBroadcastRow(benchmark::State& state) {
  byo::Generator gen(0);
  const NDArray a = NDArray::randn(nchw(state), gen);
  const NDArray b = NDArray::randn({1, 1, 1, state.range(3)}, gen);
  for (auto _ : state) {
    NDArray c = a + b;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, a.numel() + b.numel(), a.numel());
}

// [N,C,H,W] + 1.0f: the scalar case.
void BM_AddScalar(benchmark::State& state) {
  byo::Generator gen(0);
  const NDArray a = NDArray::randn(nchw(state), gen);
  for (auto _ : state) {
    NDArray c = a + 1.0f;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, a.numel(), a.numel());
}

// A transposed input (last two dims swapped) plus a contiguous one: inner stride W.
void BM_AddTransposed(benchmark::State& state) {
  byo::Generator gen(0);
  const Shape s = nchw(state);
  const NDArray a = NDArray::randn({s[0], s[1], s[3], s[2]}, gen).transpose(2, 3);
  const NDArray b = NDArray::randn(s, gen);
  for (auto _ : state) {
    NDArray c = a + b;
    benchmark::DoNotOptimize(c.data());
  }
  report(state, 2 * b.numel(), b.numel());
}

// The textbook loop the plan replaces: for every element, compute each input's address
// from the multi-index and the broadcast strides.
void BM_AddBroadcastBiasNaive(benchmark::State& state) {
  byo::Generator gen(0);
  const NDArray a = NDArray::randn(nchw(state), gen);
  const NDArray b = NDArray::randn({1, state.range(1), 1, 1}, gen);
  const Shape shape = byo::broadcast_shapes(a.shape(), b.shape());
  const byo::Strides sa = byo::broadcast_strides(a.shape(), a.strides(), shape);
  const byo::Strides sb = byo::broadcast_strides(b.shape(), b.strides(), shape);
  for (auto _ : state) {
    NDArray c = NDArray::empty(shape);
    float* out = c.data();
    std::vector<int64_t> index(shape.size(), 0);
    int64_t i = 0;
    do {
      out[i++] = a.data()[byo::offset_of(index, sa)] + b.data()[byo::offset_of(index, sb)];
    } while (byo::next_index(index, shape));
    benchmark::DoNotOptimize(c.data());
  }
  report(state, a.numel() + b.numel(), a.numel());
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Args({64, 16, 28, 28})->Args({64, 64, 32, 32})->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(BM_AddContiguous)->Apply(sizes);
BENCHMARK(BM_AddBroadcastBias)->Apply(sizes);
BENCHMARK(BM_AddBroadcastRow)->Apply(sizes);
BENCHMARK(BM_AddScalar)->Apply(sizes);
BENCHMARK(BM_AddTransposed)->Apply(sizes);
BENCHMARK(BM_AddBroadcastBiasNaive)->Apply(sizes);

BENCHMARK_MAIN();
