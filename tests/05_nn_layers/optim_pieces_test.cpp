// A step in pieces: begin_step() and update() over ranges that cover every parameter give
// step()'s bits, in any order; update() refuses what it cannot do.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/optim.h"
#include "support/arrays.h"

namespace byo {
namespace {

using test::bits;

// Three parameters of 37, 1 and 70 elements, long enough for SIMD loops with scalar tails;
// the second has no gradient in odd steps.
std::vector<Tensor> make_params() {
  Generator gen(5);
  std::vector<Tensor> params;
  for (const int64_t n : {37, 1, 70}) params.emplace_back(NDArray::randn({n}, gen), true);
  return params;
}

void set_gradients(std::vector<Tensor>& params, int step) {
  Generator gen(static_cast<uint64_t>(100 + step));
  for (size_t i = 0; i < params.size(); ++i) {
    const NDArray g = NDArray::randn(params[i].shape(), gen);
    if (i == 1 && step % 2 == 1) {
      params[i].zero_grad();
    } else {
      params[i].set_grad(Tensor(g));
    }
  }
}

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name,
                                                 std::vector<Tensor> params) {
  if (name == "sgd") {
    return std::make_unique<optim::SGD>(
        params, optim::SGDOptions(0.1).momentum(0.9).dampening(0.1).weight_decay(0.01));
  }
  if (name == "nesterov") {
    return std::make_unique<optim::SGD>(params,
                                        optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
  }
  if (name == "adam") {
    return std::make_unique<optim::Adam>(params, optim::AdamOptions(0.01).weight_decay(0.01));
  }
  if (name == "adamw") return std::make_unique<optim::AdamW>(params, optim::AdamWOptions(0.01));
  return std::make_unique<optim::RMSprop>(
      params, optim::RMSpropOptions(0.01).momentum(0.5).centered(true).weight_decay(0.01));
}

std::vector<std::vector<uint32_t>> snapshot(const std::vector<Tensor>& params,
                                            const optim::Optimizer& optimizer) {
  std::vector<std::vector<uint32_t>> out;
  for (const Tensor& p : params) out.push_back(bits(p.data()));
  for (const auto& [name, value] : optimizer.state_dict()) out.push_back(bits(value));
  return out;
}

class OptimPiecesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OptimPiecesTest, PiecesInAnyOrderGiveTheBitsOfStep) {
  std::vector<Tensor> whole = make_params(), pieces = make_params();
  const auto a = make_optimizer(GetParam(), whole);
  const auto b = make_optimizer(GetParam(), pieces);
  for (int step = 0; step < 4; ++step) {
    set_gradients(whole, step);
    set_gradients(pieces, step);
    a->step();
    b->begin_step();
    // Backwards, in uneven ranges, one of them empty; parameter 1 only when it has a gradient.
    b->update(2, 41, 70);
    b->update(2, 41, 41);
    b->update(2, 0, 41);
    if (step % 2 == 0) b->update(1, 0, 1);
    b->update(0, 13, 37);
    b->update(0, 0, 13);
    EXPECT_EQ(snapshot(pieces, *b), snapshot(whole, *a)) << GetParam() << ", step " << step;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOptimiser, OptimPiecesTest,
                         ::testing::Values("sgd", "nesterov", "adam", "adamw", "rmsprop"),
                         [](const auto& info) { return info.param; });

TEST(OptimPieces, UpdateRefusesWhatItCannotDo) {
  std::vector<Tensor> params = make_params();
  optim::Adam adam(params, optim::AdamOptions(0.01));
  set_gradients(params, 1);  // parameter 1 has none
  const auto refused = [&adam](size_t i, int64_t begin, int64_t end, const std::string& says) {
    try {
      adam.update(i, begin, end);
      FAIL() << "update(" << i << ", " << begin << ", " << end << ") was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused(0, 0, 37, "begin_step");  // not begun
  adam.begin_step();
  refused(3, 0, 1, "parameter 3");
  refused(0, 0, 38, "[0, 38)");
  refused(0, -1, 2, "[-1, 2)");
  refused(0, 3, 2, "[3, 2)");
  refused(1, 0, 1, "no gradient");
  params[2].zero_grad();
  refused(2, 0, 70, "cleared");
  const std::vector<uint32_t> before = bits(params[0].data());
  adam.update(0, 0, 37);
  EXPECT_NE(bits(params[0].data()), before);
  EXPECT_EQ(adam.state_dict().size(), 6u);  // step, exp_avg, exp_avg_sq of parameters 0 and 2
}

// A gradient of the wrong shape (set behind set_grad's back) is refused before any
// parameter's state moves: Adam's step counts stay in step with its updates.
TEST(OptimPieces, ABadGradientChangesNothing) {
  std::vector<Tensor> params = make_params();
  optim::Adam adam(params, optim::AdamOptions(0.01));
  set_gradients(params, 0);
  adam.step();
  const auto before = snapshot(params, adam);
  set_gradients(params, 2);
  params[2].impl()->grad = NDArray::zeros({3});
  EXPECT_THROW(adam.step(), Error);
  EXPECT_THROW(adam.begin_step(), Error);
  EXPECT_EQ(snapshot(params, adam), before);
}

}  // namespace
}  // namespace byo
