/// @file
/// @brief `byo::NDArray`: a float32 N-dimensional array over shared, aligned storage.
///
/// An NDArray is a cheap handle: a shared pointer to a Storage, plus a shape, strides and
/// an offset into that storage. Copying an NDArray copies the handle, not the data, and
/// every view (reshape of a contiguous array, permute, transpose, slice, squeeze,
/// unsqueeze) shares the storage of the array it came from, as in PyTorch and NumPy.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/kernels.h"
#include "byo/random.h"
#include "byo/strides.h"

namespace byo {

/// @brief A flat, 64-byte aligned buffer of floats, shared by every view onto it.
class Storage {
 public:
  /// @brief `size` uninitialised floats, aligned to a cache line, from the installed
  ///        allocator (`kernels().allocate`); the destructor gives them back to that same
  ///        allocator, even if another table was installed meanwhile.
  explicit Storage(int64_t size);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// @brief The first float of the buffer.
  float* data() { return data_; }
  /// @brief The first float of the buffer.
  const float* data() const { return data_; }
  /// @brief Number of floats in the buffer.
  int64_t size() const { return size_; }

  static constexpr int64_t kAlignment = 64;  ///< Bytes; the start of every buffer.
  /// @brief Most floats one Storage can hold (2^42 - 1, 16 TiB): its byte count, rounded
  ///        up to a 2 MB huge page (as chapter 7's allocator does), must fit in an int64_t.
  static constexpr int64_t kMaxSize = std::numeric_limits<int64_t>::max() / (int64_t{2} << 20);

 private:
  float* data_ = nullptr;
  int64_t size_ = 0;
  int64_t bytes_ = 0;                // as requested from the allocator
  ReleaseKernel release_ = nullptr;  // the allocator's own release
};

/// @brief A float32 N-dimensional array: storage, shape, strides and offset.
class NDArray {
 public:
  /// @brief An undefined array (no storage); `defined()` is false. Use the factories.
  NDArray() = default;
  /// @brief A view of `storage`: checks that every element it can address lies inside.
  NDArray(std::shared_ptr<Storage> storage, Shape shape, Strides strides, int64_t offset);

  /// @name Factories
  /// @{
  /// @brief Uninitialised contents. Every factory below allocates through it, and it
  ///        refuses a shape with a negative size, or one whose element count or strides
  ///        overflow int64_t or exceed Storage::kMaxSize.
  static NDArray empty(const Shape& shape);
  /// @brief All zeros.
  static NDArray zeros(const Shape& shape);
  /// @brief All ones.
  static NDArray ones(const Shape& shape);
  /// @brief Every element equal to `value`.
  static NDArray full(const Shape& shape, float value);
  /// @brief A 0-d array holding `value`.
  static NDArray scalar(float value);
  /// @brief 1-d: start, start+step, ... up to but excluding stop (as `torch.arange`).
  static NDArray arange(float start, float stop, float step = 1.0f);
  /// @brief Copies `values` (row-major) into a new array of `shape`; sizes must agree.
  static NDArray from_vector(const std::vector<float>& values, const Shape& shape);
  /// @brief Uniform in [0, 1), drawn from `gen`.
  static NDArray rand(const Shape& shape, Generator& gen);
  /// @brief Standard normal, drawn from `gen`.
  static NDArray randn(const Shape& shape, Generator& gen);
  /// @}

  /// @name Layout
  /// @{
  /// @brief False for a default-constructed array.
  bool defined() const { return storage_ != nullptr; }
  /// @brief Sizes of the dimensions.
  const Shape& shape() const { return shape_; }
  /// @brief Floats to step along each dimension.
  const Strides& strides() const { return strides_; }
  /// @brief Position of element (0, ..., 0) in the storage.
  int64_t offset() const { return offset_; }
  /// @brief Number of dimensions.
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  /// @brief Size of dimension `d` (negative counts from the end).
  int64_t size(int64_t d) const;
  /// @brief Number of elements.
  int64_t numel() const { return byo::numel(shape_); }
  /// @brief True if the elements are in row-major order with no gaps.
  bool is_contiguous() const { return byo::is_contiguous(shape_, strides_); }
  /// @brief The shared storage.
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  /// @brief Pointer to element (0, ..., 0). Walk it with `strides()` unless contiguous.
  ///        Throws `byo::Error` on an undefined array, as PyTorch's `data_ptr()` does.
  float* data() const {
    BYO_CHECK(defined()) << "data: the array is undefined (default-constructed); make one "
                            "with a factory such as NDArray::empty";
    return storage_->data() + offset_;
  }
  /// @}

  /// @name Elements
  /// @{
  /// @brief Element at `index`; checks the number of indices and each range.
  float& at(std::span<const int64_t> index) const;
  /// @brief Element at `index`: `a.at({1, 2})`.
  float& at(std::initializer_list<int64_t> index) const {
    return at(std::span<const int64_t>(index.begin(), index.size()));
  }
  /// @brief The only element of a one-element array.
  float item() const;
  /// @brief The elements in row-major order.
  std::vector<float> to_vector() const;
  /// @}

  /// @name Views (share storage; no data is copied)
  /// @{
  /// @brief Same elements, new shape; one size may be -1. Views if the layout allows
  ///        (always when contiguous), otherwise copies, as `torch.reshape`.
  NDArray reshape(const Shape& shape) const;
  /// @brief As reshape, but never copies: throws if the layout does not allow a view.
  NDArray view(const Shape& shape) const;
  /// @brief Reorders the dimensions: result dim i is this array's dim `dims[i]`.
  NDArray permute(const std::vector<int64_t>& dims) const;
  /// @brief Swaps two dimensions.
  NDArray transpose(int64_t dim0, int64_t dim1) const;
  /// @brief Elements start, start+step, ... < stop along `dim` (negative start/stop count
  ///        from the end and are clamped, as Python slices; step must be positive).
  NDArray slice(int64_t dim, int64_t start, int64_t stop, int64_t step = 1) const;
  /// @brief Fixes `dim` at `index`, removing that dimension.
  NDArray select(int64_t dim, int64_t index) const;
  /// @brief Removes every dimension of size 1.
  NDArray squeeze() const;
  /// @brief Removes `dim` if its size is 1 (otherwise returns the same view).
  NDArray squeeze(int64_t dim) const;
  /// @brief Inserts a dimension of size 1 before position `dim` (dim may equal dim()).
  NDArray unsqueeze(int64_t dim) const;
  /// @brief Merges dims start_dim..end_dim into one (a view when contiguous).
  NDArray flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  /// @}

  /// @name Copies
  /// @{
  /// @brief This array if already contiguous, else a contiguous copy.
  NDArray contiguous() const;
  /// @brief A contiguous copy that shares nothing.
  NDArray clone() const;
  /// @brief Copies `source` (same shape) into this array's elements, in place. Refuses
  ///        a destination in which several elements share one float (an expanded view).
  void copy_(const NDArray& source) const;
  /// @brief Sets every element to `value`, in place.
  void fill_(float value) const;
  /// @}

  /// @name The three primitives (definitions in byo/ndarray_ops.h)
  /// @{
  /// @brief f(x) for every element, into a new contiguous array.
  template <typename F>
  NDArray map(F f) const;
  /// @brief f(x, y) for corresponding elements of two arrays of the same shape.
  template <typename F>
  NDArray zip(const NDArray& other, F f) const;
  /// @brief Folds `dims` with `f`, starting from `init`; keepdim keeps them as size 1.
  ///        An empty `dims` reduces over every dimension.
  template <typename F>
  NDArray reduce(const std::vector<int64_t>& dims, bool keepdim, float init, F f) const;
  /// @}

  /// @name Reductions
  /// @{
  /// @brief Sum of all elements, as a 0-d array.
  NDArray sum() const;
  /// @brief Sum over `dims`.
  NDArray sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// @brief Mean of all elements, as a 0-d array.
  NDArray mean() const;
  /// @brief Mean over `dims`.
  NDArray mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// @brief Largest element, as a 0-d array (throws on an empty array).
  NDArray max() const;
  /// @brief Largest element along `dim`.
  NDArray max(int64_t dim, bool keepdim = false) const;
  /// @brief Index (as a float) of the largest element along `dim`; the first one on ties.
  NDArray argmax(int64_t dim, bool keepdim = false) const;
  /// @}

 private:
  /// @brief reduce, with errors that name `op` (the public operation that called it).
  template <typename F>
  NDArray reduce_as(const char* op, const std::vector<int64_t>& dims, bool keepdim, float init,
                    F f) const;

  std::shared_ptr<Storage> storage_;
  Shape shape_;
  Strides strides_;
  int64_t offset_ = 0;
};

/// @brief Matrix product: (M,K)·(K,N) → (M,N), or batched (...,M,K)·(...,K,N) with equal
///        batch dimensions. Calls the installed GEMM kernel (see byo/kernels.h).
NDArray matmul(const NDArray& a, const NDArray& b);

/// @brief |a - b| <= atol + rtol·|b| everywhere (NaNs are never close). Shapes must match.
bool allclose(const NDArray& a, const NDArray& b, float rtol = 1e-5f, float atol = 1e-8f);

/// @brief Prints as PyTorch does: `tensor([[1., 2.], ...])`, summarised when large.
std::ostream& operator<<(std::ostream& os, const NDArray& a);

/// @brief The same text as `operator<<`.
std::string to_string(const NDArray& a);

}  // namespace byo

#include "byo/ndarray_ops.h"  // the template definitions of map, zip and reduce
