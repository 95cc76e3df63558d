// LeNet-5 against PyTorch: one forward and backward from fixed weights, both variants.
//
// The values are in data/lenet_reference.txt, made by
// chapters/08_lenet/reference/make_reference.py with PyTorch; PyTorch is not needed here.
// The weights are not in the file: both sides compute them from the same formula,
//
//     parameter L (conv1.weight = 0 ... fc3.bias = 9), flat element i, fan_in F:
//     w = sin(0.1 + 0.7·i + 1.3·L) / sqrt(F)         (in double, then rounded to float)
//
// and the input is x[i] = 0.5 + 0.5·sin(0.37·i) for x of shape (2,1,28,28), labels {3, 7}.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/models/lenet.h"
#include "byo/ops.h"

namespace byo::models {
namespace {

// One line of the file: role, name, the full shape, the values.
struct Entry {
  Shape shape;
  std::vector<double> values;
};

// case name -> "role name" -> entry
using Reference = std::map<std::string, std::map<std::string, Entry>>;

Reference read_reference(const std::string& path) {
  std::ifstream file(path);
  BYO_CHECK(file.good()) << "cannot open " << path;
  Reference cases;
  std::map<std::string, Entry>* current = nullptr;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string role, name;
    in >> role;
    if (role == "case") {
      in >> name;
      current = &cases[name];
      continue;
    }
    if (role == "end") {
      current = nullptr;
      continue;
    }
    BYO_CHECK(current != nullptr) << "reference: '" << role << "' outside a case";
    BYO_CHECK(role == "output" || role == "grad" || role == "sample" || role == "sum")
        << "reference: unknown role " << role;
    int64_t ndim = 0;
    in >> name >> ndim;
    Entry entry;
    entry.shape.resize(static_cast<size_t>(ndim));
    for (int64_t& s : entry.shape) in >> s;
    std::string colon;
    in >> colon;
    BYO_CHECK(colon == ":") << "reference: malformed line: " << line.substr(0, 80);
    double v = 0;
    while (in >> v) entry.values.push_back(v);
    (*current)[role + " " + name] = std::move(entry);
  }
  return cases;
}

// The fan-in of each parameter's layer, in the order of named_parameters().
constexpr int64_t kFanIn[10] = {25, 25, 150, 150, 400, 400, 120, 120, 84, 84};

void set_fixed_weights(LeNet5& model) {
  const auto params = model.named_parameters();
  ASSERT_EQ(params.size(), 10u);
  for (size_t layer = 0; layer < params.size(); ++layer) {
    float* w = params[layer].second.data().data();
    const int64_t n = params[layer].second.numel();
    for (int64_t i = 0; i < n; ++i) {
      w[i] = static_cast<float>(std::sin(0.1 + 0.7 * static_cast<double>(i) + 1.3 * layer) /
                                std::sqrt(static_cast<double>(kFanIn[layer])));
    }
  }
}

Tensor fixed_input() {
  std::vector<float> x(2 * 28 * 28);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(0.5 + 0.5 * std::sin(0.37 * static_cast<double>(i)));
  }
  return from_vector(x, {2, 1, 28, 28});
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// |ours - theirs| ≤ 1e-4·(|theirs| + the largest |value| of the tensor): relative for the
// large values, and for the small ones relative to the tensor's scale (the classic net's
// conv1 gradients are about 1e-8, so a fixed absolute tolerance would test nothing).
void expect_close(const std::vector<float>& ours, const std::vector<double>& theirs,
                  const std::string& what) {
  ASSERT_EQ(ours.size(), theirs.size()) << what;
  const double scale = max_abs(theirs);
  ASSERT_GT(scale, 0.0) << what << ": the reference is all zeros";
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_NEAR(ours[i], theirs[i], 1e-4 * (std::fabs(theirs[i]) + scale))
        << what << " element " << i;
  }
}

class LeNetReference : public testing::TestWithParam<const char*> {};

TEST_P(LeNetReference, ForwardAndBackwardMatchPyTorch) {
  static const Reference reference = read_reference("data/lenet_reference.txt");
  const std::string variant = GetParam();
  ASSERT_TRUE(reference.contains(variant)) << "no case " << variant;
  const auto& expected = reference.at(variant);

  use_fast_kernels();  // the kernels the lenet program trains with
  Generator gen(0);
  LeNet5 model(parse_variant(variant), gen);
  set_fixed_weights(model);
  const Tensor logits = model.forward(fixed_input());
  const Tensor loss = cross_entropy(logits, from_vector({3, 7}, {2}));
  loss.backward();

  expect_close(logits.data().to_vector(), expected.at("output logits").values, "logits");
  EXPECT_EQ(expected.at("output logits").shape, (Shape{2, 10}));
  expect_close({loss.item()}, expected.at("output loss").values, "loss");

  int64_t checked = 0;
  for (const auto& [name, param] : model.named_parameters()) {
    SCOPED_TRACE(name);
    const std::vector<float> grad = param.grad().data().to_vector();
    if (expected.contains("grad " + name)) {
      const Entry& e = expected.at("grad " + name);
      EXPECT_EQ(e.shape, param.shape());
      expect_close(grad, e.values, "grad " + name);
      ++checked;
    } else {
      const Entry& e = expected.at("sample " + name);  // every 29th element
      EXPECT_EQ(e.shape, param.shape());
      std::vector<float> every_29th;
      for (size_t i = 0; i < grad.size(); i += 29) every_29th.push_back(grad[i]);
      expect_close(every_29th, e.values, "sample " + name);
      ++checked;
    }
    double sum = 0, sum_abs = 0;
    for (float g : grad) {
      sum += g;
      sum_abs += std::fabs(g);
    }
    const double reference_sum = expected.at("sum " + name).values.at(0);
    EXPECT_NEAR(sum, reference_sum, 1e-4 * sum_abs) << "sum of grad " << name;
  }
  EXPECT_EQ(checked, 10);
}

INSTANTIATE_TEST_SUITE_P(Variants, LeNetReference, testing::Values("classic", "modern"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace byo::models
