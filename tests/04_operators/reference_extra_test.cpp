// byotorch against PyTorch for the views, slicing, extra elementwise ops and losses: the
// compositions of chapters/04_operators/reference/make_reference_extra.py, forward and
// backward, read from data/reference_extra.txt (checked in; PyTorch is not needed).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "byo/ops.h"
#include "support/arrays.h"
#include "test_util.h"

namespace byo {
namespace {

using Named = std::map<std::string, Tensor>;

// The same compositions as make_reference_extra.py, case by case.
const std::map<std::string, std::function<Tensor(const Named&)>>& compositions() {
  static const std::map<std::string, std::function<Tensor(const Named&)>> table = {
      {"expand_unsqueeze",
       [](const Named& t) {
         const Tensor& a = t.at("a");
         const Tensor& b = t.at("b");
         return expand(unsqueeze(a, 0), {2, 3}) * expand(b, {-1, 3}) + squeeze(unsqueeze(b, 2), -1);
       }},
      {"squeeze",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return squeeze(x) * squeeze(squeeze(x, 0), 1) + squeeze(x, 3).sum();
       }},
      {"narrow_select",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return narrow(x, 1, 1, 2) * narrow(select(x, 0, 2), 0, 0, 2) +
                unsqueeze(select(x, 1, -1), 1);
       }},
      {"index_select",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return index_select(x, 0, t.at("rows")).exp().sum() +
                index_select(x, 1, t.at("cols")).pow(2.0f).sum();
       }},
      {"cat_stack",
       [](const Named& t) {
         const Tensor& a = t.at("a");
         const Tensor& c = t.at("c");
         Tensor joined = cat({a, t.at("b")}, 0).tanh();
         Tensor stacked = stack({a, c}, 1);
         return cat({joined, stacked.sum({1})}, 0) * stack({c, a}, -1).sum({-1}).sum({0});
       }},
      {"abs_clamp",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return abs(x) * clamp(x, -0.5f, 0.5f) + clamp(x, 0.1f) + clamp(x, std::nullopt, -0.3f);
       }},
      {"maximum_minimum",
       [](const Named& t) {
         return maximum(t.at("a"), t.at("b")) * minimum(t.at("a"), t.at("b")).exp();
       }},
      {"where",
       [](const Named& t) { return where(t.at("cond"), t.at("a"), t.at("b")) * t.at("a"); }},
      {"min_dim", [](const Named& t) { return min(t.at("x"), 1) * min(t.at("x"), 0, true).sum(); }},
      {"argmax",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return cat({argmax(x, 1), argmax(x, 0), reshape(argmax(x), {1})}, 0);
       }},
      {"log1p_leaky_gelu",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return log1p(x) + leaky_relu(x, 0.1f) * gelu(x) + gelu(x, "tanh") + leaky_relu(x);
       }},
      {"nll_mean",
       [](const Named& t) { return nll_loss(log_softmax(t.at("x"), 1), t.at("target")); }},
      {"nll_sum", [](const Named& t) { return nll_loss(t.at("x"), t.at("target"), "sum"); }},
      {"nll_none", [](const Named& t) { return nll_loss(t.at("x"), t.at("target"), "none"); }},
      {"bce_logits_mean",
       [](const Named& t) { return binary_cross_entropy_with_logits(t.at("x"), t.at("target")); }},
      {"bce_logits_none",
       [](const Named& t) {
         return binary_cross_entropy_with_logits(t.at("x"), t.at("target"), "none");
       }},
      {"bce_logits_sum",
       [](const Named& t) {
         return binary_cross_entropy_with_logits(t.at("x"), t.at("target"), "sum");
       }},
  };
  return table;
}

// float32 on both sides, different summation orders: a few ulps of the larger terms.
constexpr test::Tolerance kTol{.atol = 1e-5, .rtol = 1e-5};

class ReferenceExtra : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cases_ = test::read_reference("data/reference_extra.txt"); }
  static std::vector<test::ReferenceCase> cases_;
};
std::vector<test::ReferenceCase> ReferenceExtra::cases_;

TEST_F(ReferenceExtra, FileAndCompositionsAgree) {
  EXPECT_EQ(cases_.size(), compositions().size());
  for (const auto& [name, fn] : compositions()) {
    EXPECT_NO_THROW(test::find_case(cases_, name)) << name;
  }
}

TEST_F(ReferenceExtra, ForwardAndGradientsMatchPyTorch) {
  for (const test::ReferenceCase& c : cases_) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(compositions().count(c.name)) << "no composition for " << c.name;
    Named tensors;
    for (const test::ReferenceArray* input : c.arrays_with("input")) {
      tensors[input->name] = Tensor(test::to_ndarray(*input), true);
    }
    for (const test::ReferenceArray* constant : c.arrays_with("const")) {
      tensors[constant->name] = Tensor(test::to_ndarray(*constant));
    }
    Tensor out = compositions().at(c.name)(tensors);
    test::expect_close(out.data(), test::to_ndarray(c.array("output", "out")), kTol, "output");
    if (c.arrays_with("input").empty()) continue;  // nothing to differentiate (argmax)
    if (const test::ReferenceArray* g = c.find("grad_output", "g")) {
      out.backward(Tensor(test::to_ndarray(*g)));
    } else {
      out.backward();
    }
    for (const test::ReferenceArray* input : c.arrays_with("input")) {
      ASSERT_TRUE(tensors[input->name].grad().defined()) << input->name;
      test::expect_close(tensors[input->name].grad().data(),
                         test::to_ndarray(c.array("grad", input->name)), kTol,
                         "grad of " + input->name);
    }
  }
}

}  // namespace
}  // namespace byo
