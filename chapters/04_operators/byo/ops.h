/// @file
/// @brief The differentiable operations on Tensors, each a free function.
///
/// Every op runs its forward on NDArrays (chapters 1 and 3), records a Node (see
/// byo/autograd.h) when some input requires grad, and times its forward with the profiler.
/// Binary ops broadcast as NumPy does; their backward reduces each gradient back to its
/// input's shape with `sum_to`, the reduction that undoes a broadcast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "byo/tensor.h"

namespace byo {

/// @name Elementwise, broadcasting
/// @{
/// @brief a + b.
Tensor add(const Tensor& a, const Tensor& b);
/// @brief a - b.
Tensor sub(const Tensor& a, const Tensor& b);
/// @brief a * b.
Tensor mul(const Tensor& a, const Tensor& b);
/// @brief a / b.
Tensor div(const Tensor& a, const Tensor& b);
/// @}

/// @name Elementwise, one input
/// @{
/// @brief -x.
Tensor neg(const Tensor& x);
/// @brief x ^ exponent (a scalar exponent).
Tensor pow(const Tensor& x, float exponent);
/// @brief e ^ x.
Tensor exp(const Tensor& x);
/// @brief Natural logarithm.
Tensor log(const Tensor& x);
/// @brief Square root.
Tensor sqrt(const Tensor& x);
/// @brief 1 / (1 + e^-x).
Tensor sigmoid(const Tensor& x);
/// @brief Hyperbolic tangent.
Tensor tanh(const Tensor& x);
/// @brief max(x, 0); the gradient at 0 is 0, as in PyTorch.
Tensor relu(const Tensor& x);
/// @}

/// @name Matrix products
/// @{
/// @brief (M,K)·(K,N) → (M,N); batched (...,M,K)·(...,K,N) with equal batch dims; or
///        (...,M,K)·(K,N), the same matrix for every batch entry.
Tensor matmul(const Tensor& a, const Tensor& b);
/// @brief x·weightᵀ + bias in one op: x is (N,in), weight (out,in), bias (out) or undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
/// @}

/// @name Reductions
/// @{
/// @brief Sum of all elements, 0-d.
Tensor sum(const Tensor& x);
/// @brief Sum over `dims` (negative dims count from the end).
Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
/// @brief Mean of all elements, 0-d.
Tensor mean(const Tensor& x);
/// @brief Mean over `dims`.
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim = false);
/// @brief Largest value along `dim`. As torch.max(x, dim), the whole gradient goes to one
///        element per slice: the first maximum (the index argmax returns).
Tensor max(const Tensor& x, int64_t dim, bool keepdim = false);
/// @}

/// @name Shape (views where the layout allows)
/// @{
/// @brief Same elements, new shape; one size may be -1.
Tensor reshape(const Tensor& x, const Shape& shape);
/// @brief As reshape, but throws if the layout needs a copy.
Tensor view(const Tensor& x, const Shape& shape);
/// @brief Result dim i is x's dim `dims[i]`.
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
/// @brief Swaps two dims.
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
/// @brief Merges dims start_dim..end_dim into one.
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
/// @}

/// @name Softmax and losses
/// @{
/// @brief log(softmax(x)) along `dim`: x - max - log(sum(exp(x - max))), stable.
Tensor log_softmax(const Tensor& x, int64_t dim);
/// @brief exp(x - max) / sum(exp(x - max)) along `dim`.
Tensor softmax(const Tensor& x, int64_t dim);
/// @brief Mean over the batch of -log_softmax(logits)[i, labels[i]]. logits is (N,C),
///        labels is (N) holding class indices as floats; throws if a label is not an
///        integer in [0, C). Labels get no gradient.
Tensor cross_entropy(const Tensor& logits, const Tensor& labels);
/// @brief Mean of (input - target)², shapes equal.
Tensor mse_loss(const Tensor& input, const Tensor& target);
/// @}

// The forward is a view of the input where one exists (expand, unsqueeze, squeeze,
// narrow, select); the backward puts the output gradient back where the view took its
// elements from, zeros elsewhere.

/// @name Views and slicing (src/ops_index.cpp)
/// @{
/// @brief x viewed as the larger `shape` (stride 0 on each stretched dim); -1 keeps a
///        size. The gradient sums over the stretched dims (`sum_to`).
Tensor expand(const Tensor& x, const Shape& shape);
/// @brief Inserts a dim of size 1 at `dim`, in [-(x.dim()+1), x.dim()].
Tensor unsqueeze(const Tensor& x, int64_t dim);
/// @brief Removes every dim of size 1.
Tensor squeeze(const Tensor& x);
/// @brief Removes `dim` if its size is 1; otherwise returns x's values unchanged, as PyTorch.
Tensor squeeze(const Tensor& x, int64_t dim);
/// @brief Elements start, ..., start+length-1 along `dim` (a negative start counts from
///        the end); throws unless the range lies inside the dim.
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
/// @brief Fixes `dim` at `index` (negative counts from the end), removing that dim.
Tensor select(const Tensor& x, int64_t dim, int64_t index);
/// @brief The slices `index[0]`, `index[1]`, ... of x along `dim`, copied into a new
///        tensor. index is 1-d (or 0-d) and holds class-style indices as floats, each an
///        integer in [0, x.size(dim)); repeats are allowed and their gradients add up.
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// @brief Joins tensors along an existing `dim`; all other sizes must agree.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// @brief Joins tensors of one shape along a new `dim`: cat of their unsqueeze(dim).
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// @}

/// @name More elementwise and reductions (src/ops_activation.cpp)
/// @{
/// @brief |x|; the gradient at 0 is 0 (sign(0) = 0), as in PyTorch.
Tensor abs(const Tensor& x);
/// @brief min(max(x, min), max); either bound may be absent, not both. The gradient
///        passes where min <= x <= max and is 0 where the value was clamped.
Tensor clamp(const Tensor& x, std::optional<float> min, std::optional<float> max = std::nullopt);
/// @brief The larger of a and b, broadcasting; on a tie each gets half the gradient.
Tensor maximum(const Tensor& a, const Tensor& b);
/// @brief The smaller of a and b, broadcasting; on a tie each gets half the gradient.
Tensor minimum(const Tensor& a, const Tensor& b);
/// @brief a where `condition` is nonzero, else b; the three shapes broadcast together.
///        condition gets no gradient.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
/// @brief Smallest value along `dim`; the gradient goes to the first minimum of each slice.
Tensor min(const Tensor& x, int64_t dim, bool keepdim = false);
/// @brief Index (as a float) of the largest element of the flattened x; not differentiable.
Tensor argmax(const Tensor& x);
/// @brief Index (as a float) of the first largest element along `dim`; not differentiable.
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
/// @brief log(1 + x), accurate for small x.
Tensor log1p(const Tensor& x);
/// @brief x for x > 0, negative_slope·x otherwise.
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
/// @brief x·Φ(x), Φ the standard normal CDF (approximate "none"), or PyTorch's tanh
///        approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (approximate "tanh").
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
/// @}

// `reduction` is "mean" (the default), "sum" or "none" (one loss per element), as in
// PyTorch.

/// @name More losses (src/ops_loss_extra.cpp)
/// @{
/// @brief -input[i, target[i]] reduced over the batch; input (N,C) holds log-probabilities
///        (log_softmax), target (N) class indices as floats. cross_entropy(x, t) equals
///        nll_loss(log_softmax(x, 1), t). target gets no gradient.
Tensor nll_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean");
/// @brief max(x,0) - x·t + log(1 + e^-|x|) elementwise, reduced: the binary cross entropy
///        of sigmoid(x) against t, computed without overflow. Shapes must be equal; both
///        input and target get gradients (σ(x) - t and -x).
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const std::string& reduction = "mean");
/// @}

}  // namespace byo
