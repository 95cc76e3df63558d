/// @file
/// @brief `byo::Tensor`: an NDArray that remembers how it was made, for autograd.
///
/// A Tensor is a cheap handle (a shared pointer) to a TensorImpl: the data (an NDArray),
/// `requires_grad`, the accumulated gradient of a leaf, and `grad_fn`, the Node of the
/// graph that computed it. Copying a Tensor copies the handle, as in PyTorch.
///
///     byo::Generator gen(0);
///     byo::Tensor w = byo::randn({3, 2}, gen, /*requires_grad=*/true);
///     byo::Tensor loss = (x.matmul(w)).relu().sum();
///     loss.backward();          // w.grad() now holds d loss / d w
///
/// The operations themselves are free functions in byo/ops.h (and methods here, where
/// PyTorch has them); the graph machinery is in byo/autograd.h.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "byo/ndarray.h"
#include "byo/random.h"

namespace byo {

class Node;

/// @brief What a Tensor handle points to; shared by every copy of the handle.
struct TensorImpl {
  NDArray data;                   ///< The values.
  NDArray grad;                   ///< Accumulated gradient (leaves only); undefined until set.
  std::shared_ptr<Node> grad_fn;  ///< The node that made this tensor; null for a leaf.
  bool requires_grad = false;     ///< True if gradients flow to (or through) this tensor.
};

/// @brief An NDArray plus autograd: requires_grad, grad, grad_fn, backward.
class Tensor {
 public:
  /// @brief An undefined tensor (no data); `defined()` is false.
  Tensor() = default;
  /// @brief A leaf tensor over `data` (shared, not copied).
  explicit Tensor(NDArray data, bool requires_grad = false);

  /// @name Data and shape
  /// @{
  /// @brief False for a default-constructed tensor.
  bool defined() const { return impl_ != nullptr; }
  /// @brief The values. Shares storage: writing through it (as optimisers do) changes the
  ///        tensor in place, without recording anything in the graph.
  const NDArray& data() const;
  /// @brief Sizes of the dimensions.
  const Shape& shape() const { return data().shape(); }
  /// @brief Number of dimensions.
  int64_t dim() const { return data().dim(); }
  /// @brief Number of elements.
  int64_t numel() const { return data().numel(); }
  /// @brief Size of dimension `d` (negative counts from the end).
  int64_t size(int64_t d) const { return data().size(d); }
  /// @brief The only element of a one-element tensor.
  float item() const { return data().item(); }
  /// @}

  /// @name Autograd
  /// @{
  /// @brief True if gradients flow to this tensor.
  bool requires_grad() const;
  /// @brief Sets requires_grad on a leaf (a non-leaf's flag comes from its inputs).
  Tensor& requires_grad_(bool requires_grad = true);
  /// @brief The gradient accumulated by backward(); undefined until a backward reaches it.
  ///        Only leaves accumulate gradients, as in PyTorch.
  Tensor grad() const;
  /// @brief Replaces the gradient (an undefined tensor clears it); the shape must match.
  void set_grad(const Tensor& grad);
  /// @brief Clears the gradient (as PyTorch's `set_to_none=True`).
  void zero_grad();
  /// @brief The node that made this tensor, or null for a leaf.
  const std::shared_ptr<Node>& grad_fn() const;
  /// @brief True if no recorded op made this tensor (it was created by the user, or made
  ///        while recording was off, or from inputs that need no gradient).
  bool is_leaf() const { return grad_fn() == nullptr; }
  /// @brief Backpropagates from this one-element tensor (the gradient of itself is 1).
  void backward() const;
  /// @brief Backpropagates `grad_output` (same shape as this tensor): accumulates
  ///        grad_outputᵀ·∂this/∂leaf into every leaf's grad. Frees the graph's saved
  ///        values afterwards unless `retain_graph`.
  void backward(const Tensor& grad_output, bool retain_graph = false) const;
  /// @brief The same data as a new leaf that requires no gradient (shares storage).
  Tensor detach() const;
  /// @}

  /// @name Operations (the same as the free functions in byo/ops.h)
  /// @{
  /// @brief this + other (broadcasting).
  Tensor add(const Tensor& other) const;
  /// @brief this - other (broadcasting).
  Tensor sub(const Tensor& other) const;
  /// @brief this * other (broadcasting).
  Tensor mul(const Tensor& other) const;
  /// @brief this / other (broadcasting).
  Tensor div(const Tensor& other) const;
  /// @brief -this.
  Tensor neg() const;
  /// @brief this ^ exponent, elementwise.
  Tensor pow(float exponent) const;
  /// @brief e ^ this.
  Tensor exp() const;
  /// @brief Natural logarithm.
  Tensor log() const;
  /// @brief Square root.
  Tensor sqrt() const;
  /// @brief 1 / (1 + e^-x).
  Tensor sigmoid() const;
  /// @brief Hyperbolic tangent.
  Tensor tanh() const;
  /// @brief max(x, 0).
  Tensor relu() const;
  /// @brief Matrix product (2-D, or batched).
  Tensor matmul(const Tensor& other) const;
  /// @brief Sum of all elements (0-d).
  Tensor sum() const;
  /// @brief Sum over `dims`.
  Tensor sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// @brief Mean of all elements (0-d).
  Tensor mean() const;
  /// @brief Mean over `dims`.
  Tensor mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
  /// @brief Largest value along `dim`.
  Tensor max(int64_t dim, bool keepdim = false) const;
  /// @brief Same elements, new shape (one size may be -1); copies only if it must.
  Tensor reshape(const Shape& shape) const;
  /// @brief As reshape, but throws instead of copying.
  Tensor view(const Shape& shape) const;
  /// @brief Reorders the dimensions.
  Tensor permute(const std::vector<int64_t>& dims) const;
  /// @brief Swaps two dimensions.
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// @brief Merges dims start_dim..end_dim into one.
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  /// @brief log(softmax(this)) along `dim`, computed stably.
  Tensor log_softmax(int64_t dim) const;
  /// @brief exp(x) / sum(exp(x)) along `dim`.
  Tensor softmax(int64_t dim) const;
  /// @}

  /// @brief The shared implementation (for the autograd machinery).
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

/// @name Factories (leaf tensors)
/// @{
/// @brief All zeros.
Tensor zeros(const Shape& shape, bool requires_grad = false);
/// @brief All ones.
Tensor ones(const Shape& shape, bool requires_grad = false);
/// @brief Every element equal to `value`.
Tensor full(const Shape& shape, float value, bool requires_grad = false);
/// @brief Standard normal values drawn from `gen`.
Tensor randn(const Shape& shape, Generator& gen, bool requires_grad = false);
/// @brief Uniform values in [0, 1) drawn from `gen`.
Tensor rand(const Shape& shape, Generator& gen, bool requires_grad = false);
/// @brief Copies `values` (row-major) into a tensor of `shape`.
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   bool requires_grad = false);
/// @}

/// @name Arithmetic operators (broadcasting; recorded like add, sub, mul, div, neg)
/// @{
/// @brief a + b.
Tensor operator+(const Tensor& a, const Tensor& b);
/// @brief a + s.
Tensor operator+(const Tensor& a, float s);
/// @brief s + a.
Tensor operator+(float s, const Tensor& a);
/// @brief a - b.
Tensor operator-(const Tensor& a, const Tensor& b);
/// @brief a - s.
Tensor operator-(const Tensor& a, float s);
/// @brief s - a.
Tensor operator-(float s, const Tensor& a);
/// @brief a * b.
Tensor operator*(const Tensor& a, const Tensor& b);
/// @brief a * s.
Tensor operator*(const Tensor& a, float s);
/// @brief s * a.
Tensor operator*(float s, const Tensor& a);
/// @brief a / b.
Tensor operator/(const Tensor& a, const Tensor& b);
/// @brief a / s.
Tensor operator/(const Tensor& a, float s);
/// @brief s / a.
Tensor operator/(float s, const Tensor& a);
/// @brief -a.
Tensor operator-(const Tensor& a);
/// @}

/// @brief Prints as PyTorch does: `tensor([1., 2.], grad_fn=<MulBackward>)`.
std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace byo
