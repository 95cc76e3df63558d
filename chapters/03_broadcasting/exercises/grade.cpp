/// @file
/// @brief Grades the chapter 3 exercises against the library's broadcasting functions.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "byo/broadcast.h"
#include "byo/grader.h"
#include "ch03_exercises.h"

namespace {

using byo::GradeResult;
using byo::NDArray;
using byo::Shape;

struct Pair {
  Shape small;  // broadcasts to big
  Shape big;
};

const std::vector<Pair> kPairs = {
    {{3, 1}, {3, 4}},          {{4}, {3, 4}},          {{}, {2, 3}},     {{1}, {5}},
    {{2, 1, 3}, {2, 4, 3}},    {{1, 6, 1}, {2, 6, 5}}, {{2, 3}, {2, 3}}, {{1}, {0}},
    {{7, 1, 5}, {8, 7, 6, 5}},
};

// True if f throws byo::Error.
template <typename F>
bool throws(F f) {
  try {
    f();
  } catch (const byo::NotImplemented&) {
    throw;  // let the grader report "not implemented"
  } catch (const byo::Error&) {
    return true;
  }
  return false;
}

// The largest |got - want| over the elements, and where it is, as "worst at [1, 2]:
// expected 0.5, got 0.25".
struct Difference {
  double worst = 0.0;
  std::string where;
};

Difference compare(const NDArray& got, const NDArray& want) {
  const std::vector<float> x = got.to_vector();
  const std::vector<float> y = want.to_vector();
  Difference d;
  size_t at = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double error = std::fabs(double{x[i]} - y[i]);
    if (std::isnan(error)) error = INFINITY;
    if (error > d.worst) d.worst = error, at = i;
  }
  if (d.worst > 0) {
    Shape index(want.shape().size(), 0);  // `at` in row-major order, as an index
    for (size_t k = index.size(), rest = at; k-- > 0;) {
      const auto size = static_cast<size_t>(want.shape()[k]);
      index[k] = static_cast<int64_t>(rest % size);
      rest /= size;
    }
    d.where = "worst at " + byo::shape_str(index) + ": expected " + std::to_string(y[at]) +
              ", got " + std::to_string(x[at]);
  }
  return d;
}

GradeResult grade_broadcast_shapes() {
  int wrong = 0;
  std::string detail;
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{8, 1, 6, 1}, {7, 1, 5}}, {{3, 1}, {1, 4}}, {{}, {}}, {{}, {2}}, {{0}, {1}}, {{5, 4}, {4}},
      {{2, 3}, {2, 3}}};
  for (const auto& [a, b] : cases) {
    const Shape got = byo::exercises::broadcast_shapes(a, b);
    const Shape want = byo::broadcast_shapes(a, b);
    if (got != want) {
      ++wrong;
      detail += "wrong for " + byo::shape_str(a) + " and " + byo::shape_str(b) + ": expected " +
                byo::shape_str(want) + ", got " + byo::shape_str(got) + "; ";
    }
  }
  for (const auto& [a, b] : std::vector<std::pair<Shape, Shape>>{{{3}, {4}}, {{2, 1}, {8, 4, 3}}}) {
    if (!throws([&] { byo::exercises::broadcast_shapes(a, b); })) {
      ++wrong;
      detail += "no error for " + byo::shape_str(a) + " and " + byo::shape_str(b) +
                " (expected a byo::Error: they do not broadcast); ";
    }
  }
  return {wrong == 0, static_cast<double>(wrong),
          detail.empty() ? "9 cases, 2 of them errors" : detail};
}

GradeResult grade_broadcast_to() {
  byo::Generator gen(3);
  double worst = 0.0;
  for (const Pair& p : kPairs) {
    const NDArray x = NDArray::randn(p.small, gen);
    const NDArray got = byo::exercises::broadcast_to(x, p.big);
    const NDArray want = byo::broadcast_to(x, p.big);
    if (got.shape() != want.shape() || got.storage() != x.storage()) {
      return {false, 1.0,
              "for " + byo::shape_str(p.small) + " -> " + byo::shape_str(p.big) +
                  ": not a view of shape " + byo::shape_str(p.big) +
                  " sharing the input's storage"};
    }
    const Difference d = compare(got, want);
    if (d.worst > 0) {
      return {false, d.worst,
              "for " + byo::shape_str(p.small) + " -> " + byo::shape_str(p.big) + ": " + d.where};
    }
    worst = std::max(worst, d.worst);
  }
  if (!throws([] { byo::exercises::broadcast_to(NDArray::zeros({3, 2}), {3, 4}); })) {
    return {false, 1.0, "no error broadcasting [3, 2] to [3, 4]"};
  }
  return {worst == 0.0, worst, "views sharing storage; max |yours - library| over 9 shape pairs"};
}

GradeResult grade_sum_to() {
  byo::Generator gen(4);
  double worst = 0.0;
  for (const Pair& p : kPairs) {
    const NDArray y = NDArray::randn(p.big, gen);
    const NDArray got = byo::exercises::sum_to(y, p.small);
    if (got.shape() != p.small) {
      return {false, 1.0,
              "sum_to(" + byo::shape_str(p.big) + " array, " + byo::shape_str(p.small) +
                  ") has shape " + byo::shape_str(got.shape())};
    }
    const Difference d = compare(got, byo::sum_to(y, p.small));
    if (!(d.worst < 1e-4)) {
      return {false, d.worst,
              "sum_to(" + byo::shape_str(p.big) + " array, " + byo::shape_str(p.small) +
                  "): " + d.where};
    }
    worst = std::max(worst, d.worst);
  }
  if (!throws([] { byo::exercises::sum_to(NDArray::zeros({3, 4}), {3}); })) {
    return {false, 1.0, "no error summing a [3, 4] array to [3]"};
  }
  return {worst < 1e-4, worst, "max |yours - library| over 9 shape pairs"};
}

}  // namespace

int main() {
  return byo::run_grader("Chapter 3: broadcasting",
                         {{"broadcast_shapes", grade_broadcast_shapes},
                          {"broadcast_to (a stride-0 view)", grade_broadcast_to},
                          {"sum_to (the adjoint)", grade_sum_to}});
}
