/// @file
/// @brief ch02_bench: what one node of a Scalar graph costs, in a chain and in an MLP step.
///
///     ./build/chapters/02_scalar_autograd/ch02_bench --benchmark_repetitions=5
///         --benchmark_report_aggregates_only=true
///
/// Each iteration builds a graph, runs backward() and frees the graph, so the counter
/// nodes/s covers a node's whole life. Timed in CPU time, which stays honest when other
/// programs share the cores.
#include <benchmark/benchmark.h>

#include <vector>

#include "byo/micro_nn.h"
#include "byo/moons.h"
#include "byo/scalar.h"

namespace {

using byo::scalar::Scalar;

// y = tanh(y) repeated: one node per operation, the longest graph for its size.
void BM_ChainTanh(benchmark::State& state) {
  const auto length = state.range(0);
  for (auto _ : state) {
    Scalar x = 0.5;
    Scalar y = x;
    for (int64_t i = 0; i < length; ++i) y = tanh(y);
    y.backward();
    benchmark::DoNotOptimize(x.grad());
  }
  state.counters["nodes/s"] = benchmark::Counter(static_cast<double>(length),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ChainTanh)->Arg(1000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// One step of the demo's training: forward on 100 points, hinge loss, backward.
void BM_MoonsStep(benchmark::State& state) {
  byo::Generator gen(0);
  const byo::scalar::Moons moons = byo::scalar::make_moons(100, 0.1, gen);
  const byo::scalar::MLP model(2, {16, 16, 1}, gen);
  const auto loss_of_model = [&] {
    std::vector<Scalar> scores;
    for (const auto& [x, y] : moons.points) {
      const std::vector<Scalar> input{x, y};
      scores.push_back(model(input)[0]);
    }
    return byo::scalar::hinge_loss(scores, moons.labels);
  };
  const size_t nodes = byo::scalar::topological_sort(loss_of_model().node()).size();
  for (auto _ : state) {
    const Scalar loss = loss_of_model();
    model.zero_grad();
    loss.backward();
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["nodes/s"] =
      benchmark::Counter(static_cast<double>(nodes), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MoonsStep)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
