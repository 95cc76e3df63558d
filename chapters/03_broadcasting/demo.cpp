/// @file
/// @brief ch03_demo: broadcasting shown with shapes and strides, stride 0 included.
#include <iomanip>
#include <iostream>
#include <string>

#include "byo/broadcast.h"
#include "byo/elementwise.h"
#include "byo/operators.h"

namespace {

// One line per array: its name, shape, strides, and whether it owns fresh storage.
void describe(const std::string& name, const byo::NDArray& a) {
  std::cout << "  " << std::left << std::setw(30) << name << " shape " << std::setw(14)
            << byo::shape_str(a.shape()) << " strides " << byo::shape_str(a.strides()) << "\n";
}

}  // namespace

int main() {
  using byo::NDArray;
  std::cout << "Broadcasting a column [3, 1] against a row [1, 4]\n";
  const NDArray col = NDArray::arange(0, 3).reshape({3, 1});
  const NDArray row = NDArray::arange(0, 4).reshape({1, 4}) * 10.0f;
  std::cout << "col = " << col << "\nrow = " << row << "\n";
  std::cout << "broadcast_shapes(" << byo::shape_str(col.shape()) << ", "
            << byo::shape_str(row.shape())
            << ") = " << byo::shape_str(byo::broadcast_shapes(col.shape(), row.shape())) << "\n\n";

  const NDArray col_view = byo::broadcast_to(col, {3, 4});
  const NDArray row_view = byo::broadcast_to(row, {3, 4});
  std::cout << "The stretched views copy nothing: a stretched dimension has stride 0\n";
  describe("col", col);
  describe("broadcast_to(col, [3, 4])", col_view);
  describe("row", row);
  describe("broadcast_to(row, [3, 4])", row_view);
  std::cout << "  same storage as col: " << std::boolalpha << (col_view.storage() == col.storage())
            << ", 12 elements over " << col.storage()->size() << " floats\n";
  std::cout << "broadcast_to(col, [3, 4]) = " << col_view << "\n";
  std::cout << "col + row = " << col + row << "\n\n";

  std::cout << "A per-channel bias: x [2, 3, 2, 2] + bias [1, 3, 1, 1]\n";
  const NDArray x = NDArray::ones({2, 3, 2, 2});
  const NDArray bias = NDArray::from_vector({0.1f, 0.2f, 0.3f}, {1, 3, 1, 1});
  describe("x", x);
  describe("bias", bias);
  describe("broadcast_to(bias, x.shape())", byo::broadcast_to(bias, x.shape()));
  const NDArray y = x + bias;
  describe("y = x + bias", y);
  std::cout << "y[1, 2] = " << y.select(0, 1).select(0, 2) << "\n\n";

  std::cout << "sum_to undoes the broadcast: the gradient of bias sums over N, H and W\n";
  const NDArray grad_y = NDArray::ones(y.shape());
  const NDArray grad_bias = byo::sum_to(grad_y, bias.shape());
  describe("grad_y", grad_y);
  describe("sum_to(grad_y, bias.shape())", grad_bias);
  std::cout << "sum_to(grad_y, [1, 3, 1, 1]) = " << grad_bias.reshape({3})
            << "  (each bias element was used 2*2*2 = 8 times)\n\n";

  std::cout << "Comparisons give 0/1 masks, which broadcast too\n";
  const NDArray z = NDArray::arange(-2, 3);
  std::cout << "z = " << z << "\nz > 0 = " << (z > 0.0f) << "\nrelu(z) = " << byo::relu(z)
            << "\nwhere(z > 0, z, 0.1 * z) = " << byo::where(z > 0.0f, z, 0.1f * z) << "\n";
  return 0;
}
