/// @file
/// @brief gradcheck: backward() against central differences.
#include "byo/scalar_gradcheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "byo/check.h"

namespace byo::scalar {

std::string GradcheckResult::summary() const {
  if (analytic.empty()) return "no inputs";
  char buffer[200];
  std::snprintf(buffer, sizeof buffer,
                "worst at input %zu: analytic %.8g, numeric %.8g (abs error %.3g, rel %.3g)",
                worst_index, analytic[worst_index], numeric[worst_index], max_abs_error,
                max_rel_error);
  return buffer;
}

std::vector<double> numerical_gradient(const DoubleFunction& f, std::span<const double> x,
                                       double eps) {
  BYO_CHECK(eps > 0.0) << "numerical_gradient: eps must be positive, got " << eps;
  std::vector<double> point(x.begin(), x.end());
  std::vector<double> gradient(x.size());
  for (size_t i = 0; i < point.size(); ++i) {
    const double original = point[i];
    point[i] = original + eps;
    const double above = f(point);
    point[i] = original - eps;
    const double below = f(point);
    point[i] = original;
    gradient[i] = (above - below) / (2.0 * eps);
  }
  return gradient;
}

GradcheckResult compare_gradients(std::span<const double> analytic, std::span<const double> numeric,
                                  const GradcheckOptions& options) {
  BYO_CHECK(analytic.size() == numeric.size())
      << "compare_gradients: " << analytic.size() << " analytic values but " << numeric.size()
      << " numeric ones";
  GradcheckResult result;
  result.analytic.assign(analytic.begin(), analytic.end());
  result.numeric.assign(numeric.begin(), numeric.end());
  for (size_t i = 0; i < analytic.size(); ++i) {
    const double a = analytic[i];
    const double n = numeric[i];
    double abs_error = std::abs(a - n);
    double rel_error = 0.0;
    if (!std::isfinite(a) || !std::isfinite(n)) {
      abs_error = rel_error = std::numeric_limits<double>::infinity();
    } else if (abs_error > 0.0) {
      rel_error = abs_error / std::max(std::abs(a), std::abs(n));
    }
    // A NaN error fails this comparison too; an infinite gradient fails the isfinite test.
    if (!(abs_error <= options.atol + options.rtol * std::abs(n)) || std::isinf(abs_error)) {
      result.passed = false;
    }
    if (abs_error > result.max_abs_error) {
      result.max_abs_error = abs_error;
      result.worst_index = i;
    }
    result.max_rel_error = std::max(result.max_rel_error, rel_error);
  }
  return result;
}

GradcheckResult gradcheck(const ScalarFunction& f, std::span<const double> x,
                          const GradcheckOptions& options) {
  BYO_CHECK(!x.empty()) << "gradcheck: the function needs at least one input";
  std::vector<Scalar> leaves(x.begin(), x.end());
  f(leaves).backward();
  std::vector<double> analytic;
  for (const Scalar& leaf : leaves) analytic.push_back(leaf.grad());

  const DoubleFunction value = [&f](std::span<const double> point) {
    const std::vector<Scalar> inputs(point.begin(), point.end());
    return f(inputs).data();
  };
  return compare_gradients(analytic, numerical_gradient(value, x, options.eps), options);
}

}  // namespace byo::scalar
