/// @file
/// @brief Grades chapter 2's exercises with gradcheck and prints the table.
///
/// Built twice: as ch02_exercises on your files in exercises/, and as
/// ch02_exercises_solution on the reference in exercises/solutions/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "byo/grader.h"
#include "byo/random.h"
#include "byo/scalar_gradcheck.h"
#include "ch02_exercises.h"

namespace {

using byo::GradeResult;
using byo::scalar::Scalar;

std::string format(const char* pattern, double a, double b = 0.0, double c = 0.0) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
  return buffer;
}

// Gradchecks `f` at every point of `points`; the worst point decides.
GradeResult check_at_points(const char* what, const byo::scalar::ScalarFunction& f,
                            const std::vector<double>& points) {
  GradeResult grade{true, 0.0, ""};
  for (double x : points) {
    const byo::scalar::GradcheckResult r = gradcheck(f, std::vector<double>{x});
    grade.worst_error = std::max(grade.worst_error, r.max_abs_error);
    if (!r.passed && grade.passed) {
      grade.passed = false;
      grade.detail = std::string(what) + format(" at x = %g: ", x) + r.summary();
    }
  }
  return grade;
}

GradeResult grade_tanh() {
  using byo::scalar::exercises::tanh_exercise;
  const std::vector<double> points{-3.0, -1.1, -0.3, 0.0, 0.4, 1.7, 5.0};
  for (double x : points) {
    const double value = tanh_exercise(Scalar(x)).data();
    if (std::abs(value - std::tanh(x)) > 1e-12) {
      return {false, std::abs(value - std::tanh(x)), format("tanh(%g) is %g", x, value)};
    }
  }
  GradeResult grade = check_at_points(
      "tanh(x)", [](std::span<const Scalar> v) { return tanh_exercise(v[0]); }, points);
  if (!grade.passed) return grade;
  // x feeds two operations: a backward that assigns (=) instead of adding (+=) loses one.
  return check_at_points(
      "tanh(x) * x", [](std::span<const Scalar> v) { return tanh_exercise(v[0]) * v[0]; }, points);
}

GradeResult grade_softplus() {
  using byo::scalar::exercises::softplus;
  // Values: far out on both sides is where the naive log(1 + exp(x)) breaks.
  for (double x : {-800.0, -30.0, -1.0, 0.0, 2.5, 30.0, 800.0}) {
    const double expected = std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
    const double value = softplus(Scalar(x)).data();
    const double error = std::abs(value - expected);
    if (!(error <= 1e-12 * std::max(1.0, std::abs(expected)))) {
      return {false, std::isfinite(error) ? error : INFINITY,
              format("softplus(%g) is %.17g, expected %.17g", x, value, expected)};
    }
  }
  const Scalar x(0.3);
  const Scalar y = softplus(x);
  if (y.node().inputs.size() != 1 || y.node().inputs[0].get() != &x.node()) {
    return {false, 0.0, "softplus(x) should be one node whose only input is x (Scalar::make)"};
  }
  return check_at_points("softplus(x)", [](std::span<const Scalar> v) { return softplus(v[0]); },
                         {-30.0, -4.0, -0.7, 0.0, 0.2, 1.5, 6.0, 30.0});
}

GradeResult grade_two_neuron() {
  using byo::scalar::exercises::TwoNeuron;
  using byo::scalar::exercises::TwoNeuronSample;
  byo::Generator gen(2);
  GradeResult grade{true, 0.0, ""};
  for (int trial = 0; trial < 20; ++trial) {
    const TwoNeuron net{gen.normal(), gen.normal(), gen.normal(), gen.normal(), gen.normal()};
    const TwoNeuronSample sample{gen.uniform(-2, 2), gen.uniform(-2, 2), gen.uniform()};
    const TwoNeuron g = byo::scalar::exercises::two_neuron_gradient(net, sample);
    const std::vector<double> analytic{g.w1, g.w2, g.b1, g.v, g.c};
    const std::vector<double> params{net.w1, net.w2, net.b1, net.v, net.c};
    const auto loss = [&sample](std::span<const double> p) {
      return byo::scalar::exercises::two_neuron_loss(TwoNeuron{p[0], p[1], p[2], p[3], p[4]},
                                                     sample);
    };
    const byo::scalar::GradcheckResult r =
        byo::scalar::compare_gradients(analytic, byo::scalar::numerical_gradient(loss, params));
    grade.worst_error = std::max(grade.worst_error, r.max_abs_error);
    if (!r.passed && grade.passed) {
      static const char* const names[] = {"w1", "w2", "b1", "v", "c"};
      grade.detail = format("network %g: dL/d", trial) + names[r.worst_index] + " " + r.summary();
      grade.passed = false;
    }
  }
  return grade;
}

}  // namespace

int main() {
  return byo::run_grader("Chapter 2 exercises",
                         {
                             {"1. tanh backward", grade_tanh},
                             {"2. softplus: a new operation", grade_softplus},
                             {"3. two-neuron gradient by hand", grade_two_neuron},
                         });
}
