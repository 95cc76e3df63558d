// Grades the chapter 4 exercises: each backward is wrapped in a Node and gradchecked.
//
//     cmake --build build --target ch04_grade
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/gradcheck.h"
#include "byo/grader.h"
#include "byo/ops.h"
#include "byo/random.h"
#include "ch04_exercises.h"

namespace {

using byo::NDArray;
using byo::Shape;
using byo::Tensor;
using Inputs = std::vector<Tensor>;

// ---- The learner's functions as ops (see byo/autograd.h for the pattern) ----

class DivBackward : public byo::Node {
 public:
  std::vector<NDArray> backward(const NDArray& g) override {
    return byo::exercises::div_backward(g, saved(0), saved(1));
  }
  std::string name() const override { return "ExerciseDiv"; }
};

Tensor exercise_div(const Tensor& a, const Tensor& b) {
  auto node = std::make_shared<DivBackward>();
  node->save_for_backward({a.data(), b.data()});
  return byo::make_result(byo::div(a, b).data(), node, {a, b});
}

class LogsumexpBackward : public byo::Node {
 public:
  explicit LogsumexpBackward(int64_t dim) : dim_(dim) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    return {byo::exercises::logsumexp_backward(g, saved(0), saved(1), dim_)};
  }
  std::string name() const override { return "ExerciseLogsumexp"; }

 private:
  int64_t dim_;
};

Tensor exercise_logsumexp(const Tensor& x, int64_t dim) {
  NDArray out = byo::exercises::logsumexp_forward(x.data(), dim);
  auto node = std::make_shared<LogsumexpBackward>(dim);
  node->save_for_backward({x.data(), out});
  return byo::make_result(out, node, {x});
}

class MaxBackward : public byo::Node {
 public:
  MaxBackward(int64_t dim, bool keepdim) : dim_(dim), keepdim_(keepdim) {}
  std::vector<NDArray> backward(const NDArray& g) override {
    return {byo::exercises::max_backward(g, saved(0), dim_, keepdim_)};
  }
  std::string name() const override { return "ExerciseMax"; }

 private:
  int64_t dim_;
  bool keepdim_;
};

Tensor exercise_max(const Tensor& x, int64_t dim, bool keepdim) {
  auto node = std::make_shared<MaxBackward>(dim, keepdim);
  node->save_for_backward({x.data()});
  return byo::make_result(x.data().max(dim, keepdim), node, {x});
}

// ---- Grading helpers ----

Tensor uniform(const Shape& shape, byo::Generator& gen, float lo, float hi) {
  return Tensor(NDArray::rand(shape, gen).map([lo, hi](float u) { return lo + (hi - lo) * u; }),
                true);
}

// Runs gradcheck on every case; passes if all pass, reports the worst error. The first
// failing case is named with the input whose gradient is wrong, its worst element, and
// analytic against numeric there.
struct Grading {
  byo::GradeResult result{true, 0.0, ""};
  void check(const std::string& what, const byo::GradcheckFunction& fn, const Inputs& inputs) {
    const byo::GradcheckResult r = byo::gradcheck(fn, inputs);
    result.worst_error = std::max(result.worst_error, r.max_abs_error());
    if (!r.passed() && result.passed) {
      result.passed = false;
      result.detail = what + ": gradient of " + r.worst();
    }
  }
};

byo::GradeResult grade_div() {
  byo::Generator gen(1);
  Grading g;
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 1, 3}, {4, 1}}, {{}, {2, 3}}};
  for (const auto& [sa, sb] : shapes) {
    g.check("a " + byo::shape_str(sa) + " / b " + byo::shape_str(sb) + " (input 0 is a, 1 is b)",
            [](const Inputs& in) { return exercise_div(in[0], in[1]); },
            {uniform(sa, gen, -1, 1), uniform(sb, gen, 0.5f, 2.0f)});
  }
  return g.result;
}

byo::GradeResult grade_logsumexp_forward() {
  // Moderate values against the formula as written; huge ones against the exact answer.
  const NDArray x = NDArray::from_vector({0.5f, -1, 2, 0, 3, 1}, {2, 3});
  const NDArray out = byo::exercises::logsumexp_forward(x, 1);
  if (out.shape() != Shape{2}) {
    return {false, 0.0, "x [2, 3], dim 1: shape " + byo::shape_str(out.shape()) + ", expected [2]"};
  }
  const float want0 = std::log(std::exp(0.5f) + std::exp(-1.0f) + std::exp(2.0f));
  const float want1 = std::log(1 + std::exp(3.0f) + std::exp(1.0f));
  const NDArray huge = NDArray::from_vector({1000, 1000, -1000, -1000}, {2, 2});
  const NDArray out_huge = byo::exercises::logsumexp_forward(huge, -1);
  const float want_huge0 = 1000 + std::log(2.0f);
  const float want_huge1 = -1000 + std::log(2.0f);
  if (out_huge.shape() != Shape{2}) {
    return {
        false, 0.0,
        "x [2, 2] of ±1000, dim -1: shape " + byo::shape_str(out_huge.shape()) + ", expected [2]"};
  }
  struct Value {
    const char* input;
    int64_t index;
    float want, got;
  };
  const Value values[] = {
      {"x [[0.5, -1, 2], [0, 3, 1]], dim 1", 0, want0, out.at({0})},
      {"x [[0.5, -1, 2], [0, 3, 1]], dim 1", 1, want1, out.at({1})},
      {"x [[1000, 1000], [-1000, -1000]], dim -1", 0, want_huge0, out_huge.at({0})},
      {"x [[1000, 1000], [-1000, -1000]], dim -1", 1, want_huge1, out_huge.at({1})}};
  double worst = 0.0;
  const Value* at = &values[0];
  for (const Value& v : values) {
    double error = std::abs(static_cast<double>(v.got) - v.want);
    if (std::isnan(error)) error = INFINITY;
    if (error > worst) worst = error, at = &v;
  }
  if (worst < 1e-3) return {true, worst, ""};
  char detail[200];
  std::snprintf(detail, sizeof detail, "%s: worst at [%lld]: expected %.7g, got %.7g", at->input,
                static_cast<long long>(at->index), at->want, at->got);
  return {false, worst, detail};
}

byo::GradeResult grade_logsumexp_backward() {
  byo::Generator gen(2);
  Grading g;
  for (int64_t dim : {0, 1, -1}) {
    g.check("x [3, 4], dim " + std::to_string(dim),
            [dim](const Inputs& in) { return exercise_logsumexp(in[0], dim); },
            {uniform({3, 4}, gen, -2, 2)});
  }
  g.check("x [2, 3, 2], dim 1", [](const Inputs& in) { return exercise_logsumexp(in[0], 1); },
          {uniform({2, 3, 2}, gen, -2, 2)});
  return g.result;
}

// Distinct values 0.1 apart (far more than gradcheck's step): no near-ties.
Tensor spread(const Shape& shape, byo::Generator& gen) {
  std::vector<float> values(byo::numel(shape));
  for (size_t i = 0; i < values.size(); ++i) values[i] = 0.1f * static_cast<float>(i) - 1.0f;
  gen.shuffle(std::span<float>(values));
  return Tensor(NDArray::from_vector(values, shape), true);
}

byo::GradeResult grade_max() {
  byo::Generator gen(3);
  Grading g;
  for (int64_t dim : {0, 1, 2, -1}) {
    for (bool keepdim : {false, true}) {
      g.check("x [2, 3, 4], dim " + std::to_string(dim) + (keepdim ? ", keepdim" : ""),
              [dim, keepdim](const Inputs& in) { return exercise_max(in[0], dim, keepdim); },
              {spread({2, 3, 4}, gen)});
    }
  }
  return g.result;
}

byo::GradeResult grade_max_ties() {
  // Rows with ties: [1 3 3] -> the first 3; [2 2 0] -> the first 2; [5 5 5] -> the first 5.
  const NDArray x = NDArray::from_vector({1, 3, 3, 2, 2, 0, 5, 5, 5}, {3, 3});
  const NDArray grad = NDArray::from_vector({10, 20, 30}, {3});
  const NDArray dx = byo::exercises::max_backward(grad, x, 1, false);
  const std::vector<float> want = {0, 10, 0, 20, 0, 0, 30, 0, 0};
  if (dx.shape() != x.shape()) {
    return {false, 0.0,
            "x [3, 3], dim 1: grad shape " + byo::shape_str(dx.shape()) + ", expected [3, 3]"};
  }
  double worst = 0.0;
  size_t at = 0;
  const std::vector<float> got = dx.to_vector();
  for (size_t i = 0; i < want.size(); ++i) {
    const double error = std::abs(static_cast<double>(got[i]) - want[i]);
    if (error > worst || std::isnan(error)) worst = std::isnan(error) ? INFINITY : error, at = i;
  }
  std::ostringstream detail;
  if (worst > 0) {
    detail << "x [[1,3,3],[2,2,0],[5,5,5]], dim 1, grad [10, 20, 30]: worst at [" << at / 3 << ", "
           << at % 3 << "]: expected " << want[at] << ", got " << got[at]
           << " (the whole gradient goes to the first maximum of each row)";
  }
  return {worst == 0.0, worst, detail.str()};
}

}  // namespace

int main() {
  return byo::run_grader("Chapter 4 exercises (gradcheck against central differences)",
                         {{"1. div backward, broadcasting", grade_div},
                          {"2a. logsumexp forward, stable", grade_logsumexp_forward},
                          {"2b. logsumexp backward", grade_logsumexp_backward},
                          {"3a. max backward", grade_max},
                          {"3b. max backward, ties", grade_max_ties}});
}
