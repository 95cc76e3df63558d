/// @file
/// @brief `byo::scalar::Scalar`: reverse-mode automatic differentiation on single numbers.
///
/// A Scalar is a handle to a node of a graph. Every operation makes a new node that
/// remembers its inputs and a *backward* function: given the gradient of the final
/// result with respect to this node (`out.grad`), it adds the gradient with respect to
/// each input (chain rule: `input.grad += d(out)/d(input) * out.grad`). `backward()`
/// visits the nodes from the result back to the leaves, in reverse topological order,
/// so a node's gradient is complete before it is passed on.
///
///     Scalar x = 2.0, w = -3.0, b = 1.0;
///     Scalar y = tanh(x * w + b);
///     y.backward();        // now x.grad() == w * (1 - y*y), w.grad() == x * (1 - y*y), ...
///
/// Numbers follow IEEE arithmetic as PyTorch does: `log(0)` is -inf, `log(-1)` and
/// `pow(-1, 0.5)` are NaN, `1 / 0` is inf, and so are the gradients. Nothing throws.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <vector>

/// @brief Chapter 2's side trip: autograd on single numbers, as micrograd's `Value`.
///
/// `Scalar`, its `Node`, its gradcheck, the micrograd-style `MLP` and the two-moons data
/// live here, apart from `byo`, because chapter 4 grows the same ideas for tensors under
/// the same names (`byo::Node`, `byo::gradcheck`): any set of chapter headers can be
/// included together.
namespace byo::scalar {

struct Node;

/// @brief A node's backward function: adds `d(out)/d(input) * out.grad` to each input's grad.
///
/// It reads everything through `out` (`out.data`, `out.grad`, `out.input(i)`), so it needs
/// to capture nothing but plain numbers. It must never capture a Scalar: capturing the
/// output would be a reference cycle that is never freed, and capturing an input would
/// undo the non-recursive teardown of long graphs.
using BackwardFn = std::function<void(const Node& out)>;

/// @brief One value in the graph: its number, its gradient, and how it was made.
///
/// Nodes are owned by Scalars (and by the nodes made from them) through shared pointers,
/// so a graph lives exactly as long as someone holds its result.
struct Node {
  double data = 0.0;                          ///< The value computed by the forward pass.
  double grad = 0.0;                          ///< d(result)/d(this), filled by backward().
  std::vector<std::shared_ptr<Node>> inputs;  ///< The operands; empty for a leaf.
  BackwardFn backward;                        ///< Passes `grad` on to `inputs`; empty for a leaf.
  std::string op;      ///< The operation's name ("*", "tanh"); "" for a leaf.
  std::string label;   ///< Optional name shown by to_dot() ("w1").
  uint64_t visit = 0;  ///< topological_sort's mark: its last visit.

  /// @brief A leaf holding 0; the fields are filled by Scalar.
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  /// @brief Frees the graph behind this node without recursion (see scalar.cpp).
  ~Node();

  /// @brief The i-th input, writable, so that a backward function can add to its grad.
  Node& input(size_t i) const { return *inputs.at(i); }
  /// @brief A leaf is a number made by the user (data, parameter), not by an operation.
  bool is_leaf() const { return inputs.empty(); }
};

/// @brief A double-precision number that records how it was computed (a micrograd Value).
///
/// Copying a Scalar copies the handle: both copies refer to the same node, and so see the
/// same data and grad (as copies of a `torch::Tensor` do).
class Scalar {
 public:
  /// @brief A leaf holding `value`. Implicit, so that `2 * x` and `x + 1` work.
  Scalar(double value = 0.0);  // NOLINT(google-explicit-constructor)
  /// @brief A leaf holding `value`, shown as `label` by to_dot().
  Scalar(double value, std::string label);

  /// @brief A new operation's result: the hook for defining your own operations.
  ///
  /// `value` is the forward result, computed by the caller from the inputs' data;
  /// `backward` adds the inputs' gradients (see BackwardFn). For example, the cube:
  ///
  ///     Scalar cube(const Scalar& x) {
  ///       return Scalar::make(x.data() * x.data() * x.data(), {x}, "cube",
  ///                           [](const Node& out) {
  ///                             Node& x = out.input(0);
  ///                             x.grad += 3 * x.data * x.data * out.grad;
  ///                           });
  ///     }
  static Scalar make(double value, std::span<const Scalar> inputs, std::string op,
                     BackwardFn backward);
  /// @brief make() with the inputs in braces, `{a, b}`: the usual way to call it.
  static Scalar make(double value, std::initializer_list<Scalar> inputs, std::string op,
                     BackwardFn backward) {
    return make(value, std::span<const Scalar>(inputs.begin(), inputs.size()), std::move(op),
                std::move(backward));
  }

  double data() const { return node_->data; }
  /// @brief The gradient of the last backward() result with respect to this value.
  double grad() const { return node_->grad; }
  /// @brief The operation that made this value ("" for a leaf).
  const std::string& op() const { return node_->op; }
  /// @brief The name shown by to_dot() ("" if none).
  const std::string& label() const { return node_->label; }
  /// @brief The node this handle refers to (shared by every copy of the handle).
  Node& node() const { return *node_; }

  /// @brief Overwrites the value, e.g. for a gradient-descent step on a parameter.
  void set_data(double value) { node_->data = value; }
  void set_grad(double value) { node_->grad = value; }
  /// @brief Names this value in to_dot()'s picture; returns *this for chaining.
  Scalar& set_label(std::string label);
  /// @brief Sets the gradient to zero, as `tensor.grad.zero_()`; call it between steps.
  void zero_grad() { node_->grad = 0.0; }

  /// @brief Computes d(this)/d(v) for every value v this one depends on, into v.grad().
  ///
  /// Like PyTorch, the gradients of *leaves* accumulate: a second backward() (of this or
  /// of another result) adds to them, so call zero_grad() between training steps. The
  /// gradients of the *interior* nodes of this graph are reset first, so they always hold
  /// the latest pass's values. Unlike PyTorch the graph is kept (as `retain_graph=True`),
  /// so calling backward() twice is allowed. Iterative: no recursion, any depth.
  void backward() const;

 private:
  explicit Scalar(std::shared_ptr<Node> node) : node_(std::move(node)) {}
  std::shared_ptr<Node> node_;
};

/// @brief The nodes that `root` depends on, itself included, each after all its inputs.
///
/// Depth-first search with an explicit stack instead of recursion, so a chain of a
/// million operations needs no more than a million entries of heap memory. Each call
/// marks the nodes it visits with a new number (Node::visit), so sorting graphs that
/// share nodes from several threads at once is not supported (nor is backward()).
std::vector<Node*> topological_sort(Node& root);

/// @brief The graph behind `root` in Graphviz's DOT language: `dot -Tsvg graph.dot`.
///
/// Each value is a box "label | data | grad", and each operation an ellipse pointing to
/// the value it made; leaves come first, `root` last.
std::string to_dot(const Scalar& root);

/// @brief Prints `Scalar(data=0.4621, grad=1, op=tanh)`, or without `op` for a leaf.
std::ostream& operator<<(std::ostream& out, const Scalar& s);

// Arithmetic. A plain number on either side becomes a leaf.

Scalar operator+(const Scalar& a, const Scalar& b);
Scalar operator-(const Scalar& a, const Scalar& b);
Scalar operator*(const Scalar& a, const Scalar& b);
Scalar operator/(const Scalar& a, const Scalar& b);
Scalar operator-(const Scalar& a);

// Functions.

/// @brief base raised to a constant power: d/dx x^p = p x^(p-1).
Scalar pow(const Scalar& base, double exponent);
Scalar exp(const Scalar& x);
/// @brief Natural logarithm; -inf at 0 and NaN below, as in PyTorch.
Scalar log(const Scalar& x);
Scalar tanh(const Scalar& x);
/// @brief The logistic function 1 / (1 + e^-x), computed without overflow.
Scalar sigmoid(const Scalar& x);
/// @brief max(x, 0); its gradient at 0 is taken as 0, as in PyTorch.
Scalar relu(const Scalar& x);

}  // namespace byo::scalar
