/// @file
/// @brief The shape check shared by every rung of the GEMM ladder.
#include <ostream>

#include "byo/check.h"
#include "byo/gemm.h"

namespace byo {

namespace {
// Prints "(rows, cols)" into an error message.
struct Dims {
  int64_t rows, cols;
};
std::ostream& operator<<(std::ostream& os, Dims d) {
  return os << "(" << d.rows << ", " << d.cols << ")";
}
Dims dims(int64_t rows, int64_t cols) { return {rows, cols}; }
}  // namespace

void check_gemm_shapes(const char* op, ConstMatrixView a, ConstMatrixView b, MatrixView c) {
  BYO_CHECK(a.rows >= 0 && a.cols >= 0 && b.rows >= 0 && b.cols >= 0 && c.rows >= 0 && c.cols >= 0)
      << op << ": negative size: A is " << dims(a.rows, a.cols) << ", B is " << dims(b.rows, b.cols)
      << ", C is " << dims(c.rows, c.cols);
  BYO_CHECK(a.cols == b.rows && c.rows == a.rows && c.cols == b.cols)
      << op << ": A is " << dims(a.rows, a.cols) << ", B is " << dims(b.rows, b.cols) << ", C is "
      << dims(c.rows, c.cols) << "; need A (M,K), B (K,N), C (M,N)";
  // Two elements of C in one float would be written twice (by two threads in rung 5).
  BYO_CHECK((c.rows <= 1 || c.row_stride != 0) && (c.cols <= 1 || c.col_stride != 0))
      << op << ": C " << dims(c.rows, c.cols) << " has a zero stride (row_stride " << c.row_stride
      << ", col_stride " << c.col_stride << "); C must not overlap itself";
  const bool empty_a = a.rows == 0 || a.cols == 0;
  const bool empty_b = b.rows == 0 || b.cols == 0;
  const bool empty_c = c.rows == 0 || c.cols == 0;
  BYO_CHECK((empty_a || a.data) && (empty_b || b.data) && (empty_c || c.data))
      << op << ": null data pointer for a non-empty matrix";
}

}  // namespace byo
