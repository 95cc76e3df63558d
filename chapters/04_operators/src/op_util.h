// Small helpers shared by the op files (private to the chapter's sources).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/kernels.h"
#include "byo/ndarray.h"
#include "byo/profiler.h"
#include "byo/tensor.h"

namespace byo::detail {

/// @brief Checks that `a` and `b` broadcast (NumPy's rule), naming `op` and both shapes.
inline void check_broadcastable(const char* op, const Shape& a, const Shape& b) {
  (void)broadcast_shapes(a, b, op);
}

/// @brief Checks that `t` is defined, naming the op.
inline void check_defined(const char* op, const Tensor& t) {
  BYO_CHECK(t.defined()) << op << ": undefined tensor";
}

/// @brief A 2-D NDArray as a strided matrix for the GEMM kernel.
inline ConstMatrixView as_matrix(const NDArray& a) {
  return {a.data(), a.size(0), a.size(1), a.strides()[0], a.strides()[1]};
}

/// @brief A writable 2-D NDArray as a strided matrix for the GEMM kernel.
inline MatrixView as_mutable_matrix(const NDArray& a) {
  return {a.data(), a.size(0), a.size(1), a.strides()[0], a.strides()[1]};
}

/// @brief A graph node whose backward is a function given when the op records it.
///
/// `gradient(node, grad_output)` returns one gradient per input (undefined where
/// `node.needs_input_grad(i)` is false). It reads the arrays it needs with `node.saved(i)`,
/// so that `release_saved()` frees them after a backward; the lambda itself captures only
/// small values (an exponent, a dimension).
template <typename Gradient>
class FunctionNode final : public Node {
 public:
  FunctionNode(const char* name, Gradient gradient) : name_(name), gradient_(std::move(gradient)) {}
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    return gradient_(static_cast<const Node&>(*this), grad_output);
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
  Gradient gradient_;
};

/// @brief The ceremony every op shares, so that an op reads as its forward and its backward.
///
///     Tensor mul(const Tensor& a, const Tensor& b) {
///       Op op("Mul", "mul", {a, b});            // profiler scope, inputs defined
///       return op.record(a.data() * b.data(),   // the forward...
///                        {a.data(), b.data()},  // ...what the backward needs...
///                        [](const Node& n, const NDArray& g) -> Grads { ... });  // ...and it
///     }
///
/// The profiler times the op's forward from here to the end of the op (the scope lives as
/// long as the Op). `record` returns a plain tensor when no input requires a gradient (or
/// under NoGradGuard) and otherwise records a FunctionNode named `name`.
class Op {
 public:
  /// @brief Starts the profiler scope `name`; checks every input is defined, naming `op`.
  Op(const char* name, const char* op, std::initializer_list<Tensor> inputs)
      : scope_(name, profiler::Phase::forward), name_(name), op_(op), inputs_(inputs) {
    for (const Tensor& t : inputs_) check_defined(op, t);
  }
  /// @brief Checks that the first two inputs broadcast together (binary ops).
  void check_broadcastable() const {
    detail::check_broadcastable(op_, inputs_[0].shape(), inputs_[1].shape());
  }
  /// @brief Includes an optional input (a bias): recorded only if it is defined.
  void add_input(const Tensor& t) {
    if (t.defined()) inputs_.push_back(t);
  }
  /// @brief `out` as a tensor; when a gradient is needed, with a node whose backward is
  ///        `gradient` and which saves `saved` for it.
  template <typename Gradient>
  Tensor record(NDArray out, std::vector<NDArray> saved, Gradient gradient) {
    if (!any_requires_grad(inputs_)) return Tensor(std::move(out));
    auto node = std::make_shared<FunctionNode<Gradient>>(name_, std::move(gradient));
    node->save_for_backward(std::move(saved));
    return make_result(std::move(out), std::move(node), inputs_);
  }

 private:
  profiler::Scope scope_;
  const char* name_;
  const char* op_;
  std::vector<Tensor> inputs_;
};

/// @brief What a gradient function returns: one array per input.
using Grads = std::vector<NDArray>;

/// @brief `dims` normalised to [0, ndim) and sorted, without repeats; empty means all.
std::vector<int64_t> normalize_dims(const char* op, const std::vector<int64_t>& dims, int64_t ndim);

}  // namespace byo::detail
