/// @file
/// @brief ch07_bench's "LeNet step": one training step of LeNet-5 through the fast kernels.
///
/// The model is built here from the layers of chapters 5 and 6 (chapter 8's models::LeNet5
/// is the same stack), so that this chapter can measure what its kernels buy a whole
/// training step: forward, cross-entropy, backward and an SGD step with momentum.
///
///     classic: Conv(1→6, 5, pad 2) Sigmoid AvgPool(2) Conv(6→16, 5) Sigmoid AvgPool(2)
///              Flatten Linear(400→120) Sigmoid Linear(120→84) Sigmoid Linear(84→10)
///     modern:  the same with ReLU and MaxPool(2)
///
/// Run with `--benchmark_filter=lenet_step`; `--profile_lenet_step[=classic|modern][,naive]`
/// instead prints the op profiler's table over 50 steps, with the fast kernels or chapter 6's
/// loops (see bench.cpp's main). The `without:` variants install the fast tables and then put
/// one speed-up's naive twin back, so the difference to the plain `fast` run is what that one
/// speed-up buys the step.
#include "bench_lenet_step.h"

#include <benchmark/benchmark.h>

#include <iostream>
#include <memory>
#include <string>

#include "byo/conv.h"
#include "byo/fast_kernels.h"
#include "byo/nn.h"
#include "byo/nn/conv.h"
#include "byo/ops.h"
#include "byo/optim.h"
#include "byo/profiler.h"
#include "byo/random.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using byo::nn::Conv2dOptions;
using byo::nn::LinearOptions;

std::shared_ptr<byo::nn::Sequential> lenet(bool modern, byo::Generator& gen) {
  auto activation = [modern]() -> std::shared_ptr<byo::nn::Module> {
    if (modern) return std::make_shared<byo::nn::ReLU>();
    return std::make_shared<byo::nn::Sigmoid>();
  };
  auto pool = [modern]() -> std::shared_ptr<byo::nn::Module> {
    if (modern) return std::make_shared<byo::nn::MaxPool2d>(2);
    return std::make_shared<byo::nn::AvgPool2d>(2);
  };
  auto net = std::make_shared<byo::nn::Sequential>();
  net->push_back(std::make_shared<byo::nn::Conv2d>(Conv2dOptions(1, 6, 5).padding(2), gen));
  net->push_back(activation());
  net->push_back(pool());
  net->push_back(std::make_shared<byo::nn::Conv2d>(Conv2dOptions(6, 16, 5), gen));
  net->push_back(activation());
  net->push_back(pool());
  net->push_back(std::make_shared<byo::nn::Flatten>());
  net->push_back(std::make_shared<byo::nn::Linear>(LinearOptions(400, 120), gen));
  net->push_back(activation());
  net->push_back(std::make_shared<byo::nn::Linear>(LinearOptions(120, 84), gen));
  net->push_back(activation());
  net->push_back(std::make_shared<byo::nn::Linear>(LinearOptions(84, 10), gen));
  return net;
}

// A model, a batch of random images and labels, and its optimizer.
struct Step {
  std::shared_ptr<byo::nn::Sequential> model;
  byo::Tensor images, labels;
  std::unique_ptr<byo::optim::SGD> sgd;

  Step(bool modern, int64_t batch) {
    byo::Generator gen(5);
    model = lenet(modern, gen);
    images = byo::Tensor(byo::NDArray::randn({batch, 1, 28, 28}, gen));
    byo::NDArray y = byo::NDArray::empty({batch});
    for (int64_t i = 0; i < batch; ++i) y.data()[i] = static_cast<float>(gen.below(10));
    labels = byo::Tensor(y);
    sgd = std::make_unique<byo::optim::SGD>(model->parameters(),
                                            byo::optim::SGDOptions(0.05).momentum(0.9));
  }

  float run() {
    sgd->zero_grad();
    const byo::Tensor loss = byo::cross_entropy(model->forward(images), labels);
    loss.backward();
    sgd->step();
    return loss.item();
  }
};

int set_threads(int threads) {
#ifdef _OPENMP
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  return before;
#else
  (void)threads;
  return 1;
#endif
}

// The speed-ups of this chapter, each one entry (or table) to put back to its naive twin.
struct Speedup {
  const char* name;
  void (*undo)();
};
const Speedup kSpeedups[] = {
    {"allocator",
     [] {
       byo::kernels().allocate = &byo::allocate_naive;
       byo::kernels().release = &byo::release_naive;
     }},
    {"sum_lanes", [] { byo::kernels().sum = &byo::sum_naive; }},
    {"copy_tiled", [] { byo::kernels().copy = &byo::copy_naive; }},
    {"activations", [] { byo::activation_kernels() = byo::naive_activation_kernels(); }},
    {"pooling", [] { byo::pool_kernels() = byo::naive_pool_kernels(); }},
    {"gemm", [] { byo::kernels().gemm = &byo::gemm_naive; }},
    {"conv", [] { byo::conv_kernels() = byo::naive_conv_kernels(); }},
};

// `undo` is null for the full fast set.
void run_lenet_step(benchmark::State& state, bool modern, int64_t batch, int threads, bool fast,
                    void (*undo)()) {
  const int threads_before = set_threads(threads);
  const byo::KernelsGuard tables(fast ? byo::KernelSet::fast : byo::KernelSet::naive);
  if (undo != nullptr) undo();
  Step step(modern, batch);
  step.run();  // first step: buffers allocated, momentum created
  for (auto _ : state) benchmark::DoNotOptimize(step.run());
  state.counters["images/s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()),
                                                  benchmark::Counter::kIsRate);
  set_threads(threads_before);
}

}  // namespace

void register_lenet_step_benchmarks() {
  for (const bool fast : {false, true}) {
    for (const int threads : {1, 2}) {
      if (!fast && threads > 1) continue;  // the loops are single-threaded
      const std::string kernels = fast ? "fast" : "naive";
      const std::string suffix = "/" + kernels + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(("lenet_step/classic/batch:128" + suffix).c_str(),
                                   run_lenet_step, false, 128, threads, fast, nullptr)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
      benchmark::RegisterBenchmark(("lenet_step/modern/batch:64" + suffix).c_str(), run_lenet_step,
                                   true, 64, threads, fast, nullptr)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  for (const Speedup& speedup : kSpeedups) {
    const std::string suffix = std::string("/without:") + speedup.name + "/threads:2";
    benchmark::RegisterBenchmark(("lenet_step/classic/batch:128" + suffix).c_str(), run_lenet_step,
                                 false, 128, 2, true, speedup.undo)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("lenet_step/modern/batch:64" + suffix).c_str(), run_lenet_step,
                                 true, 64, 2, true, speedup.undo)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

void profile_lenet_step(bool modern, int steps, bool naive) {
  const byo::KernelsGuard tables(naive ? byo::KernelSet::naive : byo::KernelSet::fast);
  const int64_t batch = modern ? 64 : 128;
  Step step(modern, batch);
  step.run();
  byo::profiler::reset();
  byo::profiler::enable(true);
  for (int i = 0; i < steps; ++i) step.run();
  byo::profiler::enable(false);
  std::cout << "LeNet " << (modern ? "modern" : "classic") << ", batch " << batch
            << (naive ? ", naive kernels, " : ", fast kernels, ") << steps << " steps:\n";
  byo::profiler::report(std::cout);
}
