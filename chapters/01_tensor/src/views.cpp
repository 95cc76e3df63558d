/// @file
/// @brief Views: new shape, strides and offset over the same storage; no element is copied.
#include <algorithm>

#include "byo/ndarray.h"

namespace byo {

NDArray NDArray::reshape(const Shape& shape) const {
  BYO_CHECK(defined()) << "reshape: undefined array";
  const Shape target = infer_reshape(shape_, shape);
  if (std::optional<Strides> strides = view_strides(shape_, strides_, target)) {
    return NDArray(storage_, target, std::move(*strides), offset_);
  }
  // No strides can walk this layout in the new shape (e.g. flattening a transpose):
  // copy into row-major order first, as torch.reshape does.
  return contiguous().view(target);
}

NDArray NDArray::view(const Shape& shape) const {
  BYO_CHECK(defined()) << "view: undefined array";
  const Shape target = infer_reshape(shape_, shape);
  std::optional<Strides> strides = view_strides(shape_, strides_, target);
  BYO_CHECK(strides.has_value()) << "view: an array of shape " << shape_str(shape_)
                                 << " and strides " << shape_str(strides_)
                                 << " cannot be viewed as " << shape_str(target)
                                 << " without a copy; use reshape (or contiguous() first)";
  return NDArray(storage_, target, std::move(*strides), offset_);
}

NDArray NDArray::permute(const std::vector<int64_t>& dims) const {
  BYO_CHECK(static_cast<int64_t>(dims.size()) == dim())
      << "permute: " << dims.size() << " dims " << shape_str(dims) << " for an array of shape "
      << shape_str(shape_);
  Shape shape(dims.size());
  Strides strides(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t d = normalize_dim(dims[i], shape_, "permute");
    BYO_CHECK(!seen[d]) << "permute: dimension " << dims[i] << " repeats in " << shape_str(dims)
                        << " (array of shape " << shape_str(shape_) << ")";
    seen[d] = true;
    shape[i] = shape_[d];
    strides[i] = strides_[d];
  }
  return NDArray(storage_, std::move(shape), std::move(strides), offset_);
}

NDArray NDArray::transpose(int64_t dim0, int64_t dim1) const {
  const int64_t a = normalize_dim(dim0, shape_, "transpose");
  const int64_t b = normalize_dim(dim1, shape_, "transpose");
  Shape shape = shape_;
  Strides strides = strides_;
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  return NDArray(storage_, std::move(shape), std::move(strides), offset_);
}

NDArray NDArray::slice(int64_t dim, int64_t start, int64_t stop, int64_t step) const {
  const int64_t d = normalize_dim(dim, shape_, "slice");
  BYO_CHECK(step > 0) << "slice: step must be positive, got " << step << " (shape "
                      << shape_str(shape_) << ")";
  const int64_t size = shape_[d];
  // Python's rule: negative bounds count from the end, then both are clamped to [0, size].
  auto clamp = [size](int64_t i) { return std::clamp(i < 0 ? i + size : i, int64_t{0}, size); };
  start = clamp(start);
  stop = std::max(clamp(stop), start);
  Shape shape = shape_;
  Strides strides = strides_;
  shape[d] = (stop - start + step - 1) / step;
  strides[d] = strides_[d] * step;
  // An empty slice may start one past the end; its offset is never dereferenced.
  return NDArray(storage_, std::move(shape), std::move(strides), offset_ + start * strides_[d]);
}

NDArray NDArray::select(int64_t dim, int64_t index) const {
  const int64_t d = normalize_dim(dim, shape_, "select");
  BYO_CHECK(index >= -shape_[d] && index < shape_[d])
      << "select: index " << index << " out of range for dimension " << dim << " of shape "
      << shape_str(shape_);
  if (index < 0) index += shape_[d];
  Shape shape = shape_;
  Strides strides = strides_;
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return NDArray(storage_, std::move(shape), std::move(strides), offset_ + index * strides_[d]);
}

NDArray NDArray::squeeze() const {
  Shape shape;
  Strides strides;
  for (size_t d = 0; d < shape_.size(); ++d) {
    if (shape_[d] == 1) continue;
    shape.push_back(shape_[d]);
    strides.push_back(strides_[d]);
  }
  return NDArray(storage_, std::move(shape), std::move(strides), offset_);
}

NDArray NDArray::squeeze(int64_t dim) const {
  const int64_t d = normalize_dim(dim, shape_, "squeeze");
  if (shape_[d] != 1) return *this;
  Shape shape = shape_;
  Strides strides = strides_;
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return NDArray(storage_, std::move(shape), std::move(strides), offset_);
}

NDArray NDArray::unsqueeze(int64_t dim) const {
  // One more position than dimensions: unsqueeze(dim()) appends a dimension at the end.
  BYO_CHECK(dim >= -(this->dim() + 1) && dim <= this->dim())
      << "unsqueeze: dimension " << dim << " out of range for shape " << shape_str(shape_)
      << " (expected one in [" << -(this->dim() + 1) << ", " << this->dim() << "])";
  const int64_t d = dim < 0 ? dim + this->dim() + 1 : dim;
  Shape shape = shape_;
  Strides strides = strides_;
  // Any stride works for a size-1 dimension; this one keeps a contiguous array contiguous
  // in the strict sense too (stride = size × stride of the dimension it precedes).
  const int64_t stride = d < this->dim() ? shape_[d] * strides_[d] : 1;
  shape.insert(shape.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  return NDArray(storage_, std::move(shape), std::move(strides), offset_);
}

NDArray NDArray::flatten(int64_t start_dim, int64_t end_dim) const {
  if (dim() == 0) return reshape({1});  // as torch: a 0-d array flattens to one element
  const int64_t s = normalize_dim(start_dim, shape_, "flatten");
  const int64_t e = normalize_dim(end_dim, shape_, "flatten");
  BYO_CHECK(s <= e) << "flatten: start_dim " << start_dim << " comes after end_dim " << end_dim
                    << " (shape " << shape_str(shape_) << ")";
  Shape shape(shape_.begin(), shape_.begin() + s);
  int64_t merged = 1;
  for (int64_t d = s; d <= e; ++d) merged *= shape_[d];
  shape.push_back(merged);
  shape.insert(shape.end(), shape_.begin() + e + 1, shape_.end());
  return reshape(shape);
}

}  // namespace byo
