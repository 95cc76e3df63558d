// Views and slicing: expand, unsqueeze, squeeze, narrow, select, index_select, cat, stack.
// Each forward takes some of the input's elements (a view where chapter 1 has one); each
// backward is the adjoint: it puts the output gradient back where those elements came
// from, into zeros, and adds where one input element fed several outputs.
#include <cmath>
#include <memory>
#include <sstream>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "op_util.h"

namespace byo {

namespace {

using profiler::Phase;

// unsqueeze, squeeze: the same elements in the same order, so the gradient is the output
// gradient in the input's shape.
class SqueezeBackward : public Node {
 public:
  explicit SqueezeBackward(const char* name) : name_(name) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    return {g.reshape(next_edges()[0].shape)};
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
};

// expand: every stretched element took its value from one input element, so that
// element's gradient is the sum of theirs.
class ExpandBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {sum_to(g, next_edges()[0].shape)};
  }
  std::string name() const override { return "Expand"; }
};

// narrow, select: the gradient is zero except on the part the view took, which gets g.
class SliceBackward : public Node {
 public:
  // select when `select` is true (index = start), narrow otherwise.
  SliceBackward(int64_t dim, int64_t start, int64_t length, bool select)
      : dim_(dim), start_(start), length_(length), select_(select) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    NDArray grad = NDArray::zeros(next_edges()[0].shape);
    const NDArray part =
        select_ ? grad.select(dim_, start_) : grad.slice(dim_, start_, start_ + length_);
    part.copy_(g);
    return {grad};
  }
  std::string name() const override { return select_ ? "Select" : "Narrow"; }

 private:
  int64_t dim_, start_, length_;
  bool select_;
};

// index_select: output slice i is input slice index[i]; the input slice gets the sum of
// the gradients of every output slice that copied it.
class IndexSelectBackward : public Node {
 public:
  IndexSelectBackward(int64_t dim, std::vector<int64_t> index)
      : dim_(dim), index_(std::move(index)) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    NDArray grad = NDArray::zeros(next_edges()[0].shape);
    for (size_t i = 0; i < index_.size(); ++i) {
      NDArray target = grad.select(dim_, index_[i]);
      target += g.select(dim_, static_cast<int64_t>(i));
    }
    return {grad, NDArray()};  // the index gets no gradient
  }
  std::string name() const override { return "IndexSelect"; }
  void release_saved() override {
    Node::release_saved();
    index_ = {};
  }

 private:
  int64_t dim_;
  std::vector<int64_t> index_;
};

// cat: input k's gradient is its own stretch of the output gradient along dim.
class CatBackward : public Node {
 public:
  CatBackward(int64_t dim, std::vector<int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    std::vector<NDArray> grads(sizes_.size());
    int64_t offset = 0;
    for (size_t k = 0; k < sizes_.size(); ++k) {
      if (needs_input_grad(k)) grads[k] = g.slice(dim_, offset, offset + sizes_[k]);
      offset += sizes_[k];
    }
    return grads;
  }
  std::string name() const override { return "Cat"; }

 private:
  int64_t dim_;
  std::vector<int64_t> sizes_;
};

// The integer indices held (as floats) by a 0-d or 1-d `index`, each checked against
// `size`, the length of x's dim `dim`.
std::vector<int64_t> read_indices(const Tensor& x, int64_t dim, const Tensor& index) {
  BYO_CHECK(index.dim() <= 1) << "index_select: index must be 0-d or 1-d, got shape "
                              << shape_str(index.shape());
  const int64_t size = x.size(dim);
  const std::vector<float> values = index.data().to_vector();
  std::vector<int64_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    BYO_CHECK(std::isfinite(v) && v == std::floor(v))
        << "index_select: index " << v << " at position " << i << " is not an integer";
    BYO_CHECK(v >= 0.0f && v < static_cast<float>(size))
        << "index_select: index " << v << " at position " << i << " is out of range for dim " << dim
        << " of size " << size << " (input shape " << shape_str(x.shape()) << ")";
    out[i] = static_cast<int64_t>(v);
  }
  return out;
}

}  // namespace

Tensor expand(const Tensor& x, const Shape& shape) {
  profiler::Scope scope("Expand", Phase::forward);
  detail::check_defined("expand", x);
  return make_result(byo::expand(x.data(), shape), std::make_shared<ExpandBackward>(), {x});
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  profiler::Scope scope("Unsqueeze", Phase::forward);
  detail::check_defined("unsqueeze", x);
  return make_result(x.data().unsqueeze(dim), std::make_shared<SqueezeBackward>("Unsqueeze"), {x});
}

Tensor squeeze(const Tensor& x) {
  profiler::Scope scope("Squeeze", Phase::forward);
  detail::check_defined("squeeze", x);
  return make_result(x.data().squeeze(), std::make_shared<SqueezeBackward>("Squeeze"), {x});
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  profiler::Scope scope("Squeeze", Phase::forward);
  detail::check_defined("squeeze", x);
  BYO_CHECK(x.dim() > 0 || dim == 0 || dim == -1)
      << "squeeze: dim " << dim << " is out of range for a 0-d tensor";
  if (x.dim() == 0) return make_result(x.data(), std::make_shared<SqueezeBackward>("Squeeze"), {x});
  return make_result(x.data().squeeze(dim), std::make_shared<SqueezeBackward>("Squeeze"), {x});
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  profiler::Scope scope("Narrow", Phase::forward);
  detail::check_defined("narrow", x);
  BYO_CHECK(x.dim() > 0) << "narrow: a 0-d tensor has no dim to narrow";
  const int64_t d = normalize_dim(dim, x.shape(), "narrow");
  const int64_t size = x.size(d);
  BYO_CHECK(start >= -size && start <= size)
      << "narrow: start " << start << " is out of range for dim " << dim << " of shape "
      << shape_str(x.shape());
  if (start < 0) start += size;
  BYO_CHECK(length >= 0 && start + length <= size)
      << "narrow: start (" << start << ") + length (" << length << ") exceeds dim " << dim
      << " of shape " << shape_str(x.shape());
  return make_result(x.data().slice(d, start, start + length),
                     std::make_shared<SliceBackward>(d, start, length, false), {x});
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  profiler::Scope scope("Select", Phase::forward);
  detail::check_defined("select", x);
  BYO_CHECK(x.dim() > 0) << "select: a 0-d tensor has no dim to select from";
  const int64_t d = normalize_dim(dim, x.shape(), "select");
  NDArray out = x.data().select(d, index);  // checks the index range, naming the shape
  if (index < 0) index += x.size(d);
  return make_result(std::move(out), std::make_shared<SliceBackward>(d, index, 1, true), {x});
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  profiler::Scope scope("IndexSelect", Phase::forward);
  detail::check_defined("index_select", x);
  detail::check_defined("index_select", index);
  BYO_CHECK(x.dim() > 0) << "index_select: a 0-d tensor has no dim to index";
  const int64_t d = normalize_dim(dim, x.shape(), "index_select");
  std::vector<int64_t> rows = read_indices(x, d, index);
  Shape shape = x.shape();
  shape[d] = static_cast<int64_t>(rows.size());
  NDArray out = NDArray::empty(shape);
  for (size_t i = 0; i < rows.size(); ++i) {
    out.select(d, static_cast<int64_t>(i)).copy_(x.data().select(d, rows[i]));
  }
  if (!any_requires_grad({x})) return Tensor(out);
  return make_result(out, std::make_shared<IndexSelectBackward>(d, std::move(rows)), {x, index});
}

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  profiler::Scope scope("Cat", Phase::forward);
  BYO_CHECK(!tensors.empty()) << "cat: expected a non-empty list of tensors";
  for (const Tensor& t : tensors) detail::check_defined("cat", t);
  const Shape& first = tensors[0].shape();
  BYO_CHECK(!first.empty()) << "cat: a 0-d tensor cannot be concatenated (tensor 0)";
  const int64_t d = normalize_dim(dim, first, "cat");
  std::vector<int64_t> sizes;
  Shape shape = first;
  shape[d] = 0;
  for (size_t k = 0; k < tensors.size(); ++k) {
    const Shape& s = tensors[k].shape();
    bool match = s.size() == first.size();
    for (size_t i = 0; match && i < s.size(); ++i) {
      match = static_cast<int64_t>(i) == d || s[i] == first[i];
    }
    BYO_CHECK(match) << "cat: tensor " << k << " has shape " << shape_str(s) << ", tensor 0 "
                     << shape_str(first) << "; all sizes must match except in dim " << dim;
    sizes.push_back(s[d]);
    shape[d] += s[d];
  }
  NDArray out = NDArray::empty(shape);
  int64_t offset = 0;
  for (size_t k = 0; k < tensors.size(); ++k) {
    out.slice(d, offset, offset + sizes[k]).copy_(tensors[k].data());
    offset += sizes[k];
  }
  if (!any_requires_grad(tensors)) return Tensor(out);
  return make_result(out, std::make_shared<CatBackward>(d, std::move(sizes)), tensors);
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  BYO_CHECK(!tensors.empty()) << "stack: expected a non-empty list of tensors";
  for (const Tensor& t : tensors) detail::check_defined("stack", t);
  const Shape& first = tensors[0].shape();
  std::vector<Tensor> parts;
  for (size_t k = 0; k < tensors.size(); ++k) {
    BYO_CHECK(tensors[k].shape() == first)
        << "stack: tensor " << k << " has shape " << shape_str(tensors[k].shape()) << ", tensor 0 "
        << shape_str(first) << "; stack needs equal shapes";
    parts.push_back(unsqueeze(tensors[k], dim));
  }
  return cat(parts, dim);
}

}  // namespace byo
