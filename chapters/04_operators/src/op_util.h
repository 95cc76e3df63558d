// Small helpers shared by the op files (private to the chapter's sources).
#pragma once

#include <cstdint>
#include <vector>

#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/kernels.h"
#include "byo/ndarray.h"
#include "byo/tensor.h"

namespace byo::detail {

/// @brief Checks that `a` and `b` broadcast (NumPy's rule), naming `op` and both shapes.
inline void check_broadcastable(const char* op, const Shape& a, const Shape& b) {
  (void)broadcast_shapes(a, b, op);
}

/// @brief Checks that `t` is defined, naming the op.
inline void check_defined(const char* op, const Tensor& t) {
  BYO_CHECK(t.defined()) << op << ": undefined tensor";
}

/// @brief A 2-D NDArray as a strided matrix for the GEMM kernel.
inline ConstMatrixView as_matrix(const NDArray& a) {
  return {a.data(), a.size(0), a.size(1), a.strides()[0], a.strides()[1]};
}

/// @brief A writable 2-D NDArray as a strided matrix for the GEMM kernel.
inline MatrixView as_mutable_matrix(const NDArray& a) {
  return {a.data(), a.size(0), a.size(1), a.strides()[0], a.strides()[1]};
}

/// @brief `dims` normalised to [0, ndim) and sorted, without repeats; empty means all.
std::vector<int64_t> normalize_dims(const char* op, const std::vector<int64_t>& dims, int64_t ndim);

}  // namespace byo::detail
