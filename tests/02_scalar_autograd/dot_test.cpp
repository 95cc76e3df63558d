// to_dot(): the graph in Graphviz's language.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "byo/scalar.h"

namespace byo::scalar {
namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ToDot, SmallGraphExactly) {
  Scalar a(2.0, "a"), b(-0.5, "b");
  Scalar c = (a * b).set_label("c");
  c.backward();
  EXPECT_EQ(to_dot(c),
            "digraph scalar {\n"
            "  rankdir=TB;\n"
            "  node [shape=record];\n"
            "  v0 [label=\"{ a | data 2 | grad -0.5 }\"];\n"
            "  v1 [label=\"{ b | data -0.5 | grad 2 }\"];\n"
            "  v2 [label=\"{ c | data -1 | grad 1 }\"];\n"
            "  v2_op [label=\"*\", shape=ellipse];\n"
            "  v2_op -> v2;\n"
            "  v0 -> v2_op;\n"
            "  v1 -> v2_op;\n"
            "}\n");
}

TEST(ToDot, NeuronHasEveryValueAndOperation) {
  Scalar x1(2.0, "x1"), w1(-0.5, "w1"), x2(-1.0, "x2"), w2(1.5, "w2"), b(3.0, "b");
  Scalar o = tanh(x1 * w1 + x2 * w2 + b).set_label("o");
  o.backward();
  const std::string dot = to_dot(o);
  EXPECT_EQ(count(dot, "[label=\"{"), 10);  // 5 leaves, 2 products, 2 sums, o
  EXPECT_EQ(count(dot, "shape=ellipse"), 5);
  EXPECT_EQ(count(dot, "[label=\"*\""), 2);
  EXPECT_EQ(count(dot, "[label=\"+\""), 2);
  EXPECT_EQ(count(dot, "[label=\"tanh\""), 1);
  EXPECT_NE(dot.find("{ o | data 0.4621 | grad 1 }"), std::string::npos) << dot;
  EXPECT_NE(dot.find("{ b | data 3 | grad 0.7864 }"), std::string::npos) << dot;
  EXPECT_EQ(count(dot, " -> "), 5 + 2 * 4 + 1);  // op -> value, and each operand -> op
}

TEST(ToDot, SharedValueIsOneBoxWithTwoEdges) {
  Scalar a(3.0, "a");
  Scalar b = a + a;
  const std::string dot = to_dot(b);
  EXPECT_EQ(count(dot, "{ a |"), 1);
  EXPECT_EQ(count(dot, "v0 -> v1_op;"), 2);
}

TEST(ToDot, EscapesRecordCharacters) {
  Scalar x(1.0, "{x|<y>}\"");
  const std::string dot = to_dot(x);
  EXPECT_NE(dot.find("{ \\{x\\|\\<y\\>\\}\\\" | data 1"), std::string::npos) << dot;
}

TEST(Print, DataGradAndOp) {
  Scalar x = 0.5;
  Scalar y = tanh(x);
  y.backward();
  std::ostringstream out;
  out << x << " " << y;
  EXPECT_EQ(out.str(), "Scalar(data=0.5, grad=0.7864) Scalar(data=0.4621, grad=1, op=tanh)");
}

}  // namespace
}  // namespace byo::scalar
