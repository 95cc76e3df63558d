// AdamW, RMSprop, CosineAnnealingLR and LinearLR: hand-computed steps, the refusals, the
// state dicts, and runs compared with torch (data/nn_extra_reference.txt, made by
// chapters/05_nn_layers/reference/make_nn_extra_reference.py) — BatchNorm's cases too.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
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

const std::vector<test::ReferenceCase>& cases() {
  static const auto all = test::read_reference("data/nn_extra_reference.txt");
  return all;
}

// The array of `role` and `name` in case `c`, as an NDArray of its shape.
NDArray ref(const test::ReferenceCase& c, const std::string& role, const std::string& name) {
  return test::to_ndarray(c.array(role, name));
}

// float32 on both sides, different summation orders: a few ulps of the larger terms.
constexpr test::Tolerance kTol{.atol = 1e-5, .rtol = 1e-5};

Tensor param_with_grad(const std::vector<float>& value, const std::vector<float>& grad) {
  const Shape shape{static_cast<int64_t>(value.size())};
  Tensor p = from_vector(value, shape, /*requires_grad=*/true);
  p.set_grad(from_vector(grad, shape));
  return p;
}

TEST(AdamW, DecaysTheParameterNotTheGradient) {
  // With g = 0 Adam's update is 0, so AdamW only decays: p·(1 − ηλ).
  Tensor p = param_with_grad({2.0f, -4.0f}, {0.0f, 0.0f});
  AdamW opt({p}, AdamWOptions(0.1).weight_decay(0.5));
  opt.step();
  EXPECT_EQ(values(p), (std::vector<float>{2.0f * 0.95f, -4.0f * 0.95f}));
  // Adam's L2 decay with the same λ moves p by about η instead (the decay is normalised).
  Tensor q = param_with_grad({2.0f}, {0.0f});
  Adam adam({q}, AdamOptions(0.1).weight_decay(0.5));
  adam.step();
  EXPECT_NEAR(values(q)[0], 1.9f, 1e-5f);
  EXPECT_EQ(AdamWOptions().weight_decay(), 0.01);
  EXPECT_EQ(AdamWOptions().lr(), 1e-3);
}

TEST(AdamW, RefusesBadSettingsNamingItself) {
  Tensor p = param_with_grad({1.0f}, {1.0f});
  expect_error([&] { AdamW({p}, AdamWOptions(0.1).weight_decay(-1.0)); },
               "AdamW: weight_decay -1 must be a finite number of 0 or more");
  expect_error([&] { AdamW({p}, AdamWOptions(0.1).betas(1.0, 0.9)); }, "AdamW: betas (1, 0.9)");
}

TEST(RMSprop, FirstStepIsLrOverSqrtOneMinusAlpha) {
  Tensor p = param_with_grad({1.0f, 1.0f}, {2.0f, -0.5f});
  RMSprop opt({p}, RMSpropOptions(0.01));
  opt.step();  // v = 0.01·g², step = η·g/(0.1·|g|) = ±0.1
  EXPECT_NEAR(values(p)[0], 0.9f, 1e-6f);
  EXPECT_NEAR(values(p)[1], 1.1f, 1e-6f);
}

TEST(RMSprop, StateDictRoundTrip) {
  Tensor p = param_with_grad({1.0f, 2.0f}, {0.5f, -1.0f});
  RMSprop opt({p}, RMSpropOptions(0.01).momentum(0.9).centered(true));
  opt.step();
  const nn::StateDict state = opt.state_dict();
  for (const char* name : {"step.0", "square_avg.0", "momentum_buffer.0", "grad_avg.0"}) {
    EXPECT_TRUE(state.contains(name)) << name;
  }
  // A copy restored from the state continues exactly as the original.
  Tensor q = param_with_grad(values(p), {0.5f, -1.0f});
  RMSprop resumed({q}, RMSpropOptions(0.01).momentum(0.9).centered(true));
  resumed.load_state_dict(state);
  opt.step();
  resumed.step();
  EXPECT_EQ(values(p), values(q));
  RMSprop plain({q}, RMSpropOptions(0.01));
  expect_error([&] { plain.load_state_dict(state); }, "RMSprop: load_state_dict: parameter 0");
  nn::StateDict bad;
  bad.insert("exp_avg.0", NDArray::zeros({2}));
  expect_error([&] { plain.load_state_dict(bad); }, "unexpected entry 'exp_avg.0'");
}

TEST(RMSprop, RefusesBadSettings) {
  Tensor p = param_with_grad({1.0f}, {1.0f});
  expect_error([&] { RMSprop({p}, RMSpropOptions(-1.0)); }, "RMSprop: learning rate -1");
  expect_error([&] { RMSprop({p}, RMSpropOptions().alpha(-0.5)); }, "RMSprop: alpha -0.5");
  expect_error([&] { RMSprop({p}, RMSpropOptions().momentum(-0.5)); }, "RMSprop: momentum");
}

// The optimiser of each reference case, over parameter p.
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Tensor& p) {
  if (name == "adamw_default") return std::make_unique<AdamW>(std::vector{p}, AdamWOptions(0.05));
  if (name == "adamw_betas_decay") {
    return std::make_unique<AdamW>(std::vector{p},
                                   AdamWOptions(0.1).betas(0.8, 0.99).eps(1e-6).weight_decay(0.1));
  }
  if (name == "rmsprop_default") return std::make_unique<RMSprop>(std::vector{p}, RMSpropOptions());
  if (name == "rmsprop_momentum_decay") {
    return std::make_unique<RMSprop>(
        std::vector{p}, RMSpropOptions(0.02).alpha(0.9).momentum(0.5).weight_decay(0.05));
  }
  if (name == "rmsprop_centered") {
    return std::make_unique<RMSprop>(std::vector{p},
                                     RMSpropOptions(0.01).momentum(0.9).centered(true).eps(1e-6));
  }
  return nullptr;
}

TEST(OptimExtraReference, FiveStepsOnAQuadraticMatchTorch) {
  int checked = 0;
  for (const test::ReferenceCase& c : cases()) {
    const std::string& name = c.name;
    if (c.find("const", "p0") == nullptr) continue;
    SCOPED_TRACE(name);
    Tensor p(ref(c, "const", "p0"), true);
    std::unique_ptr<Optimizer> opt = make_optimizer(name, p);
    ASSERT_NE(opt, nullptr) << "no optimiser for " << name;
    const Tensor a(ref(c, "const", "a"));
    const Tensor target(ref(c, "const", "c"));
    for (int step = 1; step <= 5; ++step) {
      opt->zero_grad();
      (0.5f * (a * (p - target).pow(2.0f)).sum()).backward();
      opt->step();
      test::expect_close(p.data(), ref(c, "after", std::to_string(step)),
                         {.atol = 1e-6, .rtol = 1e-5}, "p after step " + std::to_string(step));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

// The scheduler of each reference case, over an SGD with lr 0.1.
std::unique_ptr<LRScheduler> make_scheduler(const std::string& name, Optimizer& opt) {
  if (name == "cosine_t8") return std::make_unique<CosineAnnealingLR>(opt, 8, 0.001);
  if (name == "cosine_t20") return std::make_unique<CosineAnnealingLR>(opt, 20);
  if (name == "linear_warmup_default") return std::make_unique<LinearLR>(opt);
  if (name == "linear_warmup_10") return std::make_unique<LinearLR>(opt, 0.1, 1.0, 10);
  if (name == "linear_decay") return std::make_unique<LinearLR>(opt, 1.0, 0.2, 8);
  return nullptr;
}

TEST(SchedulerReference, TwentyStepsMatchTorch) {
  int checked = 0;
  for (const test::ReferenceCase& c : cases()) {
    const std::string& name = c.name;
    if (c.find("output", "lrs") == nullptr) continue;
    SCOPED_TRACE(name);
    Tensor p = zeros({1}, true);
    SGD sgd({p}, SGDOptions(0.1));
    std::unique_ptr<LRScheduler> sched = make_scheduler(name, sgd);
    ASSERT_NE(sched, nullptr) << "no scheduler for " << name;
    NDArray lrs = NDArray::empty({21});
    lrs.data()[0] = static_cast<float>(sgd.lr());
    for (int epoch = 1; epoch <= 20; ++epoch) {
      sched->step();
      lrs.data()[epoch] = static_cast<float>(sgd.lr());
    }
    test::expect_close(lrs, ref(c, "output", "lrs"), {.atol = 1e-9, .rtol = 1e-6}, "lr");
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(Schedulers, ValuesAndRefusals) {
  Tensor p = zeros({1}, true);
  SGD sgd({p}, SGDOptions(1.0));
  {
    LinearLR warmup(sgd, 0.25, 1.0, 3);
    EXPECT_DOUBLE_EQ(sgd.lr(), 0.25);  // set at construction, as PyTorch
    warmup.step();
    EXPECT_DOUBLE_EQ(sgd.lr(), 0.5);
    warmup.step();
    warmup.step();
    warmup.step();
    EXPECT_DOUBLE_EQ(sgd.lr(), 1.0);  // and constant after total_iters
  }
  sgd.set_lr(1.0);
  CosineAnnealingLR cosine(sgd, 4, 0.2);
  for (int i = 0; i < 2; ++i) cosine.step();
  EXPECT_NEAR(sgd.lr(), 0.6, 1e-12);  // half way: the mean of 1 and 0.2
  cosine.step();
  cosine.step();
  EXPECT_NEAR(sgd.lr(), 0.2, 1e-12);
  expect_error([&] { CosineAnnealingLR(sgd, 0); }, "CosineAnnealingLR: T_max 0 must be positive");
  expect_error([&] { LinearLR(sgd, -0.5); }, "LinearLR: start_factor -0.5 must lie in [0, 1]");
  {  // start_factor 0 is allowed, as in PyTorch 1.13: the first epoch trains at lr 0
    LinearLR from_zero(sgd, 0.0, 1.0, 4);
    EXPECT_EQ(sgd.lr(), 0.0);
    from_zero.step();
    EXPECT_NEAR(sgd.lr(), 0.25 * 0.2, 1e-12);
  }
  expect_error([&] { LinearLR(sgd, 0.5, 1.5); }, "LinearLR: end_factor 1.5");
  expect_error([&] { LinearLR(sgd, 0.5, 1.0, 0); }, "LinearLR: total_iters 0");
}

// BatchNorm's cases: a training step (output and gradients), the running statistics after
// three, and the evaluation output.
std::unique_ptr<nn::BatchNorm> make_batchnorm(const std::string& name) {
  if (name == "batchnorm1d") return std::make_unique<nn::BatchNorm1d>(3);
  if (name == "batchnorm1d_3d") return std::make_unique<nn::BatchNorm1d>(2);
  if (name == "batchnorm2d") return std::make_unique<nn::BatchNorm2d>(3);
  if (name == "batchnorm2d_no_affine") {
    return std::make_unique<nn::BatchNorm2d>(nn::BatchNormOptions(2).affine(false));
  }
  return nullptr;
}

TEST(BatchNormReference, TrainStepStatisticsAndEvalMatchTorch) {
  int checked = 0;
  for (const test::ReferenceCase& c : cases()) {
    const std::string& name = c.name;
    if (c.find("eval_output", "out") == nullptr) continue;
    SCOPED_TRACE(name);
    std::unique_ptr<nn::BatchNorm> bn = make_batchnorm(name);
    ASSERT_NE(bn, nullptr) << "no layer for " << name;
    if (bn->options().affine()) {
      bn->weight.data().copy_(ref(c, "input", "weight"));
      bn->bias.data().copy_(ref(c, "input", "bias"));
    }
    Tensor x(ref(c, "const", "x"), true);
    Tensor y = (*bn)(x);
    test::expect_close(y.data(), ref(c, "output", "out"), kTol, "train output");
    y.backward(Tensor(ref(c, "grad_output", "g")));
    test::expect_close(x.grad().data(), ref(c, "grad", "x"), {.atol = 1e-5, .rtol = 1e-4},
                       "grad of x");
    if (bn->options().affine()) {
      test::expect_close(bn->weight.grad().data(), ref(c, "grad", "weight"), kTol,
                         "grad of weight");
      test::expect_close(bn->bias.grad().data(), ref(c, "grad", "bias"), kTol, "grad of bias");
    }
    (*bn)(Tensor(ref(c, "const", "x2")));
    (*bn)(Tensor(ref(c, "const", "x3")));
    test::expect_close(bn->running_mean.data(), ref(c, "running_mean", "running_mean"), kTol,
                       "running_mean");
    test::expect_close(bn->running_var.data(), ref(c, "running_var", "running_var"), kTol,
                       "running_var");
    test::expect_close(bn->num_batches_tracked.data(),
                       ref(c, "num_batches_tracked", "num_batches_tracked"), kTol,
                       "num_batches_tracked");
    bn->eval();
    test::expect_close((*bn)(Tensor(ref(c, "const", "x"))).data(), ref(c, "eval_output", "out"),
                       kTol, "eval output");
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

}  // namespace
}  // namespace byo::optim
