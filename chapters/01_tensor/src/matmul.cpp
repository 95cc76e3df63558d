/// @file
/// @brief `matmul`: shape checks, then one call of the installed GEMM kernel per matrix.
#include "byo/kernels.h"
#include "byo/ndarray.h"

namespace byo {

namespace {

// The last two dimensions of `x`, with the batch index already folded into `offset`.
ConstMatrixView matrix_of(const NDArray& x, int64_t offset) {
  const int64_t nd = x.dim();
  return {x.storage()->data() + offset, x.shape()[nd - 2], x.shape()[nd - 1], x.strides()[nd - 2],
          x.strides()[nd - 1]};
}

}  // namespace

NDArray matmul(const NDArray& a, const NDArray& b) {
  BYO_CHECK(a.defined() && b.defined()) << "matmul: undefined array";
  BYO_CHECK(a.dim() >= 2 && b.dim() >= 2)
      << "matmul: needs matrices (2-D) or batches of them, got shapes " << shape_str(a.shape())
      << " and " << shape_str(b.shape());
  const int64_t nd = a.dim();
  const Shape batch(a.shape().begin(), a.shape().end() - 2);
  BYO_CHECK(b.dim() == nd && Shape(b.shape().begin(), b.shape().end() - 2) == batch)
      << "matmul: batch dimensions of " << shape_str(a.shape()) << " and " << shape_str(b.shape())
      << " differ (matmul here does not broadcast)";
  const int64_t m = a.size(-2);
  const int64_t k = a.size(-1);
  const int64_t n = b.size(-1);
  BYO_CHECK(b.size(-2) == k) << "matmul: shapes " << shape_str(a.shape()) << " and "
                             << shape_str(b.shape()) << " cannot be multiplied (" << k
                             << " columns vs " << b.size(-2) << " rows)";

  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  NDArray out = NDArray::empty(out_shape);
  if (out.numel() == 0) return out;

  // Walk the batch with an odometer; each matrix is a strided view of its operand, so a
  // transposed or sliced input goes to the kernel as it is, without a copy.
  const Strides a_batch(a.strides().begin(), a.strides().end() - 2);
  const Strides b_batch(b.strides().begin(), b.strides().end() - 2);
  std::vector<int64_t> index(batch.size(), 0);
  int64_t item = 0;
  do {
    const ConstMatrixView av = matrix_of(a, offset_of(index, a_batch, a.offset()));
    const ConstMatrixView bv = matrix_of(b, offset_of(index, b_batch, b.offset()));
    const MatrixView cv{out.data() + item * m * n, m, n, n, 1};
    kernels().gemm(av, bv, cv, /*accumulate=*/false);
    ++item;
  } while (next_index(index, batch));
  return out;
}

}  // namespace byo
