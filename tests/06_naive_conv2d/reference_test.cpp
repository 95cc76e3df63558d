// conv2d, avg_pool2d and max_pool2d against values computed by PyTorch 1.13
// (chapters/06_naive_conv2d/reference/make_reference.py wrote data/reference.txt).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/conv.h"
#include "byo/ndarray.h"
#include "support/arrays.h"

namespace byo {
namespace {

using test::ReferenceCase;

std::vector<ReferenceCase> load_cases() { return test::read_reference("data/reference.txt"); }

Size2 pair(const ReferenceCase& c, const std::string& key) {
  return {std::stoll(c.setting(key + "_h")), std::stoll(c.setting(key + "_w"))};
}

NDArray array(const ReferenceCase& c, const std::string& role, const std::string& name) {
  return test::to_ndarray(c.array(role, name));
}

// float32 on both sides, different summation orders.
constexpr test::Tolerance kTol{.atol = 1e-5, .rtol = 1e-5};

TEST(Reference, FileHasEveryCase) {
  const std::vector<ReferenceCase> cases = load_cases();
  ASSERT_EQ(cases.size(), 9u);
  EXPECT_EQ(cases[0].setting("op"), "conv2d");
  EXPECT_EQ(cases.back().name, "max_pool2d_ties");
}

TEST(Reference, ForwardAndBackwardMatchPyTorch) {
  for (const ReferenceCase& c : load_cases()) {
    SCOPED_TRACE(c.name);
    const std::string op = c.setting("op");
    Tensor x(array(c, "input", "x"), /*requires_grad=*/true);
    Tensor out;
    Tensor w, b;
    if (op == "conv2d") {
      w = Tensor(array(c, "input", "w"), true);
      if (c.number("bias") != 0) b = Tensor(array(c, "input", "b"), true);
      out = conv2d(x, w, b, pair(c, "stride"), pair(c, "padding"));
    } else if (op == "avg_pool2d") {
      out = avg_pool2d(x, pair(c, "kernel"), pair(c, "stride"), pair(c, "padding"));
    } else {
      ASSERT_EQ(op, "max_pool2d");
      out = max_pool2d(x, pair(c, "kernel"), pair(c, "stride"), pair(c, "padding"));
    }
    test::expect_close(out.data(), array(c, "output", "out"), kTol, "out");
    // PyTorch differentiated sum(out * g): the gradient flowing into out is g.
    out.backward(Tensor(array(c, "grad_output", "g")));
    test::expect_close(x.grad().data(), array(c, "grad", "x"), kTol, "grad_x");
    if (w.defined()) test::expect_close(w.grad().data(), array(c, "grad", "w"), kTol, "grad_w");
    if (b.defined()) test::expect_close(b.grad().data(), array(c, "grad", "b"), kTol, "grad_b");
  }
}

}  // namespace
}  // namespace byo
