/// @file
/// @brief Gradient checking: analytic gradients against central differences.
///
/// A backward function is easy to get subtly wrong, and a wrong gradient still trains,
/// just badly. So every operation is checked against the definition of the derivative,
///
///     f'(x) ≈ (f(x + eps) - f(x - eps)) / (2 eps),
///
/// whose error shrinks as eps² (a one-sided difference only as eps). In double precision
/// eps = 1e-6 balances that truncation error against rounding error (about 1e-16 / eps).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "byo/scalar.h"

namespace byo::scalar {

/// @brief A function of several Scalars, the kind gradcheck differentiates.
using ScalarFunction = std::function<Scalar(std::span<const Scalar> inputs)>;
/// @brief A function of several plain numbers, the kind numerical_gradient differentiates.
using DoubleFunction = std::function<double(std::span<const double> inputs)>;

/// @brief Step and tolerances; the tolerances are PyTorch's gradcheck defaults.
struct GradcheckOptions {
  double eps = 1e-6;  ///< The step of the central difference.
  double atol = 1e-5;
  double rtol = 1e-3;  ///< Relative tolerance, times |numeric|.
};

/// @brief What gradcheck found: both gradients and the worst disagreement.
struct GradcheckResult {
  bool passed = true;            ///< |analytic - numeric| <= atol + rtol |numeric| everywhere.
  double max_abs_error = 0.0;    ///< max |analytic - numeric|; inf if any value is not finite.
  double max_rel_error = 0.0;    ///< max |analytic - numeric| / max(|analytic|, |numeric|).
  size_t worst_index = 0;        ///< The input with the largest absolute error.
  std::vector<double> analytic;  ///< The gradient from backward(), one per input.
  std::vector<double> numeric;   ///< The gradient from central differences, one per input.

  /// @brief One line for messages: the worst input, both gradients, both errors.
  std::string summary() const;
};

/// @brief Central-difference gradient of `f` at `x`: one pair of evaluations per input.
std::vector<double> numerical_gradient(const DoubleFunction& f, std::span<const double> x,
                                       double eps = 1e-6);

/// @brief Compares two gradients of the same length with the tolerances of `options`.
GradcheckResult compare_gradients(std::span<const double> analytic, std::span<const double> numeric,
                                  const GradcheckOptions& options = {});

/// @brief Checks the gradient that backward() computes for `f` at `x` by central differences.
///
///     auto r = gradcheck([](std::span<const Scalar> v) { return v[0] * exp(v[1]); },
///                        std::vector<double>{0.5, -1.2});
///     // r.passed, r.max_abs_error, r.analytic, r.numeric
GradcheckResult gradcheck(const ScalarFunction& f, std::span<const double> x,
                          const GradcheckOptions& options = {});

}  // namespace byo::scalar
