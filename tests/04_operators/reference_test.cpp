// byotorch against PyTorch: the compositions of make_reference.py, forward and backward.
// The values are in data/reference.txt (checked in); PyTorch is not needed to run this.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

// One case of the file: every named tensor, by role.
struct Case {
  std::vector<std::pair<std::string, NDArray>> inputs;  // in file order
  std::map<std::string, NDArray> consts;
  NDArray grad_output;  // undefined for a scalar output
  NDArray output;
  std::map<std::string, NDArray> grads;
};

std::map<std::string, Case> read_reference(const std::string& path) {
  std::ifstream file(path);
  BYO_CHECK(file.good()) << "cannot open " << path;
  std::map<std::string, Case> cases;
  Case* current = nullptr;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string role;
    in >> role;
    if (role == "case") {
      std::string name;
      in >> name;
      current = &cases[name];
      continue;
    }
    if (role == "end") {
      current = nullptr;
      continue;
    }
    BYO_CHECK(current != nullptr) << "reference: '" << role << "' outside a case";
    std::string name;
    int64_t ndim = 0;
    in >> name >> ndim;
    Shape shape(ndim);
    for (int64_t& s : shape) in >> s;
    std::string colon;
    in >> colon;
    BYO_CHECK(colon == ":") << "reference: malformed line: " << line;
    std::vector<float> values;
    float v = 0;
    while (in >> v) values.push_back(v);
    NDArray a = NDArray::from_vector(values, shape);
    if (role == "input")
      current->inputs.emplace_back(name, a);
    else if (role == "const")
      current->consts[name] = a;
    else if (role == "grad_output")
      current->grad_output = a;
    else if (role == "output")
      current->output = a;
    else if (role == "grad")
      current->grads[name] = a;
    else
      BYO_CHECK(false) << "reference: unknown role " << role;
  }
  return cases;
}

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
constexpr float kRtol = 1e-5f;
constexpr float kAtol = 1e-5f;

void expect_matches(const NDArray& ours, const NDArray& torch, const std::string& what) {
  ASSERT_EQ(ours.shape(), torch.shape()) << what;
  const std::vector<float> a = ours.to_vector();
  const std::vector<float> b = torch.to_vector();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], b[i], kAtol + kRtol * std::abs(b[i])) << what << " element " << i;
  }
}

class Reference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cases_ = read_reference("data/reference.txt"); }
  static std::map<std::string, Case> cases_;
};
std::map<std::string, Case> Reference::cases_;

TEST_F(Reference, FileAndCompositionsAgree) {
  EXPECT_EQ(cases_.size(), compositions().size());
  for (const auto& [name, fn] : compositions()) EXPECT_TRUE(cases_.count(name)) << name;
}

TEST_F(Reference, ForwardAndGradientsMatchPyTorch) {
  for (const auto& [name, c] : cases_) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(compositions().count(name)) << "no composition for " << name;
    Named tensors;
    for (const auto& [input, value] : c.inputs) tensors[input] = Tensor(value.clone(), true);
    for (const auto& [input, value] : c.consts) tensors[input] = Tensor(value);
    Tensor out = compositions().at(name)(tensors);
    expect_matches(out.data(), c.output, "output");
    if (c.grad_output.defined()) {
      out.backward(Tensor(c.grad_output));
    } else {
      out.backward();
    }
    for (const auto& [input, value] : c.inputs) {
      ASSERT_TRUE(c.grads.count(input)) << input;
      ASSERT_TRUE(tensors[input].grad().defined()) << input;
      expect_matches(tensors[input].grad().data(), c.grads.at(input), "grad of " + input);
    }
  }
}

}  // namespace
}  // namespace byo
