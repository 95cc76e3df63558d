#include "byo/graph.h"

#include <sstream>
#include <unordered_map>
#include <vector>

#include "byo/autograd.h"

namespace byo {

std::string to_dot(const Tensor& root) {
  std::ostringstream dot;
  dot << "digraph autograd {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
  dot << "  out [label=\"output\\n" << shape_str(root.shape()) << "\", shape=doubleoctagon];\n";
  if (!root.grad_fn()) {
    dot << "}\n";
    return dot.str();
  }
  // Name nodes and leaves in the order they are first seen; walk with an explicit stack.
  std::unordered_map<const void*, int> ids;
  auto id_of = [&ids](const void* p) {
    auto [it, inserted] = ids.emplace(p, static_cast<int>(ids.size()));
    return std::make_pair(it->second, inserted);
  };
  std::vector<const Node*> stack{root.grad_fn().get()};
  auto [root_id, unused] = id_of(stack.back());
  (void)unused;
  dot << "  n" << root_id << " [label=\"" << root.grad_fn()->name() << "\", shape=box];\n";
  dot << "  n" << root_id << " -> out;\n";
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    const int node_id = ids.at(node);
    for (const Edge& edge : node->next_edges()) {
      if (edge.node) {
        auto [id, is_new] = id_of(edge.node.get());
        if (is_new) {
          dot << "  n" << id << " [label=\"" << edge.node->name() << "\", shape=box];\n";
          stack.push_back(edge.node.get());
        }
        dot << "  n" << id << " -> n" << node_id << ";\n";
      } else if (edge.leaf) {
        auto [id, is_new] = id_of(edge.leaf.get());
        if (is_new) {
          dot << "  n" << id << " [label=\"leaf\\n"
              << shape_str(edge.leaf->data.shape())
              << "\", shape=ellipse, style=filled, fillcolor=lightblue];\n";
        }
        dot << "  n" << id << " -> n" << node_id << ";\n";
      }
    }
  }
  dot << "}\n";
  return dot.str();
}

}  // namespace byo
