/// @file
/// @brief Showing Scalars: to_dot() for Graphviz, and operator<<.
#include <cstdio>
#include <sstream>
#include <string>
#include <unordered_map>

#include "byo/scalar.h"

namespace byo::scalar {
namespace {

// Inside a record label these characters delimit fields; a literal one needs a backslash.
std::string escape_record(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '{' || c == '}' || c == '|' || c == '<' || c == '>' || c == '"' || c == '\\') {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

std::string escape_quoted(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

}  // namespace

std::string to_dot(const Scalar& root) {
  const std::vector<Node*> order = topological_sort(root.node());
  std::unordered_map<const Node*, size_t> id;
  for (size_t i = 0; i < order.size(); ++i) id[order[i]] = i;

  // Top to bottom, as the forward pass flows (a tall graph stays legible at a page's width);
  // a value is a box, an operation an ellipse.
  std::ostringstream dot;
  dot << "digraph scalar {\n  rankdir=TB;\n  node [shape=record];\n";
  for (const Node* node : order) {
    const size_t v = id[node];
    dot << "  v" << v << " [label=\"{ " << escape_record(node->label) << " | data "
        << format_number(node->data) << " | grad " << format_number(node->grad) << " }\"];\n";
    if (node->is_leaf()) continue;
    dot << "  v" << v << "_op [label=\"" << escape_quoted(node->op) << "\", shape=ellipse];\n";
    dot << "  v" << v << "_op -> v" << v << ";\n";
    for (const auto& input : node->inputs)
      dot << "  v" << id[input.get()] << " -> v" << v << "_op;\n";
  }
  dot << "}\n";
  return dot.str();
}

std::ostream& operator<<(std::ostream& out, const Scalar& s) {
  out << "Scalar(data=" << format_number(s.data()) << ", grad=" << format_number(s.grad());
  if (!s.op().empty()) out << ", op=" << s.op();
  return out << ")";
}

}  // namespace byo::scalar
