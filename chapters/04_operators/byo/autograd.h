/// @file
/// @brief The autograd graph: `Node`, `make_result`, `GradMode`, `NoGradGuard`, the engine.
///
/// Every differentiable op is a Node: its forward runs on NDArrays, then `make_result`
/// wraps the output in a Tensor whose `grad_fn` is the node, with one Edge per input.
///
///     x ──┐                       loss.backward():
///         ├─> [Mul] ─> y ─> [Sum] ─> loss      the engine walks the edges backwards,
///     w ──┘                                    calling each Node's backward once.
///
/// Adding an op (chapters 6 and 7 add conv2d and max_pool2d this way) takes a Node
/// subclass and a function:
///
///     class ScaleBackward : public byo::Node {       // y = s·x
///      public:
///       explicit ScaleBackward(float s) : s_(s) {}
///       std::vector<byo::NDArray> backward(const byo::NDArray& g) override {
///         return {g * s_};                           // one gradient per input
///       }
///       std::string name() const override { return "Scale"; }
///      private:
///       float s_;
///     };
///
///     byo::Tensor scale(const byo::Tensor& x, float s) {
///       byo::profiler::Scope scope("Scale", byo::profiler::Phase::forward);
///       return byo::make_result(x.data() * s, std::make_shared<ScaleBackward>(s), {x});
///     }
///
/// A backward that needs inputs or outputs keeps them with `save_for_backward` and reads
/// them back with `saved(i)`; the engine frees them after use unless the caller asks to
/// retain the graph. Save NDArrays, never Tensors: a Tensor would keep the graph alive.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "byo/ndarray.h"
#include "byo/tensor.h"

namespace byo {

/// @brief Where one input's gradient goes: the input's own node, or the leaf to
///        accumulate into. Neither (an input that needs no gradient) means "drop it".
struct Edge {
  std::shared_ptr<Node> node;        ///< The input's grad_fn, if it was made by an op.
  std::shared_ptr<TensorImpl> leaf;  ///< Otherwise the leaf tensor that accumulates.
  Shape shape;                       ///< The input's shape: its gradient must have it.

  /// @brief True if a gradient should flow along this edge.
  bool valid() const { return node != nullptr || leaf != nullptr; }
};

/// @brief One recorded operation: computes its inputs' gradients from its output's.
class Node {
 public:
  Node() = default;
  /// @brief Frees the graph behind this node iteratively: a 100 000-op chain must not
  ///        destroy itself by 100 000 nested destructor calls.
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// @brief The gradients of the inputs, in input order, given the output's gradient
  ///        (same shape as the output). Each must have its input's shape (reduce a
  ///        broadcast with sum_to); an undefined NDArray means "no gradient for this input".
  virtual std::vector<NDArray> backward(const NDArray& grad_output) = 0;
  /// @brief The op's name ("Mul"): the profiler's row and the label in graph pictures.
  virtual std::string name() const = 0;
  /// @brief Frees what the forward saved; the engine calls it after backward unless the
  ///        graph is retained. Override it if the node keeps more than `save_for_backward`.
  virtual void release_saved() { saved_.clear(); }

  /// @brief Keeps `values` for backward (read them with `saved(i)`).
  void save_for_backward(std::vector<NDArray> values) { saved_ = std::move(values); }
  /// @brief The `i`-th saved value; throws once the engine has freed them.
  const NDArray& saved(size_t i) const;
  /// @brief True if input `i` wants a gradient; a backward may skip the others' work.
  bool needs_input_grad(size_t i) const { return i < edges_.size() && edges_[i].valid(); }
  /// @brief One edge per input, in input order.
  const std::vector<Edge>& next_edges() const { return edges_; }
  /// @brief True once backward has run and the saved values were freed.
  bool released() const { return released_; }

 private:
  friend Tensor make_result(NDArray, std::shared_ptr<Node>, const std::vector<Tensor>&);
  friend void run_backward(const Tensor&, const NDArray&, bool);

  std::vector<Edge> edges_;
  std::vector<NDArray> saved_;
  bool released_ = false;
};

/// @brief Whether ops record the graph (a thread-local switch, on by default).
struct GradMode {
  /// @brief True if ops currently record the graph.
  static bool is_enabled();
  /// @brief Turns recording on or off for this thread; prefer NoGradGuard.
  static void set_enabled(bool enabled);
};

/// @brief Turns recording off for its lifetime (as `torch.no_grad()`), then restores it.
class NoGradGuard {
 public:
  /// @brief Turns recording off.
  NoGradGuard() : previous_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  /// @brief Restores the previous mode.
  ~NoGradGuard() { GradMode::set_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

/// @brief True if recording is on and some defined input requires grad: only then is a
///        node worth building.
bool any_requires_grad(const std::vector<Tensor>& inputs);

/// @brief Wraps an op's `output` in a Tensor. If any_requires_grad(inputs), `node` becomes
///        its grad_fn with one edge per input; otherwise `node` is dropped and the result
///        is a plain leaf. `node` may be null when no input requires grad.
Tensor make_result(NDArray output, std::shared_ptr<Node> node, const std::vector<Tensor>& inputs);

/// @brief The engine: backpropagates `grad_output` from `root` to every leaf it depends on.
///        Counts each node's dependencies (iteratively, from the root), then runs a node's
///        backward once all the gradients flowing into it have been summed. Frees saved
///        values after use unless `retain_graph`. Called by Tensor::backward.
void run_backward(const Tensor& root, const NDArray& grad_output, bool retain_graph);

}  // namespace byo
