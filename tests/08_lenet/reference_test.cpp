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

#include "byo/check.h"
#include "byo/gemm.h"
#include "byo/models/lenet.h"
#include "byo/ops.h"
#include "support/expect.h"
#include "support/reference.h"

namespace byo::models {
namespace {

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

// |ours - theirs| ≤ 1e-4·|theirs|, or ≤ 1e-4 times the largest |value| of the tensor:
// relative for the large values, and for the small ones relative to the tensor's scale
// (the classic net's conv1 gradients are about 1e-8, so a fixed absolute tolerance would
// test nothing).
void expect_close(const std::vector<float>& ours, const test::ReferenceArray& theirs,
                  const std::string& what) {
  const double scale = max_abs(theirs.values);
  ASSERT_GT(scale, 0.0) << what << ": the reference is all zeros";
  test::expect_close(ours, theirs.values, test::Tolerance{.atol = 1e-4 * scale, .rtol = 1e-4},
                     what);
}

class LeNetReference : public testing::TestWithParam<const char*> {};

TEST_P(LeNetReference, ForwardAndBackwardMatchPyTorch) {
  static const std::vector<test::ReferenceCase> reference =
      test::read_reference("data/lenet_reference.txt");
  const std::string variant = GetParam();
  const test::ReferenceCase& expected = test::find_case(reference, variant);
  for (const test::ReferenceArray& a : expected.arrays) {
    EXPECT_TRUE(a.role == "output" || a.role == "grad" || a.role == "sample" || a.role == "sum")
        << "unknown role " << a.role;
  }

  use_fast_kernels();  // the kernels the lenet program trains with
  Generator gen(0);
  LeNet5 model(parse_variant(variant), gen);
  set_fixed_weights(model);
  const Tensor logits = model.forward(fixed_input());
  const Tensor loss = cross_entropy(logits, from_vector({3, 7}, {2}));
  loss.backward();

  expect_close(logits.data().to_vector(), expected.array("output", "logits"), "logits");
  EXPECT_EQ(expected.array("output", "logits").shape, (Shape{2, 10}));
  expect_close({loss.item()}, expected.array("output", "loss"), "loss");

  int64_t checked = 0;
  for (const auto& [name, param] : model.named_parameters()) {
    SCOPED_TRACE(name);
    const std::vector<float> grad = param.grad().data().to_vector();
    if (const test::ReferenceArray* e = expected.find("grad", name)) {
      EXPECT_EQ(e->shape, param.shape());
      expect_close(grad, *e, "grad " + name);
      ++checked;
    } else {
      const test::ReferenceArray& sample = expected.array("sample", name);  // every 29th
      EXPECT_EQ(sample.shape, param.shape());
      std::vector<float> every_29th;
      for (size_t i = 0; i < grad.size(); i += 29) every_29th.push_back(grad[i]);
      expect_close(every_29th, sample, "sample " + name);
      ++checked;
    }
    double sum = 0, sum_abs = 0;
    for (float g : grad) {
      sum += g;
      sum_abs += std::fabs(g);
    }
    const double reference_sum = expected.array("sum", name).values.at(0);
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
