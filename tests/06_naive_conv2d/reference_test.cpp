// conv2d, avg_pool2d and max_pool2d against values computed by PyTorch 1.13
// (chapters/06_naive_conv2d/reference/make_reference.py wrote data/reference.txt).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "byo/conv.h"
#include "byo/ndarray.h"

namespace byo {
namespace {

struct Case {
  std::string op, label;
  std::map<std::string, int64_t> params;  // "stride_h", "padding_w", "bias", ...
  std::map<std::string, NDArray> arrays;  // "x", "w", "out", "grad_x", ...
};

// The file is a list of cases: a line "case <op> <label> key v1 v2 ...", then pairs of
// lines "<name> <ndim> <dims...>" and the values.
std::vector<Case> load_cases() {
  std::ifstream in("data/reference.txt");
  EXPECT_TRUE(in) << "cannot open data/reference.txt (tests run in their source folder)";
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string head;
    words >> head;
    if (head == "case") {
      Case c;
      words >> c.op >> c.label;
      std::string key;
      while (words >> key) {
        if (key == "bias") {
          words >> c.params["bias"];
        } else {
          words >> c.params[key + "_h"] >> c.params[key + "_w"];
        }
      }
      cases.push_back(std::move(c));
      continue;
    }
    int64_t ndim = 0;
    words >> ndim;
    Shape shape(static_cast<size_t>(ndim));
    for (auto& d : shape) words >> d;
    std::getline(in, line);
    std::istringstream values_line(line);
    std::vector<float> values;
    float v = 0;
    while (values_line >> v) values.push_back(v);
    cases.back().arrays[head] = NDArray::from_vector(values, shape);
  }
  return cases;
}

Size2 pair(const Case& c, const std::string& key) {
  return {c.params.at(key + "_h"), c.params.at(key + "_w")};
}

void expect_close(const NDArray& actual, const NDArray& expected, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  EXPECT_TRUE(allclose(actual, expected, 1e-5f, 1e-5f))
      << what << "\nactual:   " << actual << "\nexpected: " << expected;
}

TEST(Reference, FileHasEveryCase) {
  const std::vector<Case> cases = load_cases();
  ASSERT_EQ(cases.size(), 9u);
  EXPECT_EQ(cases[0].op, "conv2d");
  EXPECT_EQ(cases.back().label, "ties");
}

TEST(Reference, ForwardAndBackwardMatchPyTorch) {
  for (const Case& c : load_cases()) {
    SCOPED_TRACE(c.op + " " + c.label);
    Tensor x(c.arrays.at("x"), /*requires_grad=*/true);
    Tensor out;
    Tensor w, b;
    if (c.op == "conv2d") {
      w = Tensor(c.arrays.at("w"), true);
      if (c.params.at("bias")) b = Tensor(c.arrays.at("b"), true);
      out = conv2d(x, w, b, pair(c, "stride"), pair(c, "padding"));
    } else if (c.op == "avg_pool2d") {
      out = avg_pool2d(x, pair(c, "kernel"), pair(c, "stride"), pair(c, "padding"));
    } else {
      out = max_pool2d(x, pair(c, "kernel"), pair(c, "stride"), pair(c, "padding"));
    }
    expect_close(out.data(), c.arrays.at("out"), "out");
    // PyTorch differentiated sum(out * g): the gradient flowing into out is g.
    out.backward(Tensor(c.arrays.at("g")));
    expect_close(x.grad().data(), c.arrays.at("grad_x"), "grad_x");
    if (w.defined()) expect_close(w.grad().data(), c.arrays.at("grad_w"), "grad_w");
    if (b.defined()) expect_close(b.grad().data(), c.arrays.at("grad_b"), "grad_b");
  }
}

}  // namespace
}  // namespace byo
