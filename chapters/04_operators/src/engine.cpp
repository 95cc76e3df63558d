// The autograd engine: backpropagation over the recorded graph, without recursion.
//
// 1. Count, for every node reachable from the root, how many edges point at it: the
//    number of gradients it must receive before its own backward can run.
// 2. Start with the root in a ready list. Take a ready node, run its backward, and send
//    each input gradient along its edge: into a leaf's .grad, or summed into the input
//    node's pending gradient. A node whose count drops to zero has all its gradient and
//    becomes ready. This visits the nodes in a topological order, each exactly once, so a
//    tensor used many times and branches that join are summed before they flow on.
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/check.h"
#include "byo/operators.h"
#include "byo/profiler.h"

namespace byo {

namespace {

// The leaf owns its .grad buffer: the first gradient is copied (it may be a view of an
// upstream gradient shared with other inputs), later ones are added in place.
void accumulate_into_leaf(TensorImpl& leaf, const NDArray& grad) {
  if (!leaf.grad.defined()) {
    leaf.grad = grad.clone();
    return;
  }
  if (!leaf.grad.is_contiguous()) leaf.grad = leaf.grad.clone();  // set_grad may pass a view
  const NDArray source = grad.contiguous();
  float* dst = leaf.grad.data();
  const float* src = source.data();
  const int64_t n = leaf.grad.numel();
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

// Edges point at nodes; count how many point at each node reachable from `root`.
std::unordered_map<Node*, int> count_dependencies(Node* root) {
  std::unordered_map<Node*, int> dependencies;
  std::unordered_set<Node*> seen{root};
  std::vector<Node*> stack{root};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (const Edge& edge : node->next_edges()) {
      if (!edge.node) continue;
      Node* next = edge.node.get();
      dependencies[next] += 1;
      if (seen.insert(next).second) stack.push_back(next);
    }
  }
  return dependencies;
}

}  // namespace

void run_backward(const Tensor& root, const NDArray& grad_output, bool retain_graph) {
  BYO_CHECK(root.requires_grad())
      << "backward: the output does not require grad (no input of the ops that made it "
         "requires grad, or it was computed under NoGradGuard)";
  Node* const root_node = root.grad_fn().get();
  if (root_node == nullptr) {  // backward() on a leaf: its gradient is grad_output.
    accumulate_into_leaf(*root.impl(), grad_output);
    return;
  }

  std::unordered_map<Node*, int> dependencies = count_dependencies(root_node);
  std::unordered_map<Node*, NDArray> pending;  // Gradients summed so far, per node.
  pending[root_node] = grad_output;
  std::vector<Node*> ready{root_node};

  while (!ready.empty()) {
    Node* node = ready.back();
    ready.pop_back();
    NDArray grad = std::move(pending[node]);
    pending.erase(node);
    BYO_CHECK(!node->released())
        << "backward: trying to run " << node->name()
        << "'s backward a second time, but its saved values were freed; pass "
           "retain_graph=true to the first backward";

    const std::vector<Edge>& edges = node->next_edges();
    std::vector<NDArray> input_grads;
    if (grad.defined()) {  // Undefined: nothing reached this node; it passes nothing on.
      profiler::Scope scope(node->name(), profiler::Phase::backward);
      input_grads = node->backward(grad);
      BYO_CHECK(input_grads.size() == edges.size())
          << node->name() << " backward returned " << input_grads.size() << " gradients for "
          << edges.size() << " inputs";
    }
    if (!retain_graph) {
      node->release_saved();
      node->released_ = true;
    }

    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& edge = edges[i];
      if (!edge.valid()) continue;
      const NDArray input_grad = input_grads.empty() ? NDArray() : input_grads[i];
      if (input_grad.defined()) {
        BYO_CHECK(input_grad.shape() == edge.shape)
            << node->name() << " backward: gradient of input " << i << " has shape "
            << shape_str(input_grad.shape()) << ", the input has shape " << shape_str(edge.shape);
      }
      if (edge.leaf) {
        if (input_grad.defined()) accumulate_into_leaf(*edge.leaf, input_grad);
        continue;
      }
      Node* next = edge.node.get();
      if (input_grad.defined()) {
        NDArray& sum = pending[next];
        sum = sum.defined() ? sum + input_grad : input_grad;
      }
      if (--dependencies[next] == 0) ready.push_back(next);
    }
  }
}

}  // namespace byo
