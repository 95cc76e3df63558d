/// @file
/// @brief ch07_bench: GFLOP/s of every rung of the GEMM ladder, beside OpenBLAS if installed.
///
///     ./build/chapters/07_im2col/ch07_bench --benchmark_repetitions=5
///         --benchmark_report_aggregates_only=true     (one line)
///
/// Square sizes 256, 512, 1024 and the GEMMs of one LeNet training step at batch 128.
/// Counter GFLOP/s = 2·M·N·K / seconds. Single-threaded runs are timed in CPU time of the
/// calling thread, which stays honest when other programs share the cores; the
/// multi-threaded runs (gemm_parallel, OpenBLAS with 2 threads) in wall-clock time,
/// since their other threads' CPU time is not counted. On an idle machine the two agree
/// for a single thread.
#include <benchmark/benchmark.h>

#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench_lenet_step.h"
#include "byo/conv_gemm.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "byo/im2col.h"
#include "byo/ndarray.h"
#include "byo/pool_fast.h"
#include "byo/random.h"

#ifdef BYO_HAVE_OPENBLAS
#include <cblas.h>
#include <unistd.h>

#include <cstdlib>
#endif

namespace {

struct Problem {
  std::string name;
  int64_t m, n, k;
  bool b_transposed;          // B given as a view of an (N, K) buffer, as Linear's weight is
  bool a_transposed = false;  // A given as a view of a (K, M) buffer
};

struct Operands {
  std::vector<float> a, b, c;
  explicit Operands(const Problem& p) {
    byo::Generator gen(42);
    auto fill = [&](std::vector<float>& v, int64_t size) {
      v.resize(static_cast<size_t>(size));
      for (float& x : v) x = static_cast<float>(gen.uniform(-1.0, 1.0));
    };
    fill(a, p.m * p.k);
    fill(b, p.k * p.n);
    fill(c, p.m * p.n);
  }
  byo::ConstMatrixView a_view(const Problem& p) const {
    return p.a_transposed ? byo::ConstMatrixView{a.data(), p.m, p.k, 1, p.m}
                          : byo::ConstMatrixView{a.data(), p.m, p.k, p.k, 1};
  }
  byo::ConstMatrixView b_view(const Problem& p) const {
    return p.b_transposed ? byo::ConstMatrixView{b.data(), p.k, p.n, 1, p.k}
                          : byo::ConstMatrixView{b.data(), p.k, p.n, p.n, 1};
  }
  byo::MatrixView c_view(const Problem& p) { return {c.data(), p.m, p.n, p.n, 1}; }
};

void set_gflops(benchmark::State& state, const Problem& p) {
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(p.m * p.n * p.k) * 1e-9 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void run_rung(benchmark::State& state, byo::GemmKernel gemm, const Problem& p) {
  Operands ops(p);
  for (auto _ : state) {
    gemm(ops.a_view(p), ops.b_view(p), ops.c_view(p), false);
    benchmark::DoNotOptimize(ops.c.data());
    benchmark::ClobberMemory();
  }
  set_gflops(state, p);
}

#ifdef BYO_HAVE_OPENBLAS
// OpenBLAS chooses its kernels by CPU model when it is loaded, and Debian's 0.3.21 gives a
// model newer than it knows its generic SSE3 kernels: on an AVX-512 Xeon, 32 GFLOP/s
// instead of about 150. A yardstick must be the best OpenBLAS can do, so when its choice
// (named in openblas_get_config()) does not use the CPU's widest vectors, the program
// sets OPENBLAS_CORETYPE and starts itself again. A value already set is left alone.
void choose_openblas_kernels(char** argv) {
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  struct Choice {
    const char* core;                 // what to ask for
    std::vector<std::string> enough;  // choices of OpenBLAS's own that are as good
  };
  const Choice choice =
      __builtin_cpu_supports("avx512f")
          ? Choice{"SkylakeX", {"SkylakeX", "Cooperlake", "SapphireRapids"}}
      : __builtin_cpu_supports("avx2")
          ? Choice{"Haswell", {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"}}
          : Choice{nullptr, {}};
  if (choice.core == nullptr) return;
  const std::string config = openblas_get_config();
  for (const std::string& core : choice.enough) {
    if (config.find(" " + core + " ") != std::string::npos) return;
  }
  setenv("OPENBLAS_CORETYPE", choice.core, 1);
  execv("/proc/self/exe", argv);  // returns only if it failed: keep OpenBLAS's own choice
#else
  (void)argv;
#endif
}

void run_openblas(benchmark::State& state, int threads, const Problem& p) {
  openblas_set_num_threads(threads);
  Operands ops(p);
  const auto m = static_cast<int>(p.m), n = static_cast<int>(p.n), k = static_cast<int>(p.k);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, p.a_transposed ? CblasTrans : CblasNoTrans,
                p.b_transposed ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, ops.a.data(),
                p.a_transposed ? m : k, ops.b.data(), p.b_transposed ? k : n, 0.0f, ops.c.data(),
                n);
    benchmark::DoNotOptimize(ops.c.data());
    benchmark::ClobberMemory();
  }
  set_gflops(state, p);
}
#endif

void run_im2col(benchmark::State& state, const byo::ConvGeometry& g) {
  std::vector<float> x(static_cast<size_t>(byo::numel(g.input_shape())), 0.5f);
  std::vector<float> col(static_cast<size_t>(byo::col_rows(g) * byo::col_cols(g)));
  for (auto _ : state) {
    byo::im2col(x, g, col);
    benchmark::DoNotOptimize(col.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(col.size() * sizeof(float)));
}

void run_col2im(benchmark::State& state, const byo::ConvGeometry& g) {
  std::vector<float> x(static_cast<size_t>(byo::numel(g.input_shape())));
  std::vector<float> col(static_cast<size_t>(byo::col_rows(g) * byo::col_cols(g)), 0.5f);
  for (auto _ : state) {
    byo::col2im(col, g, x);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(col.size() * sizeof(float)));
}

// The three passes of a convolution layer.
enum class Pass { forward, grad_input, grad_weight };

// One convolution layer's inputs (random) and outputs, and its passes with a set of kernels.
struct ConvLayer {
  byo::ConvGeometry g;
  byo::NDArray x, w, b, gout, out, gx, gw, gb;

  explicit ConvLayer(const byo::ConvGeometry& geometry) : g(geometry) {
    byo::Generator gen(0);
    x = byo::NDArray::randn(g.input_shape(), gen);
    w = byo::NDArray::randn(g.weight_shape(), gen);
    b = byo::NDArray::randn({g.out_channels}, gen);
    gout = byo::NDArray::randn(g.output_shape(), gen);
    out = byo::NDArray::empty(g.output_shape());
    gx = byo::NDArray::empty(g.input_shape());
    gw = byo::NDArray::empty(g.weight_shape());
    gb = byo::NDArray::empty({g.out_channels});
  }

  void run(const byo::ConvKernels& kernels, Pass pass) {
    switch (pass) {
      case Pass::forward:
        kernels.forward(g, x.data(), w.data(), b.data(), out.data());
        break;
      case Pass::grad_input:
        kernels.grad_input(g, gout.data(), w.data(), gx.data());
        break;
      case Pass::grad_weight:
        kernels.grad_weight(g, x.data(), gout.data(), gw.data(), gb.data());
        break;
    }
  }
};

// One convolution layer's forward and backward (grad input, grad weight and bias) with a
// set of kernels: what one training step costs that layer.
void run_conv(benchmark::State& state, byo::ConvKernels kernels, byo::ConvGeometry g) {
  ConvLayer layer(g);
  for (auto _ : state) {
    for (const Pass pass : {Pass::forward, Pass::grad_input, Pass::grad_weight}) {
      layer.run(kernels, pass);
    }
    benchmark::ClobberMemory();
  }
  // Three GEMM-sized passes of 2·N·K·P·Q·C·R·S flops each.
  const double flops = 3.0 * 2.0 * static_cast<double>(byo::numel(g.output_shape())) *
                       static_cast<double>(g.in_channels * g.kernel_h * g.kernel_w);
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

// One of the three passes alone, to see where a layer's time goes.
void run_conv_pass(benchmark::State& state, byo::ConvKernels kernels, byo::ConvGeometry g,
                   Pass pass) {
  ConvLayer layer(g);
  for (auto _ : state) {
    layer.run(kernels, pass);
    benchmark::ClobberMemory();
  }
}

// LeNet's first-layer weight gradient on one replica's shard, from the gradient of the
// pooling after it: the pooling's (and the sigmoid's) backward writing grad_z and the
// weight gradient reading it, or the fused kernel (byo/fused_kernels.h).
void run_first_layer_grad_weight(benchmark::State& state, bool sigmoid, bool fused, int64_t batch) {
  const byo::KernelsGuard tables(byo::KernelSet::fast);  // grad_z from the buffer cache
  const byo::ConvGeometry g =
      byo::conv2d_geometry({batch, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2});
  const byo::ConvGeometry pool =
      byo::pool2d_geometry(g.output_shape(), {2, 2}, {2, 2}, {0, 0}, "bench");
  byo::Generator gen(5);
  const byo::NDArray x = byo::NDArray::randn(g.input_shape(), gen);
  const byo::NDArray w = byo::NDArray::randn(g.weight_shape(), gen);
  const byo::NDArray grad = byo::NDArray::randn(pool.output_shape(), gen);
  byo::NDArray z = byo::NDArray::empty(g.output_shape());
  byo::conv2d_forward_gemm(g, x.data(), w.data(), nullptr, z.data());
  byo::NDArray pooled = byo::NDArray::empty(pool.output_shape());
  std::vector<int64_t> winners(static_cast<size_t>(pooled.numel()));
  if (sigmoid) {
    byo::sigmoid_fast(z.data(), z.data(), z.numel());  // z now holds y = σ(z)
  } else {
    byo::max_pool2d_forward_fast(pool, z.data(), pooled.data(), winners.data());
  }
  std::vector<float> grad_w(150), grad_bias(6);
  for (auto _ : state) {
    if (fused && sigmoid) {
      byo::conv2d_grad_weight_sigmoid_avg_pool_fast(g, x.data(), {pool, grad.data(), z.data()},
                                                    grad_w.data(), grad_bias.data());
    } else if (fused) {
      byo::conv2d_grad_weight_max_pool_fast(g, x.data(), {pool, grad.data(), winners.data()},
                                            grad_w.data(), grad_bias.data());
    } else {
      const byo::NDArray grad_z = byo::NDArray::empty(g.output_shape());
      if (sigmoid) {
        byo::avg_pool2d_backward_fast(pool, grad.data(), grad_z.data());
        byo::sigmoid_backward_fast(grad_z.data(), z.data(), grad_z.data(), grad_z.numel());
      } else {
        byo::max_pool2d_backward_fast(pool, grad.data(), winners.data(), grad_z.data());
      }
      byo::conv2d_grad_weight_gemm(g, x.data(), grad_z.data(), grad_w.data(), grad_bias.data());
    }
    benchmark::ClobberMemory();
  }
}

}  // namespace

int main(int argc, char** argv) {
#ifdef BYO_HAVE_OPENBLAS
  choose_openblas_kernels(argv);
  // The context lines above the results (and the JSON) name the kernels that ran.
  benchmark::AddCustomContext("openblas", openblas_get_config());
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  benchmark::AddCustomContext("OPENBLAS_CORETYPE", coretype != nullptr ? coretype : "unset");
#endif
  struct Rung {
    const char* name;
    byo::GemmKernel gemm;
  };
  const Rung rungs[] = {{"naive", byo::gemm_naive},
                        {"loop_order", byo::gemm_loop_order},
                        {"blocked", byo::gemm_blocked},
                        {"packed", byo::gemm_packed},
                        {"parallel", byo::gemm_parallel}};
  // LeNet at batch 128, as GEMMs: conv1 forward is weight (6, 1·5·5) · col (25, 128·28·28),
  // conv2 forward is (16, 6·5·5) · (150, 128·10·10) (or one product per image, or per
  // block of four, as conv_gemm.cpp makes them), and fc1 (Linear 400→120) is
  // x (128, 400) · Wᵀ with W stored (120, 400). The backward pass of a convolution is two
  // more GEMMs: grad_weight = grad_out (K, N·P·Q) · colᵀ, with col stored (C·R·S, N·P·Q),
  // and grad_col = weightᵀ · grad_out, with weight stored (K, C·R·S).
  const std::vector<Problem> problems = {{"256", 256, 256, 256, false},
                                         {"512", 512, 512, 512, false},
                                         {"1024", 1024, 1024, 1024, false},
                                         {"lenet_conv1", 6, 128 * 28 * 28, 25, false},
                                         {"lenet_conv2", 16, 128 * 10 * 10, 150, false},
                                         {"lenet_conv2_1_image", 16, 10 * 10, 150, false},
                                         {"lenet_conv2_4_images", 16, 4 * 10 * 10, 150, false},
                                         {"lenet_fc1", 128, 120, 400, true},
                                         {"lenet_conv1_dW", 6, 25, 128 * 28 * 28, true},
                                         {"lenet_conv1_dcol", 25, 128 * 28 * 28, 6, false, true},
                                         {"lenet_conv2_dW", 16, 150, 128 * 10 * 10, true},
                                         {"lenet_conv2_dcol", 150, 128 * 10 * 10, 16, false, true}};

  for (const Problem& p : problems) {
    for (const Rung& rung : rungs) {
      // The naive loop needs seconds per 1024³ product: it is left out there.
      if (std::string(rung.name) == "naive" && p.name == "1024") continue;
      auto* bench = benchmark::RegisterBenchmark(("gemm/" + p.name + "/" + rung.name).c_str(),
                                                 run_rung, rung.gemm, p);
      bench->Unit(benchmark::kMillisecond);
      if (rung.gemm == byo::gemm_parallel) bench->UseRealTime();
    }
    if (p.b_transposed && !p.a_transposed) {  // B's columns contiguous: dot products apply
      benchmark::RegisterBenchmark(("gemm/" + p.name + "/dot").c_str(), run_rung, byo::gemm_dot, p)
          ->Unit(benchmark::kMillisecond);
    }
#ifdef BYO_HAVE_OPENBLAS
    for (int threads : {1, 2}) {
      auto* bench = benchmark::RegisterBenchmark(
          ("gemm/" + p.name + "/openblas_" + std::to_string(threads) + "t").c_str(), run_openblas,
          threads, p);
      bench->Unit(benchmark::kMillisecond);
      if (threads > 1) bench->UseRealTime();
    }
#endif
  }
  const byo::ConvGeometry conv1 =
      byo::conv2d_geometry({128, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2});
  const byo::ConvGeometry conv2 =
      byo::conv2d_geometry({128, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0});
  benchmark::RegisterBenchmark("im2col/lenet_conv1", run_im2col, conv1)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("im2col/lenet_conv2", run_im2col, conv2)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("col2im/lenet_conv1", run_col2im, conv1)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("col2im/lenet_conv2", run_col2im, conv2)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();

  // Convolution forward + backward at LeNet's two layers, batch 128: chapter 6's loops
  // against im2col + GEMM (both through the same kernel-table interface).
  const byo::ConvGeometry lenet1 =
      byo::conv2d_geometry({128, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2});
  const byo::ConvGeometry lenet2 =
      byo::conv2d_geometry({128, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0});
  for (const auto& [name, g] :
       {std::pair{"lenet_conv1", lenet1}, std::pair{"lenet_conv2", lenet2}}) {
    benchmark::RegisterBenchmark((std::string("conv2d_fwd_bwd/") + name + "/naive").c_str(),
                                 run_conv, byo::naive_conv_kernels(), g)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark((std::string("conv2d_fwd_bwd/") + name + "/im2col_gemm").c_str(),
                                 run_conv, byo::fast_conv_kernels(), g)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    for (const auto& [pass_name, pass] :
         {std::pair{"forward", Pass::forward}, std::pair{"grad_input", Pass::grad_input},
          std::pair{"grad_weight", Pass::grad_weight}}) {
      benchmark::RegisterBenchmark(
          (std::string("conv2d_pass/") + name + "/" + pass_name + "/im2col_gemm").c_str(),
          run_conv_pass, byo::fast_conv_kernels(), g, pass)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }

  for (const bool sigmoid : {false, true}) {
    for (const int64_t batch : {32, 64}) {
      for (const bool fused : {false, true}) {
        const std::string name = std::string("first_layer_grad_weight/") +
                                 (sigmoid ? "sigmoid_avg_pool/" : "max_pool/") +
                                 std::to_string(batch) + (fused ? "/fused" : "/apart");
        benchmark::RegisterBenchmark(name.c_str(), run_first_layer_grad_weight, sigmoid, fused,
                                     batch)
            ->Unit(benchmark::kMicrosecond)
            ->UseRealTime();
      }
    }
  }

  register_lenet_step_benchmarks();

  // --profile_lenet_step[=WORDS]: the op profiler's table of LeNet training steps, then
  // exit. WORDS, separated by commas: classic (the default) or modern, and naive for
  // chapter 6's loops instead of the fast kernels.
  const std::string flag = "--profile_lenet_step";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg != flag && arg.rfind(flag + "=", 0) != 0) continue;
    bool modern = false, naive = false;
    std::stringstream words(arg.size() > flag.size() ? arg.substr(flag.size() + 1) : "");
    for (std::string word; std::getline(words, word, ',');) {
      if (word == "classic" || word == "modern") {
        modern = word == "modern";
      } else if (word == "naive") {
        naive = true;
      } else {
        std::cerr << "ch07_bench: " << arg << ": unknown word '" << word
                  << "' (use classic or modern, and naive)\n";
        return 1;
      }
    }
    profile_lenet_step(modern, 50, naive);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
