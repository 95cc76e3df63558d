// gradcheck itself: it must pass every correct gradient and catch every wrong one.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "byo/autograd.h"
#include "byo/broadcast.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "test_util.h"

namespace byo {
namespace {

using Inputs = std::vector<Tensor>;

// y = x³ whose backward multiplies by `factor`·x² (3 is right).
class CubeBackward : public Node {
 public:
  explicit CubeBackward(float factor) : factor_(factor) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& x = saved(0);
    return {g * factor_ * x * x};
  }
  std::string name() const override { return "Cube"; }

 private:
  float factor_;
};

Tensor cube(const Tensor& x, float factor) {
  auto node = std::make_shared<CubeBackward>(factor);
  node->save_for_backward({x.data()});
  return make_result(x.data() * x.data() * x.data(), node, {x});
}

// y = a·b whose backward forgets to transpose: d/da = g·b instead of g·bᵀ.
class UntransposedMatmulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return {matmul(g, saved(1)), matmul(saved(0).transpose(0, 1), g)};
  }
  std::string name() const override { return "BadMatmul"; }
};

// y = a·b (broadcasting) whose backward forgets sum_to for b and instead takes row 0.
class FirstRowMulBackward : public Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    const NDArray& a = saved(0);
    const NDArray& b = saved(1);
    return {g * b, (g * a).select(0, 0)};
  }
  std::string name() const override { return "BadMul"; }
};

TEST(Gradcheck, PassesACorrectBackward) {
  Generator gen(1);
  GradcheckResult result =
      gradcheck([](const Inputs& in) { return cube(in[0], 3.0f); }, {test::uniform({4, 3}, gen)});
  EXPECT_TRUE(result.passed());
  ASSERT_EQ(result.inputs.size(), 1u);
  EXPECT_TRUE(result.inputs[0].checked);
  EXPECT_LT(result.inputs[0].max_abs_error, 1e-3);
}

TEST(Gradcheck, CatchesAWrongFactor) {
  Generator gen(2);
  for (float factor : {2.0f, -3.0f, 3.1f}) {  // a dropped factor, a sign, a 3% error
    SCOPED_TRACE(factor);
    GradcheckResult result = gradcheck([factor](const Inputs& in) { return cube(in[0], factor); },
                                       {test::uniform({4, 3}, gen, 0.5f, 1.5f)});
    EXPECT_FALSE(result.passed());
    EXPECT_FALSE(result.inputs[0].passed);
    EXPECT_GT(result.inputs[0].max_rel_error, 0.02);
  }
}

TEST(Gradcheck, CatchesAMissingTranspose) {
  Generator gen(3);
  auto bad = [](const Inputs& in) {
    auto node = std::make_shared<UntransposedMatmulBackward>();
    node->save_for_backward({in[0].data(), in[1].data()});
    return make_result(matmul(in[0].data(), in[1].data()), node, in);
  };
  GradcheckResult result = gradcheck(bad, {test::uniform({3, 3}, gen), test::uniform({3, 3}, gen)});
  EXPECT_FALSE(result.passed());
  EXPECT_FALSE(result.inputs[0].passed);  // d/da is wrong
  EXPECT_TRUE(result.inputs[1].passed);   // d/db is right
}

TEST(Gradcheck, CatchesAMissingSumOverTheBroadcast) {
  Generator gen(4);
  auto bad = [](const Inputs& in) {
    auto node = std::make_shared<FirstRowMulBackward>();
    node->save_for_backward({in[0].data(), in[1].data()});
    return make_result(in[0].data() * in[1].data(), node, in);
  };
  GradcheckResult result = gradcheck(bad, {test::uniform({3, 4}, gen), test::uniform({4}, gen)});
  EXPECT_TRUE(result.inputs[0].passed);
  EXPECT_FALSE(result.inputs[1].passed);
}

TEST(Gradcheck, CorrectOpsPassForManySeeds) {
  // The tolerances must never fail a correct op: try many random inputs of each.
  const std::vector<std::pair<const char*, GradcheckFunction>> ops = {
      {"matmul", [](const Inputs& in) { return matmul(in[0], in[1].transpose(0, 1)); }},
      {"linear", [](const Inputs& in) { return linear(in[0], in[1], in[1].sum({1})); }},
      {"div", [](const Inputs& in) { return in[0] / (in[1].exp() + 1.0f); }},
      {"log_softmax", [](const Inputs& in) { return log_softmax(in[0] * 3.0f, 1); }},
      {"sum", [](const Inputs& in) { return (in[0] * in[1]).sum(); }},
      {"tanh", [](const Inputs& in) { return (in[0] * 2.0f).tanh().mean({0}); }},
      {"mse", [](const Inputs& in) { return mse_loss(in[0], in[1]); }},
  };
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Generator gen(100 + seed);
    Tensor a = test::uniform({8, 6}, gen, -2.0f, 2.0f);
    Tensor b = test::uniform({8, 6}, gen, -2.0f, 2.0f);
    for (const auto& [name, fn] : ops) {
      SCOPED_TRACE(std::string(name) + " seed " + std::to_string(seed));
      GradcheckOptions options;
      options.seed = seed;
      test::expect_gradcheck(fn, {a, b}, options);
    }
  }
}

TEST(Gradcheck, UnusedInputHasZeroGradient) {
  Generator gen(5);
  GradcheckResult result = gradcheck([](const Inputs& in) { return in[0] * 2.0f; },
                                     {test::uniform({3}, gen), test::uniform({2}, gen)});
  EXPECT_TRUE(result.passed());
  EXPECT_TRUE(result.inputs[1].checked);
  EXPECT_EQ(result.inputs[1].max_abs_error, 0.0);
}

TEST(Gradcheck, LeavesInputsAsTheyWere) {
  Generator gen(6);
  Tensor x = test::transposed({3, 4}, gen);
  const std::vector<float> before = x.data().to_vector();
  gradcheck([](const Inputs& in) { return in[0].exp(); }, {x});
  EXPECT_EQ(x.data().to_vector(), before);  // restored exactly
  EXPECT_FALSE(x.grad().defined());         // the caller's tensor got no gradient
}

TEST(Gradcheck, RejectsExpandedInputs) {
  Tensor x(broadcast_to(NDArray::ones({1, 3}), {4, 3}), true);
  EXPECT_THROW(gradcheck([](const Inputs& in) { return in[0] * 2.0f; }, {x}), Error);
}

TEST(Gradcheck, RejectsAnOutputWithoutGrad) {
  EXPECT_THROW(gradcheck([](const Inputs& in) { return in[0].detach(); }, {ones({2}, true)}),
               Error);
}

TEST(Gradcheck, PrintsATable) {
  Generator gen(7);
  Inputs inputs = {test::uniform({2, 3}, gen), Tensor(NDArray::ones({3}))};
  GradcheckResult result =
      gradcheck([](const Inputs& in) { return cube(in[0], 2.0f) + in[1]; }, inputs);
  std::ostringstream os;
  print_gradcheck(os, inputs, result);
  const std::string table = os.str();
  EXPECT_NE(table.find("max abs err"), std::string::npos) << table;
  EXPECT_NE(table.find("[2, 3]"), std::string::npos) << table;
  EXPECT_NE(table.find("FAIL"), std::string::npos) << table;
  EXPECT_NE(table.find("skipped"), std::string::npos) << table;
}

}  // namespace
}  // namespace byo
