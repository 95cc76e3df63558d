/// @file
/// @brief Storage, NDArray construction, factories, element access, copies and reductions.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "byo/ndarray.h"

namespace byo {

// ---------------------------------------------------------------------------------------
// Storage

Storage::Storage(int64_t size) : size_(size) {
  BYO_CHECK(size >= 0 && size <= kMaxSize) << "Storage: cannot allocate " << size << " floats";
  // std::aligned_alloc wants a multiple of the alignment and may return nullptr for 0
  // bytes: round up, and allocate at least one cache line.
  const int64_t bytes = std::max<int64_t>(size * static_cast<int64_t>(sizeof(float)), 1);
  bytes_ = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  const Kernels& table = kernels();
  data_ = table.allocate(bytes_);
  release_ = table.release;
}

Storage::~Storage() { release_(data_, bytes_); }

// ---------------------------------------------------------------------------------------
// Construction and factories

NDArray::NDArray(std::shared_ptr<Storage> storage, Shape shape, Strides strides, int64_t offset)
    : storage_(std::move(storage)),
      shape_(std::move(shape)),
      strides_(std::move(strides)),
      offset_(offset) {
  BYO_CHECK(storage_ != nullptr) << "NDArray: no storage";
  BYO_CHECK(shape_.size() == strides_.size())
      << "NDArray: shape " << shape_str(shape_) << " has " << shape_.size()
      << " dimensions but strides " << shape_str(strides_) << " have " << strides_.size();
  int64_t last = offset_;  // the furthest element any index can reach
  for (size_t d = 0; d < shape_.size(); ++d) {
    BYO_CHECK(shape_[d] >= 0) << "NDArray: negative size in shape " << shape_str(shape_);
    BYO_CHECK(strides_[d] >= 0) << "NDArray: negative stride in " << shape_str(strides_);
    if (shape_[d] > 0) last += (shape_[d] - 1) * strides_[d];
  }
  if (numel() > 0) {
    BYO_CHECK(offset_ >= 0 && last < storage_->size())
        << "NDArray: shape " << shape_str(shape_) << " with strides " << shape_str(strides_)
        << " and offset " << offset_ << " reaches element " << last << " of a storage of "
        << storage_->size();
  }
}

NDArray NDArray::empty(const Shape& shape) {
  // Two products must fit in int64_t: the element count, and the row-major strides, which
  // count a size-0 dimension as 1 (so [0, 2^62, 4] has no elements but overflowing
  // strides). The second is never smaller than the first, so checking it covers both.
  int64_t span = 1;
  for (int64_t size : shape) {
    BYO_CHECK(size >= 0) << "empty: negative size in shape " << shape_str(shape);
    BYO_CHECK(!__builtin_mul_overflow(span, std::max<int64_t>(size, 1), &span))
        << "empty: shape " << shape_str(shape)
        << " is too large: its element count or strides overflow int64_t";
  }
  const int64_t n = byo::numel(shape);
  BYO_CHECK(n <= Storage::kMaxSize)
      << "empty: shape " << shape_str(shape) << " has " << n << " elements; one storage holds at "
      << "most " << Storage::kMaxSize << " floats (" << (Storage::kMaxSize >> 28) << " GiB)";
  return NDArray(std::make_shared<Storage>(n), shape, contiguous_strides(shape), 0);
}

NDArray NDArray::zeros(const Shape& shape) { return full(shape, 0.0f); }

NDArray NDArray::ones(const Shape& shape) { return full(shape, 1.0f); }

NDArray NDArray::full(const Shape& shape, float value) {
  NDArray out = empty(shape);
  std::fill_n(out.data(), out.numel(), value);
  return out;
}

NDArray NDArray::scalar(float value) { return full({}, value); }

NDArray NDArray::arange(float start, float stop, float step) {
  BYO_CHECK(step != 0.0f) << "arange: step must be nonzero";
  BYO_CHECK(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step))
      << "arange: start " << start << ", stop " << stop << ", step " << step << " must be finite";
  // As torch: ceil((stop - start) / step) elements, computed in double.
  const double count = std::ceil((double{stop} - start) / step);
  // Converting a count beyond int64_t would be undefined, so refuse it first.
  BYO_CHECK(count <= static_cast<double>(Storage::kMaxSize))
      << "arange: start " << start << ", stop " << stop << ", step " << step << " gives " << count
      << " elements, more than one storage holds (" << Storage::kMaxSize << ")";
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  NDArray out = empty({n});
  float* dst = out.data();
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(start + i * double{step});
  return out;
}

NDArray NDArray::from_vector(const std::vector<float>& values, const Shape& shape) {
  NDArray out = empty(shape);
  BYO_CHECK(static_cast<int64_t>(values.size()) == out.numel())
      << "from_vector: " << values.size() << " values for shape " << shape_str(shape) << " ("
      << out.numel() << " elements)";
  std::copy(values.begin(), values.end(), out.data());
  return out;
}

NDArray NDArray::rand(const Shape& shape, Generator& gen) {
  NDArray out = empty(shape);
  float* dst = out.data();
  for (int64_t i = 0; i < out.numel(); ++i) dst[i] = static_cast<float>(gen.uniform());
  return out;
}

NDArray NDArray::randn(const Shape& shape, Generator& gen) {
  NDArray out = empty(shape);
  float* dst = out.data();
  for (int64_t i = 0; i < out.numel(); ++i) dst[i] = static_cast<float>(gen.normal());
  return out;
}

// ---------------------------------------------------------------------------------------
// Layout and elements

int64_t NDArray::size(int64_t d) const { return shape_[normalize_dim(d, shape_, "size")]; }

float& NDArray::at(std::span<const int64_t> index) const {
  BYO_CHECK(defined()) << "at: undefined array";
  BYO_CHECK(static_cast<int64_t>(index.size()) == dim())
      << "at: " << index.size() << " indices for an array of shape " << shape_str(shape_);
  int64_t pos = offset_;
  for (size_t d = 0; d < index.size(); ++d) {
    int64_t i = index[d];
    BYO_CHECK(i >= -shape_[d] && i < shape_[d])
        << "at: index " << i << " out of range for dimension " << d << " of shape "
        << shape_str(shape_);
    if (i < 0) i += shape_[d];  // Python-style: -1 is the last element
    pos += i * strides_[d];
  }
  return storage_->data()[pos];
}

float NDArray::item() const {
  BYO_CHECK(defined() && numel() == 1)
      << "item: needs exactly one element, the array has shape " << shape_str(shape_);
  return *data();
}

std::vector<float> NDArray::to_vector() const {
  const NDArray c = contiguous();
  return std::vector<float>(c.data(), c.data() + c.numel());
}

// ---------------------------------------------------------------------------------------
// Copies

NDArray NDArray::contiguous() const {
  BYO_CHECK(defined()) << "contiguous: undefined array";
  if (is_contiguous()) return *this;
  return clone();
}

NDArray NDArray::clone() const {
  BYO_CHECK(defined()) << "clone: undefined array";
  NDArray out = NDArray::empty(shape_);
  if (is_contiguous()) {
    std::copy_n(data(), numel(), out.data());
  } else {
    kernels().copy(storage_->data() + offset_, shape_, strides_, out.data());
  }
  return out;
}

void NDArray::copy_(const NDArray& source) const {
  BYO_CHECK(defined() && source.defined()) << "copy_: undefined array";
  BYO_CHECK(shape_ == source.shape_)
      << "copy_: destination shape " << shape_str(shape_) << " and source shape "
      << shape_str(source.shape_) << " differ";
  // In an expanded view several elements are one float, so which value would it keep?
  // PyTorch refuses too ("more than one element of the written-to tensor refers to a
  // single memory location").
  BYO_CHECK(!has_internal_overlap(shape_, strides_))
      << "copy_: unsupported operation: more than one element of the destination (shape "
      << shape_str(shape_) << ", strides " << shape_str(strides_)
      << ") refers to a single memory location; clone() it before writing";
  // If both views share storage, writing could overwrite elements not yet read
  // (a.copy_(a.t())), so read from a private copy first.
  const NDArray src = source.storage_ == storage_ ? source.clone() : source.contiguous();
  const float* from = src.storage()->data();
  float* to = storage_->data();
  const Strides src_strides = src.strides();
  detail::for_each_row<2>(
      shape_, {&strides_, &src_strides}, {offset_, src.offset()},
      [&](const std::array<int64_t, 2>& pos, int64_t n, const std::array<int64_t, 2>& inner) {
        for (int64_t j = 0; j < n; ++j) to[pos[0] + j * inner[0]] = from[pos[1] + j * inner[1]];
      });
}

void NDArray::fill_(float value) const {
  BYO_CHECK(defined()) << "fill_: undefined array";
  detail::for_each_row<1>(
      shape_, {&strides_}, {offset_},
      [&](const std::array<int64_t, 1>& pos, int64_t n, const std::array<int64_t, 1>& inner) {
        float* to = storage_->data() + pos[0];
        for (int64_t j = 0; j < n; ++j) to[j * inner[0]] = value;
      });
}

// ---------------------------------------------------------------------------------------
// Reductions

namespace detail {

ReducePlan plan_reduce(const Shape& shape, const std::vector<int64_t>& dims, bool keepdim,
                       const char* op) {
  const int64_t nd = static_cast<int64_t>(shape.size());
  ReducePlan plan;
  plan.reduced.assign(shape.size(), dims.empty());
  for (int64_t d : dims) {
    BYO_CHECK(d >= -nd && d < nd) << op << ": dimension " << d << " out of range for shape "
                                  << shape_str(shape);
    const int64_t k = d < 0 ? d + nd : d;
    BYO_CHECK(!plan.reduced[k]) << op << ": dimension " << d << " appears twice in the dims of "
                                << "a reduction over shape " << shape_str(shape);
    plan.reduced[k] = true;
  }
  for (int64_t d = 0; d < nd; ++d) {
    if (!plan.reduced[d]) {
      plan.out_shape.push_back(shape[d]);
    } else if (keepdim) {
      plan.out_shape.push_back(1);
    }
  }
  return plan;
}

}  // namespace detail

namespace {

// Lambdas, not functions: each has its own type, so reduce<F> is compiled for exactly this
// operation and the compiler inlines it into the loop (a function pointer might not be).
constexpr auto add = [](float a, float b) { return a + b; };

// sum and mean: reduce with `add`, where each row that folds into one element goes to the
// installed kernel (chapter 7's keeps several partial sums; see byo/kernels.h).
NDArray sum_as(const NDArray& x, const char* op, const std::vector<int64_t>& dims, bool keepdim) {
  return detail::reduce_with(x, op, dims, keepdim, 0.0f, add, kernels().sum);
}

// NaN wins, as in PyTorch: once a NaN is seen, the maximum is NaN.
constexpr auto max_nan = [](float a, float b) { return (b > a || b != b) ? b : a; };

}  // namespace

NDArray NDArray::sum() const { return sum({}, false); }

NDArray NDArray::sum(const std::vector<int64_t>& dims, bool keepdim) const {
  return sum_as(*this, "sum", dims, keepdim);
}

NDArray NDArray::mean() const { return mean({}, false); }

NDArray NDArray::mean(const std::vector<int64_t>& dims, bool keepdim) const {
  const NDArray total = sum_as(*this, "mean", dims, keepdim);
  const int64_t count = total.numel() == 0 ? 0 : numel() / total.numel();
  // Mean over nothing is 0/0 = NaN, as in PyTorch.
  const float divisor = static_cast<float>(count);
  return total.map([divisor](float x) { return x / divisor; });
}

NDArray NDArray::max() const {
  BYO_CHECK(numel() > 0) << "max: the array of shape " << shape_str(shape_)
                         << " is empty, and the maximum of no elements is undefined";
  return reduce_as("max", {}, false, -std::numeric_limits<float>::infinity(), max_nan);
}

NDArray NDArray::max(int64_t dim, bool keepdim) const {
  const int64_t d = normalize_dim(dim, shape_, "max");
  BYO_CHECK(shape_[d] > 0) << "max: dimension " << dim << " of shape " << shape_str(shape_)
                           << " has size 0";
  return reduce_as("max", {d}, keepdim, -std::numeric_limits<float>::infinity(), max_nan);
}

NDArray NDArray::argmax(int64_t dim, bool keepdim) const {
  const int64_t d = normalize_dim(dim, shape_, "argmax");
  BYO_CHECK(shape_[d] > 0) << "argmax: dimension " << dim << " of shape " << shape_str(shape_)
                           << " has size 0";
  // Move `dim` to the end; the rows of that view are then exactly the lines to search, and
  // they come in the row-major order of the result.
  std::vector<int64_t> order;
  for (int64_t k = 0; k < this->dim(); ++k) {
    if (k != d) order.push_back(k);
  }
  order.push_back(d);
  const NDArray moved = permute(order);
  const detail::ReducePlan plan = detail::plan_reduce(shape_, {d}, keepdim, "argmax");
  NDArray out = NDArray::empty(plan.out_shape);
  float* dst = out.data();
  const float* base = storage_->data();
  detail::for_each_row<1>(
      moved.shape_, {&moved.strides_}, {moved.offset_},
      [&](const std::array<int64_t, 1>& pos, int64_t n, const std::array<int64_t, 1>& inner) {
        const float* x = base + pos[0];
        int64_t best = 0;
        for (int64_t j = 1; j < n; ++j) {
          const float v = x[j * inner[0]];
          const float b = x[best * inner[0]];
          if (b != b) break;  // a NaN is the maximum, as in PyTorch
          if (v > b || v != v) best = j;
        }
        *dst++ = static_cast<float>(best);
      });
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparison

bool allclose(const NDArray& a, const NDArray& b, float rtol, float atol) {
  BYO_CHECK(a.shape() == b.shape()) << "allclose: shapes " << shape_str(a.shape()) << " and "
                                    << shape_str(b.shape()) << " differ";
  const std::vector<float> x = a.to_vector();
  const std::vector<float> y = b.to_vector();
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] == y[i]) continue;                              // also equal infinities
    if (std::isinf(x[i]) || std::isinf(y[i])) return false;  // inf - x is never small
    if (!(std::fabs(x[i] - y[i]) <= atol + rtol * std::fabs(y[i]))) return false;  // NaN: false
  }
  return true;
}

}  // namespace byo
