/// @file
/// @brief `byo::gradcheck`: every analytic gradient against central differences.
///
/// How it stays reliable in float32 (where PyTorch's gradcheck wants float64):
/// - A non-scalar output is reduced to one number s = Σ rᵢ·outᵢ with a fixed random
///   projection r, summed in double. The analytic side is one backward(r); the numeric
///   side perturbs one input element at a time. Rounding in the outputs that a perturbed
///   element does not touch is identical in the two evaluations and cancels exactly.
/// - The step is relative to the element: h = eps·max(1, |x|), and the difference is
///   divided by the perturbation actually stored in float, (x+h) - (x-h) as floats.
/// - eps = 1e-2 balances truncation error (∝ h²) against float32 rounding (∝ 1/h): both
///   stay near 1e-4 relative for smooth ops on inputs of order 1.
/// - An element passes if |analytic - numeric| <= atol + rtol·|numeric|. The defaults
///   (atol 1e-3, rtol 1e-2) are two orders of magnitude above that noise, and two below
///   what a wrong gradient costs: a dropped factor, a sign, a transposed index.
/// Inputs must keep clear of kinks (relu at 0, ties in max) by more than h.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "byo/tensor.h"

namespace byo {

/// @brief Settings of gradcheck.
struct GradcheckOptions {
  double eps = 1e-2;   ///< Relative step: h = eps·max(1, |x|).
  double atol = 1e-3;  ///< Absolute tolerance.
  double rtol = 1e-2;  ///< Relative tolerance, times |numeric gradient|.
  bool print = false;  ///< Print a table of the errors per input to std::cout.
  uint64_t seed = 0;   ///< Seed of the random projection of a non-scalar output.
};

/// @brief What gradcheck found for one input.
struct GradcheckInputResult {
  bool checked = false;         ///< False if the input does not require grad (skipped).
  double max_abs_error = 0.0;   ///< Largest |analytic - numeric| over the input's elements.
  double max_rel_error = 0.0;   ///< Largest |analytic - numeric| / max(|numeric|, atol).
  bool passed = true;           ///< Every element within atol + rtol·|numeric|.
  Shape worst_index;            ///< The index of the element with the largest abs error.
  double worst_analytic = 0.0;  ///< The analytic gradient (from backward) at worst_index.
  double worst_numeric = 0.0;   ///< The central-difference gradient at worst_index.
};

/// @brief What gradcheck found, per input.
struct GradcheckResult {
  std::vector<GradcheckInputResult> inputs;  ///< In the order of the inputs.

  /// @brief True if every checked input passed.
  bool passed() const;
  /// @brief The largest max_abs_error over the inputs.
  double max_abs_error() const;
  /// @brief The input to look at: the first that failed, else the one with the largest
  /// error, as "input 1: worst at [2, 0]: analytic 0.5, numeric -0.5 (abs error 1)".
  std::string worst() const;
};

/// @brief The function gradcheck differentiates: inputs to one output tensor.
using GradcheckFunction = std::function<Tensor(const std::vector<Tensor>&)>;

/// @brief Checks every analytic gradient of `fn` at `inputs` against central differences.
///
/// The inputs that require grad are checked; they may be non-contiguous views (transposed,
/// sliced), but not expanded ones (an element must not alias another). Their data is
/// perturbed in place and restored exactly; their .grad is left untouched.
GradcheckResult gradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

/// @brief Prints the per-input table of `result`.
void print_gradcheck(std::ostream& os, const std::vector<Tensor>& inputs,
                     const GradcheckResult& result);

}  // namespace byo
