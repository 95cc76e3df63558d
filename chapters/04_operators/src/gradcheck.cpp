#include "byo/gradcheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

#include "byo/autograd.h"
#include "byo/check.h"

namespace byo {

namespace {

// Σ r·out, in double, over the elements in row-major order.
double project(const Tensor& out, const std::vector<float>& r) {
  const std::vector<float> values = out.data().to_vector();
  double s = 0.0;
  for (size_t i = 0; i < values.size(); ++i) s += static_cast<double>(r[i]) * values[i];
  return s;
}

// Storage offsets of every element of `a`, in row-major order; the view must not alias.
std::vector<int64_t> element_offsets(const NDArray& a, size_t which) {
  std::vector<int64_t> offsets;
  offsets.reserve(a.numel());
  if (a.numel() == 0) return offsets;
  std::vector<int64_t> index(a.dim(), 0);
  do {
    offsets.push_back(offset_of(index, a.strides(), a.offset()));
  } while (next_index(index, a.shape()));
  std::vector<int64_t> sorted = offsets;
  std::sort(sorted.begin(), sorted.end());
  BYO_CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end())
      << "gradcheck: input " << which << " of shape " << shape_str(a.shape())
      << " has elements that share memory (an expanded view?); pass .contiguous() data";
  return offsets;
}

// The index, in `shape`, of the element number `flat` in row-major order.
Shape unravel(size_t flat, const Shape& shape) {
  Shape index(shape.size(), 0);
  for (size_t d = shape.size(); d-- > 0;) {
    const auto size = static_cast<size_t>(shape[d]);
    index[d] = static_cast<int64_t>(flat % size);
    flat /= size;
  }
  return index;
}

}  // namespace

bool GradcheckResult::passed() const {
  return std::all_of(inputs.begin(), inputs.end(),
                     [](const GradcheckInputResult& r) { return r.passed; });
}

std::string GradcheckResult::worst() const {
  const GradcheckInputResult* pick = nullptr;
  size_t which = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const GradcheckInputResult& r = inputs[i];
    if (!r.checked) continue;
    const bool better = pick == nullptr || (!r.passed && pick->passed) ||
                        (r.passed == pick->passed && r.max_abs_error > pick->max_abs_error);
    if (better) pick = &r, which = i;
  }
  if (pick == nullptr) return "no input requires grad";
  char numbers[128];
  std::snprintf(numbers, sizeof numbers, "analytic %.4g, numeric %.4g (abs error %.3g)",
                pick->worst_analytic, pick->worst_numeric, pick->max_abs_error);
  return "input " + std::to_string(which) + ": worst at " + shape_str(pick->worst_index) + ": " +
         numbers;
}

double GradcheckResult::max_abs_error() const {
  double worst = 0.0;
  for (const auto& r : inputs) worst = std::max(worst, r.max_abs_error);
  return worst;
}

GradcheckResult gradcheck(const GradcheckFunction& fn, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  BYO_CHECK(options.eps > 0 && options.atol >= 0 && options.rtol >= 0)
      << "gradcheck: eps must be positive and tolerances non-negative";
  // Fresh leaves over the same data: the caller's tensors keep their .grad.
  std::vector<Tensor> leaves;
  for (size_t i = 0; i < inputs.size(); ++i) {
    BYO_CHECK(inputs[i].defined()) << "gradcheck: input " << i << " is undefined";
    leaves.emplace_back(inputs[i].data(), inputs[i].requires_grad());
  }

  Tensor out = fn(leaves);
  BYO_CHECK(out.defined()) << "gradcheck: the function returned an undefined tensor";
  BYO_CHECK(out.requires_grad()) << "gradcheck: the output does not require grad";
  Generator gen(options.seed);
  std::vector<float> r(out.numel());
  for (float& v : r) v = static_cast<float>(gen.uniform(-1.0, 1.0));
  out.backward(Tensor(NDArray::from_vector(r, out.shape())));

  GradcheckResult result;
  result.inputs.resize(leaves.size());
  for (size_t which = 0; which < leaves.size(); ++which) {
    GradcheckInputResult& report = result.inputs[which];
    if (!leaves[which].requires_grad()) continue;
    report.checked = true;
    const NDArray& x = leaves[which].data();
    const Tensor grad = leaves[which].grad();
    // No gradient reached this input: its analytic gradient is zero.
    const std::vector<float> analytic =
        grad.defined() ? grad.data().to_vector() : std::vector<float>(x.numel(), 0.0f);
    const std::vector<int64_t> offsets = element_offsets(x, which);
    float* base = x.storage()->data();

    NoGradGuard no_grad;
    for (size_t e = 0; e < offsets.size(); ++e) {
      float& element = base[offsets[e]];
      const float original = element;
      const double h = options.eps * std::max(1.0, std::abs(static_cast<double>(original)));
      const auto plus = static_cast<float>(original + h);
      const auto minus = static_cast<float>(original - h);
      element = plus;
      const double s_plus = project(fn(leaves), r);
      element = minus;
      const double s_minus = project(fn(leaves), r);
      element = original;
      const double numeric =
          (s_plus - s_minus) / (static_cast<double>(plus) - static_cast<double>(minus));
      double error = std::abs(analytic[e] - numeric);
      if (std::isnan(error)) error = INFINITY;  // max() would silently skip a NaN
      if (e == 0 || error > report.max_abs_error) {
        report.worst_index = unravel(e, x.shape());
        report.worst_analytic = analytic[e];
        report.worst_numeric = numeric;
      }
      report.max_abs_error = std::max(report.max_abs_error, error);
      report.max_rel_error =
          std::max(report.max_rel_error, error / std::max(std::abs(numeric), options.atol));
      if (!(error <= options.atol + options.rtol * std::abs(numeric))) report.passed = false;
    }
  }
  if (options.print) print_gradcheck(std::cout, inputs, result);
  return result;
}

void print_gradcheck(std::ostream& os, const std::vector<Tensor>& inputs,
                     const GradcheckResult& result) {
  char line[160];
  std::snprintf(line, sizeof line, "  %-5s  %-18s  %13s  %13s  %s\n", "input", "shape",
                "max abs err", "max rel err", "result");
  os << line;
  for (size_t i = 0; i < result.inputs.size(); ++i) {
    const GradcheckInputResult& r = result.inputs[i];
    const std::string shape = i < inputs.size() ? shape_str(inputs[i].shape()) : "?";
    if (!r.checked) {
      std::snprintf(line, sizeof line, "  %-5zu  %-18s  %13s  %13s  %s\n", i, shape.c_str(), "-",
                    "-", "skipped (no grad)");
    } else {
      std::snprintf(line, sizeof line, "  %-5zu  %-18s  %13.3e  %13.3e  %s\n", i, shape.c_str(),
                    r.max_abs_error, r.max_rel_error, r.passed ? "pass" : "FAIL");
    }
    os << line;
  }
}

}  // namespace byo
