// byotorch against PyTorch: the compositions of make_reference.py, forward and backward.
// The values are in data/reference.txt (checked in); PyTorch is not needed to run this.
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

// The same compositions as make_reference.py, case by case.
const std::map<std::string, std::function<Tensor(const Named&)>>& compositions() {
  static const std::map<std::string, std::function<Tensor(const Named&)>> table = {
      {"broadcast_arith",
       [](const Named& t) {
         return (t.at("a") * t.at("b") + t.at("c")) / (t.at("d").exp() + 1.0f) - t.at("a");
       }},
      {"unary_chain",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return (x.pow(3.0f) + x.sqrt()).log() * x.sigmoid() + x.tanh() - (x - 1.25f).relu() -
                (-x).exp();
       }},
      {"mlp_cross_entropy",
       [](const Named& t) {
         Tensor h = linear(t.at("x"), t.at("w1"), t.at("b1")).tanh();
         return cross_entropy(linear(h, t.at("w2"), t.at("b2")), t.at("labels"));
       }},
      {"matmul_batched",
       [](const Named& t) { return matmul(t.at("a"), t.at("b")).sigmoid().sum({1}, true); }},
      {"matmul_folded",
       [](const Named& t) {
         return matmul(t.at("a"), t.at("w")).mean({0, 2});
       }},
      {"softmax_mix",
       [](const Named& t) { return (softmax(t.at("x"), 1) * log_softmax(t.at("x"), 0)).sum(); }},
      {"shapes",
       [](const Named& t) {
         Tensor y = t.at("x").permute({2, 0, 1}).reshape({4, 6}).transpose(0, 1);
         return matmul(y.reshape({6, 4}), t.at("m")).flatten();
       }},
      {"max_mse", [](const Named& t) { return mse_loss(t.at("x").max(1), t.at("t")); }},
      {"cross_entropy_large",
       [](const Named& t) { return cross_entropy(t.at("logits") * 50.0f, t.at("labels")); }},
      {"reuse",
       [](const Named& t) {
         const Tensor& x = t.at("x");
         return (x * x + x.exp() * x - x / (x * x + 1.0f)).sum();
       }},
      {"mean_norm",
       [](const Named& t) {
         Tensor y = t.at("x") - t.at("x").mean({1}, true);
         return y / (y.pow(2.0f).mean({1}, true) + 1e-5f).sqrt();
       }},
      {"linear_log_softmax",
       [](const Named& t) { return log_softmax(linear(t.at("x"), t.at("w")), 1); }},
  };
  return table;
}

// float32 on both sides, different summation orders: a few ulps of the larger terms.
constexpr test::Tolerance kTol{.atol = 1e-5, .rtol = 1e-5};

class Reference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cases_ = test::read_reference("data/reference.txt"); }
  static std::vector<test::ReferenceCase> cases_;
};
std::vector<test::ReferenceCase> Reference::cases_;

TEST_F(Reference, FileAndCompositionsAgree) {
  EXPECT_EQ(cases_.size(), compositions().size());
  for (const auto& [name, fn] : compositions()) {
    EXPECT_NO_THROW(test::find_case(cases_, name)) << name;
  }
}

TEST_F(Reference, ForwardAndGradientsMatchPyTorch) {
  for (const test::ReferenceCase& c : cases_) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(compositions().count(c.name)) << "no composition for " << c.name;
    for (const test::ReferenceArray& a : c.arrays) {
      EXPECT_TRUE(a.role == "input" || a.role == "const" || a.role == "grad_output" ||
                  a.role == "output" || a.role == "grad")
          << "unknown role " << a.role;
    }
    Named tensors;
    for (const test::ReferenceArray* input : c.arrays_with("input")) {
      tensors[input->name] = Tensor(test::to_ndarray(*input), true);
    }
    for (const test::ReferenceArray* constant : c.arrays_with("const")) {
      tensors[constant->name] = Tensor(test::to_ndarray(*constant));
    }
    Tensor out = compositions().at(c.name)(tensors);
    test::expect_close(out.data(), test::to_ndarray(c.array("output", "out")), kTol, "output");
    if (const test::ReferenceArray* g = c.find("grad_output", "g")) {
      out.backward(Tensor(test::to_ndarray(*g)));
    } else {
      out.backward();
    }
    for (const test::ReferenceArray* input : c.arrays_with("input")) {
      ASSERT_NE(c.find("grad", input->name), nullptr) << input->name;
      ASSERT_TRUE(tensors[input->name].grad().defined()) << input->name;
      test::expect_close(tensors[input->name].grad().data(),
                         test::to_ndarray(c.array("grad", input->name)), kTol,
                         "grad of " + input->name);
    }
  }
}

}  // namespace
}  // namespace byo
