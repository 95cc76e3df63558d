/// @file
/// @brief Elementwise math, each function one line over `elementwise`.
#include "byo/elementwise.h"

#include <cmath>

#include "byo/elementwise_loop.h"

namespace byo {

NDArray exp(const NDArray& a) {
  return elementwise(
      "exp", [](float x) { return std::exp(x); }, a);
}

NDArray log(const NDArray& a) {
  return elementwise(
      "log", [](float x) { return std::log(x); }, a);
}

NDArray sqrt(const NDArray& a) {
  return elementwise(
      "sqrt", [](float x) { return std::sqrt(x); }, a);
}

NDArray tanh(const NDArray& a) {
  return elementwise(
      "tanh", [](float x) { return std::tanh(x); }, a);
}

NDArray sigmoid(const NDArray& a) {
  // 1/(1+e^-x) overflows e^-x for very negative x; there e^x/(1+e^x) is exact instead.
  // Each branch only ever calls exp on a non-positive number.
  return elementwise(
      "sigmoid",
      [](float x) {
        if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
        const float e = std::exp(x);
        return e / (1.0f + e);
      },
      a);
}

NDArray relu(const NDArray& a) {
  return elementwise(
      "relu", [](float x) { return x < 0.0f ? 0.0f : x; }, a);
}

NDArray pow(const NDArray& a, float exponent) {
  return elementwise(
      "pow", [exponent](float x) { return std::pow(x, exponent); }, a);
}

NDArray abs(const NDArray& a) {
  return elementwise(
      "abs", [](float x) { return std::fabs(x); }, a);
}

NDArray maximum(const NDArray& a, const NDArray& b) {
  return elementwise(
      "maximum", [](float x, float y) { return (x > y || std::isnan(x)) ? x : y; }, a, b);
}

NDArray minimum(const NDArray& a, const NDArray& b) {
  return elementwise(
      "minimum", [](float x, float y) { return (x < y || std::isnan(x)) ? x : y; }, a, b);
}

NDArray where(const NDArray& cond, const NDArray& a, const NDArray& b) {
  return elementwise(
      "where", [](float c, float x, float y) { return c != 0.0f ? x : y; }, cond, a, b);
}

}  // namespace byo
