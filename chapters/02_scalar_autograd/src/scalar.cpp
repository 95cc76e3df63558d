/// @file
/// @brief The scalar autograd engine: each operation's forward beside its backward.
#include "byo/scalar.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <utility>

#include "byo/check.h"

namespace byo::scalar {

// The default destructor would release `inputs`, whose last owner destroys its own
// inputs, and so on: one stack frame per node, and a chain of 100,000 operations
// overflows the stack. Instead, unlink the graph with an explicit stack: a node that
// only we still own gives up its inputs to the stack before it dies, so every node is
// destroyed with an empty `inputs` and the destruction never nests.
// (use_count() is exact here because graphs are not shared between threads.)
Node::~Node() {
  std::vector<std::shared_ptr<Node>> pending = std::move(inputs);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    if (node && node.use_count() == 1) {
      for (auto& input : node->inputs) pending.push_back(std::move(input));
      node->inputs.clear();
    }
    // `node` dies here, with no inputs left to release.
  }
}

Scalar::Scalar(double value) : node_(std::make_shared<Node>()) { node_->data = value; }

Scalar::Scalar(double value, std::string label) : Scalar(value) { node_->label = std::move(label); }

Scalar Scalar::make(double value, std::span<const Scalar> inputs, std::string op,
                    BackwardFn backward) {
  BYO_CHECK(inputs.empty() != static_cast<bool>(backward))
      << "Scalar::make(op \"" << op << "\"): an operation with inputs needs a backward "
      << "function, and one without inputs is a leaf (" << inputs.size() << " inputs, "
      << (backward ? "a" : "no") << " backward function)";
  auto node = std::make_shared<Node>();
  node->data = value;
  node->inputs.reserve(inputs.size());
  for (const Scalar& input : inputs) node->inputs.push_back(input.node_);
  node->backward = std::move(backward);
  node->op = std::move(op);
  return Scalar(std::move(node));
}

Scalar& Scalar::set_label(std::string label) {
  node_->label = std::move(label);
  return *this;
}

std::vector<Node*> topological_sort(Node& root) {
  // Post-order depth-first search. Each stack entry is a node and the index of the next
  // input to visit; a node is emitted once all its inputs have been, so every node comes
  // after everything it depends on.
  // "Visited" is a mark in the node rather than a hash set of pointers: the set's inserts
  // were 18% of a training step. Every sort takes a new mark, so old marks never match.
  static std::atomic<uint64_t> last_sort{0};
  const uint64_t mark = ++last_sort;
  std::vector<Node*> order;
  std::vector<std::pair<Node*, size_t>> stack{{&root, 0}};
  root.visit = mark;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      Node* input = node->inputs[next++].get();
      if (input->visit != mark) {
        input->visit = mark;
        stack.emplace_back(input, 0);  // invalidates node and next
      }
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}

void Scalar::backward() const {
  const std::vector<Node*> order = topological_sort(*node_);
  // Interior gradients belong to this pass; leaves keep theirs and accumulate.
  for (Node* node : order) {
    if (!node->is_leaf()) node->grad = 0.0;
  }
  node_->grad += 1.0;  // d(root)/d(root)
  // Reverse order: every node's consumers have added their share before it passes it on.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if ((*it)->backward) (*it)->backward(**it);
  }
}

// ---- The operations: forward value, then the backward that goes with it. ----

Scalar operator+(const Scalar& a, const Scalar& b) {
  return Scalar::make(a.data() + b.data(), {a, b}, "+", [](const Node& out) {
    out.input(0).grad += out.grad;
    out.input(1).grad += out.grad;
  });
}

Scalar operator-(const Scalar& a, const Scalar& b) {
  return Scalar::make(a.data() - b.data(), {a, b}, "-", [](const Node& out) {
    out.input(0).grad += out.grad;
    out.input(1).grad -= out.grad;
  });
}

Scalar operator*(const Scalar& a, const Scalar& b) {
  return Scalar::make(a.data() * b.data(), {a, b}, "*", [](const Node& out) {
    Node& a = out.input(0);
    Node& b = out.input(1);
    a.grad += b.data * out.grad;
    b.grad += a.data * out.grad;
  });
}

Scalar operator/(const Scalar& a, const Scalar& b) {
  return Scalar::make(a.data() / b.data(), {a, b}, "/", [](const Node& out) {
    Node& a = out.input(0);
    Node& b = out.input(1);
    a.grad += out.grad / b.data;
    b.grad -= out.grad * out.data / b.data;  // d(a/b)/db = -a/b^2 = -(a/b)/b
  });
}

Scalar operator-(const Scalar& a) {
  return Scalar::make(-a.data(), {a}, "neg",
                      [](const Node& out) { out.input(0).grad -= out.grad; });
}

Scalar pow(const Scalar& base, double exponent) {
  // The exponent is a constant: captured by value, shown in the op's name.
  char name[32];
  std::snprintf(name, sizeof name, "^%g", exponent);
  return Scalar::make(std::pow(base.data(), exponent), {base}, name, [exponent](const Node& out) {
    Node& x = out.input(0);
    x.grad += exponent * std::pow(x.data, exponent - 1.0) * out.grad;
  });
}

Scalar exp(const Scalar& x) {
  return Scalar::make(std::exp(x.data()), {x}, "exp", [](const Node& out) {
    out.input(0).grad += out.data * out.grad;  // d/dx e^x = e^x, which is out.data
  });
}

Scalar log(const Scalar& x) {
  return Scalar::make(std::log(x.data()), {x}, "log", [](const Node& out) {
    Node& x = out.input(0);
    x.grad += out.grad / x.data;
  });
}

Scalar tanh(const Scalar& x) {
  return Scalar::make(std::tanh(x.data()), {x}, "tanh", [](const Node& out) {
    out.input(0).grad += (1.0 - out.data * out.data) * out.grad;
  });
}

Scalar sigmoid(const Scalar& x) {
  // e^-|x| never overflows; the two branches are the same function.
  const double z = std::exp(-std::abs(x.data()));
  const double s = x.data() >= 0.0 ? 1.0 / (1.0 + z) : z / (1.0 + z);
  return Scalar::make(s, {x}, "sigmoid", [](const Node& out) {
    out.input(0).grad += out.data * (1.0 - out.data) * out.grad;
  });
}

Scalar relu(const Scalar& x) {
  // `x < 0 ? 0 : x` rather than std::max, so that NaN passes through as in PyTorch.
  return Scalar::make(x.data() < 0.0 ? 0.0 : x.data(), {x}, "relu", [](const Node& out) {
    Node& x = out.input(0);
    if (x.data > 0.0) x.grad += out.grad;
  });
}

}  // namespace byo::scalar
