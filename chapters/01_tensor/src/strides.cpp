/// @file
/// @brief Stride arithmetic: the free functions of byo/strides.h.
#include "byo/strides.h"

#include <sstream>

#include "byo/check.h"

namespace byo {

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t size : shape) n *= size;
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  int64_t step = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = step;
    // A size-0 dimension would make every outer stride 0; PyTorch steps by 1 instead,
    // so the strides stay those of the same shape with the zero replaced by one.
    step *= shape[d] > 0 ? shape[d] : 1;
  }
  return strides;
}

bool is_contiguous(const Shape& shape, const Strides& strides) {
  if (numel(shape) == 0) return true;  // nothing to lay out, so every layout is fine
  int64_t expected = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 1) continue;  // never stepped along, so its stride is irrelevant
    if (strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

int64_t normalize_dim(int64_t dim, int64_t ndim) {
  BYO_CHECK(dim >= -ndim && dim < ndim)
      << "dimension " << dim << " out of range for an array of " << ndim
      << " dimensions (expected one in [" << -ndim << ", " << ndim - 1 << "])";
  return dim < 0 ? dim + ndim : dim;
}

int64_t normalize_dim(int64_t dim, const Shape& shape, const char* op) {
  const int64_t ndim = static_cast<int64_t>(shape.size());
  BYO_CHECK(dim >= -ndim && dim < ndim)
      << op << ": dimension " << dim << " out of range for shape " << shape_str(shape)
      << " (expected one in [" << -ndim << ", " << ndim - 1 << "])";
  return dim < 0 ? dim + ndim : dim;
}

int64_t offset_of(std::span<const int64_t> index, const Strides& strides, int64_t base) {
  BYO_CHECK(index.size() == strides.size())
      << "offset_of: " << index.size() << " indices for " << strides.size() << " strides";
  for (size_t d = 0; d < index.size(); ++d) base += index[d] * strides[d];
  return base;
}

void unravel_index(int64_t flat, const Shape& shape, std::span<int64_t> index) {
  BYO_CHECK(index.size() == shape.size())
      << "unravel_index: " << index.size() << " index slots for shape " << shape_str(shape);
  BYO_CHECK(flat >= 0 && flat < numel(shape))
      << "unravel_index: flat index " << flat << " out of range for shape " << shape_str(shape);
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
}

bool next_index(std::span<int64_t> index, const Shape& shape) {
  for (size_t d = shape.size(); d-- > 0;) {
    if (++index[d] < shape[d]) return true;
    index[d] = 0;  // this wheel wraps; carry into the next one to the left
  }
  return false;
}

Shape infer_reshape(const Shape& from, const Shape& requested) {
  Shape shape = requested;
  int64_t known = 1;
  int64_t infer_at = -1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1) {
      BYO_CHECK(infer_at < 0) << "reshape " << shape_str(from) << " to " << shape_str(requested)
                              << ": only one dimension can be -1";
      infer_at = static_cast<int64_t>(d);
    } else {
      BYO_CHECK(shape[d] >= 0) << "reshape " << shape_str(from) << " to " << shape_str(requested)
                               << ": negative size " << shape[d];
      // Checked: a product past int64_t would be undefined behaviour, not a wrong count.
      BYO_CHECK(!__builtin_mul_overflow(known, shape[d], &known))
          << "reshape " << shape_str(from) << " to " << shape_str(requested)
          << ": the sizes multiply past int64_t";
    }
  }
  const int64_t total = numel(from);
  if (infer_at >= 0) {
    BYO_CHECK(known != 0) << "reshape " << shape_str(from) << " to " << shape_str(requested)
                          << ": the -1 could be any size when the other sizes multiply to 0";
    BYO_CHECK(total % known == 0) << "reshape " << shape_str(from) << " (" << total
                                  << " elements) to " << shape_str(requested)
                                  << ": no size for -1 makes the element counts agree";
    shape[infer_at] = total / known;
  }
  BYO_CHECK(numel(shape) == total)
      << "reshape " << shape_str(from) << " (" << total << " elements) to " << shape_str(requested)
      << " (" << numel(shape) << " elements): sizes differ";
  return shape;
}

std::optional<Strides> view_strides(const Shape& shape, const Strides& strides,
                                    const Shape& new_shape) {
  BYO_CHECK(numel(shape) == numel(new_shape))
      << "view_strides: " << shape_str(shape) << " and " << shape_str(new_shape)
      << " have different element counts";
  // Nothing to step over: any strides work, so use the row-major ones.
  if (shape.empty() || numel(shape) == 0) return contiguous_strides(new_shape);

  // Walk the old dimensions from the right, cutting them into chunks that are contiguous
  // among themselves (each dimension's stride = the next one's stride × size). Every chunk
  // must be rebuilt exactly by a run of new dimensions, which then step through it with
  // row-major strides scaled by the chunk's innermost stride.
  Strides new_strides(new_shape.size());
  int64_t view_d = static_cast<int64_t>(new_shape.size()) - 1;
  int64_t chunk_base_stride = strides.back();
  int64_t chunk_numel = 1;
  int64_t view_numel = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    chunk_numel *= shape[d];
    const bool chunk_ends =
        d == 0 || (shape[d - 1] != 1 && strides[d - 1] != chunk_numel * chunk_base_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < chunk_numel || new_shape[view_d] == 1)) {
      new_strides[view_d] = view_numel * chunk_base_stride;
      view_numel *= new_shape[view_d];
      --view_d;
    }
    if (view_numel != chunk_numel) return std::nullopt;  // the chunk is split across a gap
    if (d > 0) {
      chunk_base_stride = strides[d - 1];
      chunk_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}

bool has_internal_overlap(const Shape& shape, const Strides& strides) {
  // Only the stride-0 case is certain; other overlapping strides can only come from the
  // raw NDArray constructor, and PyTorch, too, checks just this one.
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] > 1 && strides[d] == 0) return true;
  }
  return false;
}

std::string shape_str(const Shape& shape) {
  std::ostringstream os;
  os << '[';
  for (size_t d = 0; d < shape.size(); ++d) os << (d ? ", " : "") << shape[d];
  os << ']';
  return os.str();
}

}  // namespace byo
