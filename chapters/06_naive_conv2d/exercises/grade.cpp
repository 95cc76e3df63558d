// Grades chapter 6's exercises: each learner loop becomes the backward of a Tensor op, and
// gradcheck compares that op's gradients with central differences on several shapes.
#include <algorithm>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/conv_kernels.h"
#include "byo/gradcheck.h"
#include "byo/grader.h"
#include "byo/pool_kernels.h"
#include "ch06_exercises.h"

namespace byo {
namespace {

// max_pool2d whose backward is the learner's exercises::max_pool2d_backward.
class LearnerMaxPoolBackward : public Node {
 public:
  LearnerMaxPoolBackward(const ConvGeometry& g, std::vector<int64_t> argmax)
      : g_(g), argmax_(std::move(argmax)) {}
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    const NDArray go = grad_output.contiguous();
    NDArray gx = NDArray::full(g_.input_shape(), 12345.0f);  // garbage: must be overwritten
    exercises::max_pool2d_backward(g_, go.data(), argmax_.data(), gx.data());
    return {gx};
  }
  std::string name() const override { return "LearnerMaxPool2d"; }

 private:
  ConvGeometry g_;
  std::vector<int64_t> argmax_;
};

Tensor learner_max_pool(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding) {
  const ConvGeometry g = pool2d_geometry(x.shape(), kernel, stride, padding, "max_pool2d");
  const NDArray xc = x.data().contiguous();
  NDArray out = NDArray::empty(g.output_shape());
  std::vector<int64_t> argmax(static_cast<size_t>(out.numel()));
  max_pool2d_forward(g, xc.data(), out.data(), argmax.data());
  return make_result(out, std::make_shared<LearnerMaxPoolBackward>(g, std::move(argmax)), {x});
}

// conv2d whose weight and bias gradients come from the learner's exercises::conv2d_grad_weight.
class LearnerConvBackward : public Node {
 public:
  LearnerConvBackward(const ConvGeometry& g, NDArray x) : g_(g), x_(std::move(x)) {}
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    const NDArray go = grad_output.contiguous();
    NDArray gw = NDArray::full(g_.weight_shape(), 12345.0f);
    NDArray gb = NDArray::full({g_.out_channels}, 12345.0f);
    exercises::conv2d_grad_weight(g_, x_.data(), go.data(), gw.data(), gb.data());
    return {NDArray(), gw, gb};  // x is a constant here
  }
  std::string name() const override { return "LearnerConv2d"; }

 private:
  ConvGeometry g_;
  NDArray x_;
};

Tensor learner_conv(const Tensor& x, const Tensor& w, const Tensor& b, Size2 stride,
                    Size2 padding) {
  const ConvGeometry g = conv2d_geometry(x.shape(), w.shape(), stride, padding);
  const NDArray xc = x.data().contiguous();
  const NDArray wc = w.data().contiguous();
  const NDArray bc = b.data().contiguous();
  NDArray out = NDArray::empty(g.output_shape());
  conv2d_forward_naive(g, xc.data(), wc.data(), bc.data(), out.data());
  return make_result(out, std::make_shared<LearnerConvBackward>(g, xc), {x, w, b});
}

// "x [2, 3, 7, 5], kernel 3, stride 2, padding 1" (rectangular sizes as "3x2").
std::string case_name(const Shape& x, Size2 kernel, Size2 stride, Size2 padding) {
  auto size = [](Size2 s) {
    return s[0] == s[1] ? std::to_string(s[0]) : std::to_string(s[0]) + "x" + std::to_string(s[1]);
  };
  return "x " + shape_str(x) + ", kernel " + size(kernel) + ", stride " + size(stride) +
         ", padding " + size(padding);
}

// Folds one case's gradcheck into the grade; the first failing case is the detail.
void record(GradeResult& grade, const std::string& what, const GradcheckResult& r) {
  grade.worst_error = std::max(grade.worst_error, r.max_abs_error());
  if (!r.passed() && grade.passed) grade.detail = what + ": gradient of " + r.worst();
  grade.passed = grade.passed && r.passed();
}

GradeResult grade_max_pool() {
  struct Case {
    Shape x;
    Size2 kernel, stride, padding;
  };
  const std::vector<Case> cases = {{{1, 1, 4, 4}, {2, 2}, {2, 2}, {0, 0}},
                                   {{2, 3, 7, 5}, {3, 3}, {2, 2}, {1, 1}},
                                   {{1, 2, 6, 6}, {3, 3}, {1, 1}, {0, 0}}};  // overlapping
  GradeResult grade{true, 0.0, ""};
  Generator gen(1);
  for (const Case& c : cases) {
    // Distinct values 0.1 apart, and a step of at most 1e-3·|x|: no window changes its
    // winner, and max pooling is piecewise linear, so the small step is exact.
    std::vector<float> values(static_cast<size_t>(numel(c.x)));
    std::iota(values.begin(), values.end(), 0.0f);
    gen.shuffle(std::span<float>(values));
    for (float& v : values) v *= 0.1f;
    Tensor x = from_vector(values, c.x, true);
    const GradcheckResult r = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return learner_max_pool(in[0], c.kernel, c.stride, c.padding);
        },
        {x}, GradcheckOptions{.eps = 1e-3});
    record(grade, case_name(c.x, c.kernel, c.stride, c.padding) + " (input 0 is x)", r);
  }
  return grade;
}

GradeResult grade_conv_grad_weight() {
  struct Case {
    Shape x, w;
    Size2 stride, padding;
  };
  const std::vector<Case> cases = {{{1, 1, 5, 5}, {2, 1, 3, 3}, {1, 1}, {0, 0}},
                                   {{3, 2, 7, 6}, {3, 2, 3, 3}, {2, 2}, {1, 1}},
                                   {{2, 1, 6, 6}, {2, 1, 5, 5}, {1, 1}, {2, 2}}};
  GradeResult grade{true, 0.0, ""};
  Generator gen(2);
  for (const Case& c : cases) {
    Tensor x = randn(c.x, gen);
    Tensor w = randn(c.w, gen, true);
    Tensor b = randn({c.w[0]}, gen, true);
    const GradcheckResult r = gradcheck(
        [&](const std::vector<Tensor>& in) {
          return learner_conv(in[0], in[1], in[2], c.stride, c.padding);
        },
        {x, w, b});
    record(grade,
           case_name(c.x, {c.w[2], c.w[3]}, c.stride, c.padding) + ", w " + shape_str(c.w) +
               " (input 1 is w, 2 is b)",
           r);
  }
  return grade;
}

}  // namespace
}  // namespace byo

int main() {
  return byo::run_grader("Chapter 6 exercises (graded by gradcheck)",
                         {{"1. max_pool2d backward", byo::grade_max_pool},
                          {"2. conv2d grad weight and bias", byo::grade_conv_grad_weight}});
}
