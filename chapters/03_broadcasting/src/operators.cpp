/// @file
/// @brief The operators: each one line over `elementwise`, the chapter's single loop.
#include "byo/operators.h"

#include <string_view>

#include "byo/broadcast.h"
#include "byo/elementwise_loop.h"

namespace byo {
namespace {

// Comparisons yield masks of 0/1 floats.
float mask(bool b) { return b ? 1.0f : 0.0f; }

// Checks that `a` can take the result of `a op b` in place (`b_shape` broadcasts to a).
void check_in_place(std::string_view op, const NDArray& a, const Shape& b_shape) {
  BYO_CHECK(a.defined()) << op << ": the array updated in place is undefined";
  BYO_CHECK(is_broadcastable_to(b_shape, a.shape()))
      << op << ": shape " << shape_str(b_shape) << " does not broadcast to the shape "
      << shape_str(a.shape()) << " of the array updated in place";
  for (int64_t d = 0; d < a.dim(); ++d) {
    BYO_CHECK(a.strides()[d] != 0 || a.shape()[d] <= 1)
        << op << ": cannot write in place into a broadcast view of shape " << shape_str(a.shape())
        << " and strides " << shape_str(a.strides()) << ": dimension " << d
        << " has stride 0, so its elements share one storage slot";
  }
}

// a = f(a, b) in place: straight into a's storage when it is contiguous and b cannot be
// overwritten under our feet, otherwise through a temporary.
template <typename F>
NDArray& update(std::string_view op, NDArray& a, const NDArray& b, F f) {
  BYO_CHECK(b.defined()) << op << ": the right-hand array is undefined";
  check_in_place(op, a, b.shape());
  if (a.is_contiguous() && b.storage() != a.storage()) {
    elementwise_into(op, a, f, a, b);
  } else {
    a.copy_(elementwise(op, f, a, b));
  }
  return a;
}

// a = f(a) in place.
template <typename F>
NDArray& update(std::string_view op, NDArray& a, F f) {
  check_in_place(op, a, {});
  if (a.is_contiguous()) {
    elementwise_into(op, a, f, a);
  } else {
    a.copy_(elementwise(op, f, a));
  }
  return a;
}

}  // namespace

NDArray operator+(const NDArray& a, const NDArray& b) {
  return elementwise(
      "add", [](float x, float y) { return x + y; }, a, b);
}
NDArray operator+(const NDArray& a, float s) {
  return elementwise(
      "add", [s](float x) { return x + s; }, a);
}
NDArray operator+(float s, const NDArray& a) {
  return elementwise(
      "add", [s](float x) { return s + x; }, a);
}
NDArray operator-(const NDArray& a, const NDArray& b) {
  return elementwise(
      "sub", [](float x, float y) { return x - y; }, a, b);
}
NDArray operator-(const NDArray& a, float s) {
  return elementwise(
      "sub", [s](float x) { return x - s; }, a);
}
NDArray operator-(float s, const NDArray& a) {
  return elementwise(
      "sub", [s](float x) { return s - x; }, a);
}
NDArray operator*(const NDArray& a, const NDArray& b) {
  return elementwise(
      "mul", [](float x, float y) { return x * y; }, a, b);
}
NDArray operator*(const NDArray& a, float s) {
  return elementwise(
      "mul", [s](float x) { return x * s; }, a);
}
NDArray operator*(float s, const NDArray& a) {
  return elementwise(
      "mul", [s](float x) { return s * x; }, a);
}
NDArray operator/(const NDArray& a, const NDArray& b) {
  return elementwise(
      "div", [](float x, float y) { return x / y; }, a, b);
}
NDArray operator/(const NDArray& a, float s) {
  return elementwise(
      "div", [s](float x) { return x / s; }, a);
}
NDArray operator/(float s, const NDArray& a) {
  return elementwise(
      "div", [s](float x) { return s / x; }, a);
}
NDArray operator-(const NDArray& a) {
  return elementwise(
      "neg", [](float x) { return -x; }, a);
}

NDArray operator==(const NDArray& a, const NDArray& b) {
  return elementwise(
      "eq", [](float x, float y) { return mask(x == y); }, a, b);
}
NDArray operator==(const NDArray& a, float s) {
  return elementwise(
      "eq", [s](float x) { return mask(x == s); }, a);
}
NDArray operator==(float s, const NDArray& a) {
  return elementwise(
      "eq", [s](float x) { return mask(s == x); }, a);
}
NDArray operator!=(const NDArray& a, const NDArray& b) {
  return elementwise(
      "ne", [](float x, float y) { return mask(x != y); }, a, b);
}
NDArray operator!=(const NDArray& a, float s) {
  return elementwise(
      "ne", [s](float x) { return mask(x != s); }, a);
}
NDArray operator!=(float s, const NDArray& a) {
  return elementwise(
      "ne", [s](float x) { return mask(s != x); }, a);
}
NDArray operator<(const NDArray& a, const NDArray& b) {
  return elementwise(
      "lt", [](float x, float y) { return mask(x < y); }, a, b);
}
NDArray operator<(const NDArray& a, float s) {
  return elementwise(
      "lt", [s](float x) { return mask(x < s); }, a);
}
NDArray operator<(float s, const NDArray& a) {
  return elementwise(
      "lt", [s](float x) { return mask(s < x); }, a);
}
NDArray operator<=(const NDArray& a, const NDArray& b) {
  return elementwise(
      "le", [](float x, float y) { return mask(x <= y); }, a, b);
}
NDArray operator<=(const NDArray& a, float s) {
  return elementwise(
      "le", [s](float x) { return mask(x <= s); }, a);
}
NDArray operator<=(float s, const NDArray& a) {
  return elementwise(
      "le", [s](float x) { return mask(s <= x); }, a);
}
NDArray operator>(const NDArray& a, const NDArray& b) {
  return elementwise(
      "gt", [](float x, float y) { return mask(x > y); }, a, b);
}
NDArray operator>(const NDArray& a, float s) {
  return elementwise(
      "gt", [s](float x) { return mask(x > s); }, a);
}
NDArray operator>(float s, const NDArray& a) {
  return elementwise(
      "gt", [s](float x) { return mask(s > x); }, a);
}
NDArray operator>=(const NDArray& a, const NDArray& b) {
  return elementwise(
      "ge", [](float x, float y) { return mask(x >= y); }, a, b);
}
NDArray operator>=(const NDArray& a, float s) {
  return elementwise(
      "ge", [s](float x) { return mask(x >= s); }, a);
}
NDArray operator>=(float s, const NDArray& a) {
  return elementwise(
      "ge", [s](float x) { return mask(s >= x); }, a);
}

NDArray& operator+=(NDArray& a, const NDArray& b) {
  return update("add_", a, b, [](float x, float y) { return x + y; });
}
NDArray& operator+=(NDArray& a, float s) {
  return update("add_", a, [s](float x) { return x + s; });
}
NDArray& operator-=(NDArray& a, const NDArray& b) {
  return update("sub_", a, b, [](float x, float y) { return x - y; });
}
NDArray& operator-=(NDArray& a, float s) {
  return update("sub_", a, [s](float x) { return x - s; });
}
NDArray& operator*=(NDArray& a, const NDArray& b) {
  return update("mul_", a, b, [](float x, float y) { return x * y; });
}
NDArray& operator*=(NDArray& a, float s) {
  return update("mul_", a, [s](float x) { return x * s; });
}
NDArray& operator/=(NDArray& a, const NDArray& b) {
  return update("div_", a, b, [](float x, float y) { return x / y; });
}
NDArray& operator/=(NDArray& a, float s) {
  return update("div_", a, [s](float x) { return x / s; });
}

}  // namespace byo
