/// @file
/// @brief The process around training: OpenMP threads and peak memory.
#pragma once

#include <cstdint>

namespace byo::lenet {

/// @brief Sets the number of OpenMP threads (n ≥ 1); without OpenMP only 1 is accepted.
void set_num_threads(int n);
/// @brief The number of threads the kernels will use.
int num_threads();
/// @brief The process's peak resident memory so far, in bytes (getrusage's ru_maxrss).
int64_t peak_memory_bytes();

}  // namespace byo::lenet
