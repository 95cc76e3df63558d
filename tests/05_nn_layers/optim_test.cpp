// SGD and Adam: hand-computed steps, the refusals, and several steps on a fixed problem
// compared with torch.optim (data/optim_reference.txt, made by
// chapters/05_nn_layers/reference/make_optim_reference.py).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "byo/nn.h"
#include "byo/ops.h"
#include "byo/optim.h"
#include "nn_test_util.h"
#include "support/arrays.h"

namespace byo::optim {
namespace {

using test::expect_error;
using test::values;

// A parameter with a given value and gradient, for single-step checks.
Tensor param_with_grad(const std::vector<float>& value, const std::vector<float>& grad) {
  const Shape shape{static_cast<int64_t>(value.size())};
  Tensor p = from_vector(value, shape, /*requires_grad=*/true);
  p.set_grad(from_vector(grad, shape));
  return p;
}

// Within tol·max(1, |expected|).
void expect_near(const std::vector<float>& actual, const std::vector<float>& expected, float tol) {
  test::expect_close(actual, expected, test::Tolerance{.atol = tol, .rtol = tol});
}

TEST(SGD, PlainStepIsPMinusLrTimesGrad) {
  Tensor p = param_with_grad({1.0f, 2.0f}, {0.5f, -1.0f});
  SGD sgd({p}, SGDOptions(0.1));
  sgd.step();
  expect_near(values(p), {0.95f, 2.1f}, 1e-7f);
}

TEST(SGD, MomentumBufferStartsAtTheGradient) {
  Tensor p = param_with_grad({0.0f}, {1.0f});
  SGD sgd({p}, SGDOptions(0.1).momentum(0.9).dampening(0.5));
  sgd.step();  // b = 1 (no dampening on the first step): p = -0.1
  sgd.step();  // b = 0.9 + 0.5·1 = 1.4: p = -0.1 - 0.14
  expect_near(values(p), {-0.24f}, 1e-6f);
}

TEST(SGD, SkipsParametersWithoutGradient) {
  Tensor with = param_with_grad({1.0f}, {1.0f});
  Tensor without = from_vector({5.0f}, {1}, /*requires_grad=*/true);
  Tensor frozen = from_vector({3.0f}, {1});  // requires no grad, as a frozen layer's
  SGD sgd({with, without, frozen}, SGDOptions(0.5));
  sgd.step();
  EXPECT_EQ(values(with), std::vector<float>{0.5f});
  EXPECT_EQ(values(without), std::vector<float>{5.0f});
  EXPECT_EQ(values(frozen), std::vector<float>{3.0f});
}

TEST(SGD, ZeroGradClearsGradients) {
  Tensor p = param_with_grad({1.0f}, {1.0f});
  SGD sgd({p}, SGDOptions(0.5));
  sgd.zero_grad();
  EXPECT_FALSE(p.grad().defined());
}

TEST(SGD, RefusesBadSettings) {
  Tensor p = param_with_grad({1.0f}, {1.0f});
  expect_error([&] { SGD({p}, SGDOptions(-0.1)); },
               "learning rate -0.1 must be a finite number of 0 or more");
  // NaN fails every comparison: it is not "negative", and is named for what it is.
  expect_error([&] { SGD({p}, SGDOptions(std::nan(""))); },
               "learning rate nan must be a finite number");
  expect_error([&] { Adam({p}, AdamOptions(INFINITY)); }, "learning rate inf must be a finite");
  expect_error([&] { SGD({p}, SGDOptions(0.1).nesterov(true)); },
               "Nesterov momentum needs momentum > 0 and dampening = 0");
  expect_error([&] { SGD({p * 2.0f}, SGDOptions(0.1)); }, "is not a leaf");
  expect_error([&] { SGD({p, p}, SGDOptions(0.1)); }, "parameter 1 appears twice");
  nn::LazyLinear lazy(3);
  expect_error([&] { SGD(lazy.parameters(), SGDOptions(0.1)); },
               "Run one forward pass before building the optimiser");
}

TEST(Adam, FirstStepMovesByLrAgainstTheGradientsSign) {
  // Step 1: m̂ = g and v̂ = g², so the update is lr·g/(|g| + eps).
  Tensor p = param_with_grad({1.0f, 1.0f, 1.0f}, {0.001f, -20.0f, 3.0f});
  Adam adam({p}, AdamOptions(0.1));
  adam.step();
  expect_near(values(p), {0.9f, 1.1f, 0.9f}, 1e-5f);
}

TEST(Adam, RefusesBadSettings) {
  Tensor p = param_with_grad({1.0f}, {1.0f});
  expect_error([&] { Adam({p}, AdamOptions(0.1).betas(0.9, 1.0)); }, "must lie in [0, 1)");
  expect_error([&] { Adam({p}, AdamOptions(0.1).eps(-1.0)); },
               "eps -1 must be a finite number of 0 or more");
}

// ---- The reference: torch.optim on a fixed least-squares problem ------------------------

std::unique_ptr<Optimizer> make_optimizer(const test::ReferenceCase& c,
                                          std::vector<Tensor> params) {
  const auto num = [&](const std::string& key) { return c.number(key); };
  if (c.setting("optimizer") == "sgd") {
    return std::make_unique<SGD>(std::move(params), SGDOptions(num("lr"))
                                                        .momentum(num("momentum"))
                                                        .dampening(num("dampening"))
                                                        .weight_decay(num("weight_decay"))
                                                        .nesterov(num("nesterov") != 0));
  }
  return std::make_unique<Adam>(std::move(params), AdamOptions(num("lr"))
                                                       .betas(num("beta1"), num("beta2"))
                                                       .eps(num("eps"))
                                                       .weight_decay(num("weight_decay")));
}

TEST(OptimReference, EveryStepMatchesPyTorch) {
  const std::vector<test::ReferenceCase> ref = test::read_reference("data/optim_reference.txt");
  ASSERT_EQ(ref.size(), 8u);  // the problem, then 7 optimisers
  const test::ReferenceCase& problem = test::find_case(ref, "problem");
  const Tensor x(test::to_ndarray(problem.array("input", "x")));
  const Tensor target(test::to_ndarray(problem.array("input", "target")));
  for (const test::ReferenceCase& c : ref) {
    if (&c == &problem) continue;
    SCOPED_TRACE(c.name);
    nn::Linear layer(3, 2);
    layer.weight.data().copy_(test::to_ndarray(problem.array("input", "w")));
    layer.bias.data().copy_(test::to_ndarray(problem.array("input", "b")));
    auto optimizer = make_optimizer(c, layer.parameters());
    std::unique_ptr<StepLR> scheduler;
    if (c.number("step_size") > 0) {
      scheduler = std::make_unique<StepLR>(*optimizer, static_cast<int>(c.number("step_size")),
                                           c.number("gamma"));
    }
    const std::vector<const test::ReferenceArray*> w_after = c.arrays_with("after", "w");
    const std::vector<const test::ReferenceArray*> b_after = c.arrays_with("after", "b");
    ASSERT_EQ(w_after.size(), 6u);
    ASSERT_EQ(b_after.size(), 6u);
    for (size_t step = 0; step < w_after.size(); ++step) {
      SCOPED_TRACE("step " + std::to_string(step + 1));
      optimizer->zero_grad();
      nn::MSELoss()(layer.forward(x), target).backward();
      optimizer->step();
      if (scheduler) scheduler->step();
      // float32 precision: the largest difference measured is 7.5e-8 (one ulp near 0.5-1).
      expect_near(values(layer.weight), w_after[step]->floats(), 3e-7f);
      expect_near(values(layer.bias), b_after[step]->floats(), 3e-7f);
    }
  }
}

}  // namespace
}  // namespace byo::optim
