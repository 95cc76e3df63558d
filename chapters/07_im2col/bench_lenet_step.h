/// @file
/// @brief The LeNet training-step benchmarks of ch07_bench (bench_lenet_step.cpp).
#pragma once

/// @brief Registers lenet_step/{classic,modern}/... with Google Benchmark.
void register_lenet_step_benchmarks();

/// @brief Prints the op profiler's table over `steps` classic steps at batch 128.
void profile_lenet_step(int steps);
