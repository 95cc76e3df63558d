#include "byo/autograd.h"

#include <utility>

#include "byo/check.h"

namespace byo {

namespace {
thread_local bool g_grad_enabled = true;
}  // namespace

bool GradMode::is_enabled() { return g_grad_enabled; }
void GradMode::set_enabled(bool enabled) { g_grad_enabled = enabled; }

Node::~Node() {
  // Destroying a node destroys the nodes only it refers to, and so on down the graph. Done
  // by plain shared_ptr destructors that is one nested call per node, which overflows the
  // stack on a long chain. Instead, steal the edges of every node about to die into a
  // worklist: each node then dies with no edges left, so no destructor nests.
  std::vector<std::shared_ptr<Node>> doomed;
  for (Edge& edge : edges_) {
    if (edge.node) doomed.push_back(std::move(edge.node));
  }
  while (!doomed.empty()) {
    std::shared_ptr<Node> node = std::move(doomed.back());
    doomed.pop_back();
    if (node.use_count() == 1) {  // We hold the last reference: it dies at the loop's end.
      for (Edge& edge : node->edges_) {
        if (edge.node) doomed.push_back(std::move(edge.node));
      }
    }
  }
}

const NDArray& Node::saved(size_t i) const {
  BYO_CHECK(!released_) << name()
                        << ": its saved values were freed by an earlier backward; pass "
                           "retain_graph=true to the first backward to run it again";
  BYO_CHECK(i < saved_.size()) << name() << ": saved(" << i << ") but only " << saved_.size()
                               << " values were saved";
  return saved_[i];
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& input : inputs) {
    if (input.requires_grad()) return true;
  }
  return false;
}

Tensor make_result(NDArray output, std::shared_ptr<Node> node, const std::vector<Tensor>& inputs) {
  Tensor result(std::move(output));
  if (!node || !any_requires_grad(inputs)) return result;
  node->edges_.clear();
  node->edges_.reserve(inputs.size());
  for (const Tensor& input : inputs) {
    Edge edge;
    if (input.requires_grad()) {
      edge.shape = input.shape();
      if (input.grad_fn()) {
        edge.node = input.grad_fn();
      } else {
        edge.leaf = input.impl();
      }
    }
    node->edges_.push_back(std::move(edge));
  }
  result.impl()->grad_fn = std::move(node);
  result.impl()->requires_grad = true;
  return result;
}

}  // namespace byo
