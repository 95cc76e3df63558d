/// @file
/// @brief Reference solutions of the chapter 3 exercises.
#include <algorithm>
#include <vector>

#include "byo/check.h"
#include "ch03_exercises.h"

namespace byo::exercises {
namespace {

// Dimension i from the right (0 = last); missing leading dimensions have size 1.
int64_t from_right(const Shape& s, size_t i) { return i < s.size() ? s[s.size() - 1 - i] : 1; }

bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (size_t i = 0; i < from.size(); ++i) {
    if (from_right(from, i) != 1 && from_right(from, i) != from_right(to, i)) return false;
  }
  return true;
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t x = from_right(a, i);
    const int64_t y = from_right(b, i);
    BYO_CHECK(x == y || x == 1 || y == 1)
        << "broadcast_shapes: " << shape_str(a) << " and " << shape_str(b) << " differ at "
        << "dimension -" << i + 1 << ": " << x << " vs " << y;
    out[n - 1 - i] = x == 1 ? y : x;
  }
  return out;
}

NDArray broadcast_to(const NDArray& a, const Shape& shape) {
  BYO_CHECK(broadcasts_to(a.shape(), shape))
      << "broadcast_to: " << shape_str(a.shape()) << " does not broadcast to " << shape_str(shape);
  Strides strides(shape.size(), 0);
  const size_t lead = shape.size() - a.shape().size();
  for (size_t d = 0; d < a.shape().size(); ++d) {
    if (a.shape()[d] == shape[lead + d]) strides[lead + d] = a.strides()[d];
  }
  return NDArray(a.storage(), shape, strides, a.offset());
}

NDArray sum_to(const NDArray& a, const Shape& shape) {
  BYO_CHECK(broadcasts_to(shape, a.shape()))
      << "sum_to: " << shape_str(shape) << " does not broadcast to " << shape_str(a.shape());
  const size_t lead = a.shape().size() - shape.size();
  std::vector<int64_t> dims;
  for (size_t d = 0; d < a.shape().size(); ++d) {
    if (d < lead || (shape[d - lead] == 1 && a.shape()[d] != 1)) {
      dims.push_back(static_cast<int64_t>(d));
    }
  }
  if (dims.empty()) return a;
  return a.sum(dims, true).reshape(shape);
}

}  // namespace byo::exercises
