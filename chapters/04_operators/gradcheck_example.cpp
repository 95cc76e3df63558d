// Gradchecking your own code, the two ways chapter 4's README shows: a function composed
// of existing ops, and a new op (a Node with a hand-written backward).
//
//     ./build/chapters/04_operators/ch04_gradcheck_example
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/gradcheck.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/random.h"
#include "byo/tensor.h"

namespace {

// [own_op]
// y = x³, a new op: its backward is dy/dx·g = 3x²·g.
class CubeBackward : public byo::Node {
 public:
  std::vector<byo::NDArray> backward(const byo::NDArray& g) override {
    const byo::NDArray& x = saved(0);
    return {g * x * x * 3.0f};  // one gradient per input
  }
  std::string name() const override { return "Cube"; }
};

byo::Tensor cube(const byo::Tensor& x) {
  auto node = std::make_shared<CubeBackward>();
  node->save_for_backward({x.data()});
  return byo::make_result(x.data() * x.data() * x.data(), node, {x});
}
// [own_op]

// The same op with a dropped factor (2x² for 3x²): gradcheck must catch it.
class WrongCubeBackward : public CubeBackward {
 public:
  std::vector<byo::NDArray> backward(const byo::NDArray& g) override {
    const byo::NDArray& x = saved(0);
    return {g * x * x * 2.0f};
  }
};

byo::Tensor wrong_cube(const byo::Tensor& x) {
  auto node = std::make_shared<WrongCubeBackward>();
  node->save_for_backward({x.data()});
  return byo::make_result(x.data() * x.data() * x.data(), node, {x});
}

}  // namespace

int main() {
  // [own_function]
  byo::Generator gen(0);
  // Only inputs created with requires_grad = true are checked; the others are constants.
  const byo::Tensor x = byo::randn({3, 4}, gen, /*requires_grad=*/true);
  const byo::Tensor w = byo::randn({4, 2}, gen, /*requires_grad=*/true);

  // The function type is byo::GradcheckFunction: inputs in, one tensor out.
  const byo::GradcheckFunction softplus_layer = [](const std::vector<byo::Tensor>& in) {
    return byo::log(byo::exp(byo::matmul(in[0], in[1])) + 1.0f);  // log(1 + e^(x·w))
  };
  const byo::GradcheckResult r = byo::gradcheck(softplus_layer, {x, w});
  std::printf("softplus(x·w): %s\n", r.passed() ? "passed" : "FAILED");
  // [own_function]

  // [own_op_check]
  const byo::GradcheckResult c =
      byo::gradcheck([](const std::vector<byo::Tensor>& in) { return cube(in[0]); }, {x});
  std::printf("cube(x): %s\n", c.passed() ? "passed" : "FAILED");

  const byo::GradcheckResult bad =
      byo::gradcheck([](const std::vector<byo::Tensor>& in) { return wrong_cube(in[0]); }, {x});
  std::printf("cube with 2x² for 3x²: %s, %s\n", bad.passed() ? "passed" : "FAILED",
              bad.worst().c_str());
  // [own_op_check]
  return r.passed() && c.passed() && !bad.passed() ? 0 : 1;
}
