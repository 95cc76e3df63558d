/// @file
/// @brief The LeNet training-step benchmarks of ch07_bench (bench_lenet_step.cpp).
#pragma once

/// @brief Registers lenet_step/{classic,modern}/... with Google Benchmark.
void register_lenet_step_benchmarks();

/// @brief Prints the op profiler's table over `steps` training steps: classic at batch 128,
///        or modern at batch 64, with the fast kernels or (`naive`) chapter 6's loops.
void profile_lenet_step(bool modern, int steps, bool naive);
