// The optimisers' state dicts: a copy of the state continues the run exactly, and a state
// that does not fit is refused without changing anything.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/optim.h"
#include "nn_test_util.h"

namespace byo::optim {
namespace {

using test::expect_error;
using test::values;

// Two parameters with fixed values; their gradients are set before each step.
struct Params {
  Tensor a = from_vector({1.0f, -2.0f, 0.5f}, {3}, /*requires_grad=*/true);
  Tensor b = from_vector({0.25f, 4.0f}, {2}, /*requires_grad=*/true);
  std::vector<Tensor> list() const { return {a, b}; }
};

// The gradients of step k: different every step, so that the state matters.
void set_grads(Params& p, int k) {
  const auto f = static_cast<float>(k);
  p.a.set_grad(from_vector({0.5f + f, -1.0f * f, 0.25f}, {3}));
  p.b.set_grad(from_vector({f * f, 1.0f - f}, {2}));
}

// Steps `first` three times, copies its parameters and state into `second` (built over
// a second set of parameters), then steps both twice more: the parameters must agree to
// the bit, as if `second` had been `first` all along.
template <typename Make>
void expect_state_continues_the_run(Make make) {
  Params p1, p2;
  std::unique_ptr<Optimizer> first = make(p1.list());
  for (int k = 1; k <= 3; ++k) {
    set_grads(p1, k);
    first->step();
  }
  p2.a.data().copy_(p1.a.data());
  p2.b.data().copy_(p1.b.data());
  std::unique_ptr<Optimizer> second = make(p2.list());
  second->load_state_dict(first->state_dict());
  for (int k = 4; k <= 5; ++k) {
    set_grads(p1, k);
    set_grads(p2, k);
    first->step();
    second->step();
  }
  EXPECT_EQ(values(p2.a), values(p1.a));
  EXPECT_EQ(values(p2.b), values(p1.b));
  // Without the state the second run would differ: the test can fail.
  Params p3;
  p3.a.data().copy_(p2.a.data());
  std::unique_ptr<Optimizer> fresh = make(p3.list());
  set_grads(p3, 6);
  set_grads(p1, 6);
  fresh->step();
  first->step();
  EXPECT_NE(values(p3.a), values(p1.a));
}

TEST(OptimState, SgdMomentumBuffersContinueTheRun) {
  expect_state_continues_the_run([](std::vector<Tensor> params) -> std::unique_ptr<Optimizer> {
    return std::make_unique<SGD>(std::move(params), SGDOptions(0.1).momentum(0.9));
  });
}

TEST(OptimState, AdamMomentsAndStepCountsContinueTheRun) {
  expect_state_continues_the_run([](std::vector<Tensor> params) -> std::unique_ptr<Optimizer> {
    return std::make_unique<Adam>(std::move(params), AdamOptions(0.01));
  });
}

TEST(OptimState, NamesFollowPyTorchsPerIndexLayout) {
  Params p;
  Adam adam(p.list(), AdamOptions(0.01));
  EXPECT_TRUE(adam.state_dict().empty());  // nothing before the first step
  set_grads(p, 1);
  adam.step();
  const nn::StateDict state = adam.state_dict();
  ASSERT_EQ(state.size(), 6u);
  EXPECT_EQ(state.at("step.1").to_vector(), std::vector<float>{1.0f});
  EXPECT_EQ(state.at("exp_avg.0").shape(), (Shape{3}));
  EXPECT_EQ(state.at("exp_avg_sq.1").shape(), (Shape{2}));
  SGD sgd(p.list(), SGDOptions(0.1).momentum(0.5));
  sgd.step();
  EXPECT_TRUE(sgd.state_dict().contains("momentum_buffer.0"));
}

TEST(OptimState, RefusesStateThatDoesNotFitAndChangesNothing) {
  Params p;
  Adam adam(p.list(), AdamOptions(0.01));
  set_grads(p, 1);
  adam.step();
  const nn::StateDict good = adam.state_dict();
  const auto with = [&](const std::string& name, NDArray value) {
    nn::StateDict s;
    for (const auto& [n, v] : good) s.insert(n, n == name ? value : v);
    if (!s.contains(name)) s.insert(name, value);
    return s;
  };
  expect_error([&] { adam.load_state_dict(with("exp_avg.0", NDArray::zeros({2}))); },
               {"exp_avg.0", "[2]", "[3]"});
  expect_error([&] { adam.load_state_dict(with("exp_avg.7", NDArray::zeros({3}))); },
               {"exp_avg.7", "2 parameters"});
  expect_error([&] { adam.load_state_dict(with("velocity.0", NDArray::zeros({3}))); },
               {"velocity.0"});
  expect_error([&] { adam.load_state_dict(with("step.0", NDArray::from_vector({0.5f}, {1}))); },
               {"step.0", "step count"});
  nn::StateDict partial;
  partial.insert("step.0", NDArray::from_vector({2.0f}, {1}));
  expect_error([&] { adam.load_state_dict(partial); }, {"parameter 0", "exp_avg"});
  EXPECT_EQ(adam.state_dict().at("exp_avg.0").to_vector(), good.at("exp_avg.0").to_vector());
  EXPECT_EQ(adam.state_dict().size(), good.size());

  SGD sgd(p.list(), SGDOptions(0.1).momentum(0.9));
  expect_error([&] { sgd.load_state_dict(good); }, {"SGD", "momentum_buffer"});
  EXPECT_TRUE(sgd.state_dict().empty());
}

}  // namespace
}  // namespace byo::optim
