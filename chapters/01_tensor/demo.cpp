/// @file
/// @brief ch01_demo: views share storage, strides say where elements live, and a strided
///        view that assumes the wrong layout silently computes the wrong thing.
#include <iostream>
#include <limits>

#include "byo/ndarray.h"

namespace {

void show(const char* title, const byo::NDArray& a) {
  std::cout << title << "  shape " << byo::shape_str(a.shape()) << "  strides "
            << byo::shape_str(a.strides()) << "  offset " << a.offset()
            << (a.is_contiguous() ? "  (contiguous)" : "") << "\n"
            << a << "\n\n";
}

// Max over the last two dimensions of a (H/2, W/2, 2, 2) window view.
byo::NDArray max_of_windows(const byo::NDArray& windows) {
  return windows.reduce({2, 3}, false, -std::numeric_limits<float>::infinity(),
                        [](float a, float b) { return a > b ? a : b; });
}

// 2x2 max pooling the way the original numpy project did it: a strided window view over
// the input's buffer, with strides computed from the shape, i.e. assuming row-major memory.
byo::NDArray max_pool_2x2_assuming_row_major(const byo::NDArray& x) {
  const int64_t h = x.size(0), w = x.size(1);
  const byo::NDArray windows(x.storage(), {h / 2, w / 2, 2, 2}, {2 * w, 2, w, 1}, x.offset());
  return max_of_windows(windows);
}

// The fix: build the window view from the strides the array actually has.
byo::NDArray max_pool_2x2(const byo::NDArray& x) {
  const int64_t s0 = x.strides()[0], s1 = x.strides()[1];
  const byo::NDArray windows(x.storage(), {x.size(0) / 2, x.size(1) / 2, 2, 2},
                             {2 * s0, 2 * s1, s0, s1}, x.offset());
  return max_of_windows(windows);
}

}  // namespace

int main() {
  std::cout << "== 1. An NDArray is storage + shape + strides + offset\n\n";
  const byo::NDArray a = byo::NDArray::arange(0, 6).reshape({2, 3});
  show("a = arange(6).reshape({2, 3})", a);

  std::cout << "== 2. Views share that storage; only shape, strides and offset change\n\n";
  const byo::NDArray t = a.transpose(0, 1);
  show("t = a.transpose(0, 1)", t);
  const byo::NDArray col = a.slice(1, 0, 3, 2);
  show("a.slice(1, 0, 3, 2): columns 0 and 2", col);
  show("a.select(0, 1): row 1", a.select(0, 1));
  show("a.unsqueeze(0)", a.unsqueeze(0));
  t.at({2, 1}) = 50.0f;  // element (1, 2) of a
  std::cout << "after t.at({2, 1}) = 50, a is\n" << a << "\n";
  std::cout << "a, t and the column view share one storage: use_count " << a.storage().use_count()
            << "\n\n";

  std::cout << "== 3. contiguous() copies only when it must\n\n";
  show("t.contiguous()", t.contiguous());
  std::cout << "a.contiguous() is a itself: "
            << (a.contiguous().storage() == a.storage() ? "yes" : "no") << "\n\n";

  std::cout << "== 4. map, zip, reduce\n\n";
  std::cout << "a.zip(t.transpose(0, 1), x + y) =\n"
            << a.zip(t.transpose(0, 1), [](float x, float y) { return x + y; }) << "\n";
  std::cout << "a.sum({0}) = " << a.sum({0}) << ",  a.mean({1}, keepdim) =\n"
            << a.mean({1}, true) << "\n";
  std::cout << "a.max() = " << a.max() << ",  a.argmax(1) = " << a.argmax(1) << "\n";
  std::cout << "matmul(a, t) (t is a strided view; no copy is made) =\n"
            << byo::matmul(a, t) << "\n\n";

  std::cout << "== 5. The pooling bug: a strided view that assumes row-major memory\n\n";
  // x is a 4x4 image whose buffer is column-major: numpy hands out such arrays after a
  // transpose, and they look exactly like any other array until you read their strides.
  const byo::NDArray x = byo::NDArray::arange(0, 16).reshape({4, 4}).transpose(0, 1);
  show("x (column-major buffer)", x);
  show("max_pool_2x2_assuming_row_major(x)   WRONG, silently", max_pool_2x2_assuming_row_major(x));
  show("max_pool_2x2_assuming_row_major(x.contiguous())",
       max_pool_2x2_assuming_row_major(x.contiguous()));
  show("max_pool_2x2(x) with x's real strides", max_pool_2x2(x));
  return 0;
}
