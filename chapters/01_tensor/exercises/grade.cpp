/// @file
/// @brief Grades chapter 1's exercises against the library's own views and prints the table.
///
/// Built twice: as ch01_exercises on your files in exercises/, and as
/// ch01_exercises_solution on the reference in exercises/solutions/.
#include <cmath>
#include <string>
#include <vector>

#include "byo/grader.h"
#include "byo/ndarray.h"
#include "ch01_exercises.h"

namespace {

using byo::GradeResult;
using byo::NDArray;
using byo::shape_str;

std::string layout_str(const NDArray& a) {
  return "shape " + shape_str(a.shape()) + ", strides " + shape_str(a.strides()) + ", offset " +
         std::to_string(a.offset());
}

// Same layout as `expected`, over the same storage as `source`: a view, not a copy.
GradeResult check_view(const std::string& what, const NDArray& got, const NDArray& expected,
                       const NDArray& source) {
  if (got.storage() != source.storage()) {
    return {false, 1.0, what + ": not a view (the result has its own storage)"};
  }
  if (got.shape() != expected.shape() || got.strides() != expected.strides() ||
      (expected.numel() > 0 && got.offset() != expected.offset())) {
    return {false, 1.0, what + ": got " + layout_str(got) + ", expected " + layout_str(expected)};
  }
  return {true, 0.0, ""};
}

// 0, 1, 2, ... in `shape`, so every element is distinguishable.
NDArray iota(const byo::Shape& shape) {
  return NDArray::arange(0, static_cast<float>(byo::numel(shape))).reshape(shape);
}

GradeResult grade_strides() {
  const std::vector<byo::Shape> shapes{{}, {5}, {2, 3, 4}, {2, 1, 3}, {4, 0, 3}, {7, 1}, {1}};
  for (const byo::Shape& shape : shapes) {
    const byo::Strides got = byo::exercises::row_major_strides(shape);
    const byo::Strides expected = byo::contiguous_strides(shape);
    if (got != expected) {
      return {false, 1.0,
              "shape " + shape_str(shape) + ": got " + shape_str(got) + ", expected " +
                  shape_str(expected)};
    }
  }
  return {true, 0.0, ""};
}

GradeResult grade_transpose() {
  const NDArray a = iota({2, 3, 4});
  const NDArray views[] = {a, a.permute({2, 0, 1}), a.slice(2, 1, 4, 2)};
  const int64_t pairs[][2] = {{0, 1}, {0, 2}, {-1, 1}, {2, 2}};
  for (const NDArray& v : views) {
    for (const auto& p : pairs) {
      const std::string what = "transpose_view(" + layout_str(v) + ", " + std::to_string(p[0]) +
                               ", " + std::to_string(p[1]) + ")";
      GradeResult r = check_view(what, byo::exercises::transpose_view(v, p[0], p[1]),
                                 v.transpose(p[0], p[1]), v);
      if (!r.passed) return r;
    }
  }
  return {true, 0.0, ""};
}

GradeResult grade_slice() {
  const NDArray a = iota({4, 10});
  struct Case {
    const NDArray& source;
    int64_t dim, start, stop, step;
  };
  const NDArray t = a.transpose(0, 1);  // (10, 4), strides (1, 10)
  const std::vector<Case> cases{{a, 1, 2, 9, 3},    {a, 1, 0, 10, 1},  {a, 0, 1, 3, 1},
                                {a, -1, -3, 10, 1}, {a, 1, 0, -7, 2},  {a, 1, -100, 3, 1},
                                {a, 1, 8, 100, 1},  {a, 1, 6, 3, 1},   {t, 0, 1, 10, 4},
                                {t, 1, 1, 4, 2},    {a, 1, 10, 20, 1}, {a, 0, -1, 4, 5}};
  for (const Case& c : cases) {
    const std::string what = "slice_view(" + layout_str(c.source) + ", dim " +
                             std::to_string(c.dim) + ", " + std::to_string(c.start) + ", " +
                             std::to_string(c.stop) + ", " + std::to_string(c.step) + ")";
    GradeResult r =
        check_view(what, byo::exercises::slice_view(c.source, c.dim, c.start, c.stop, c.step),
                   c.source.slice(c.dim, c.start, c.stop, c.step), c.source);
    if (!r.passed) return r;
  }
  return {true, 0.0, ""};
}

// The definition, one window at a time through at().
NDArray reference_pool(const NDArray& x) {
  NDArray out = NDArray::empty({x.size(0) / 2, x.size(1) / 2});
  for (int64_t p = 0; p < out.size(0); ++p)
    for (int64_t q = 0; q < out.size(1); ++q) {
      float m = x.at({2 * p, 2 * q});
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 2; ++j) m = std::fmax(m, x.at({2 * p + i, 2 * q + j}));
      out.at({p, q}) = m;
    }
  return out;
}

GradeResult grade_pool() {
  byo::Generator gen(2024);
  const NDArray base = NDArray::randn({8, 12}, gen);
  const NDArray big = NDArray::randn({10, 14}, gen);
  const std::vector<std::pair<std::string, NDArray>> inputs{
      {"a contiguous (8, 12)", base},
      {"a transposed (12, 8)", base.transpose(0, 1)},
      {"a (4, 6) slice at an offset", big.slice(0, 1, 9, 2).slice(1, 2, 8)},
      {"a transposed slice", big.slice(1, 2, 10).transpose(0, 1)}};
  double worst = 0.0;
  for (const auto& [name, x] : inputs) {
    const NDArray got = byo::exercises::max_pool_2x2(x);
    const NDArray expected = reference_pool(x);
    if (got.shape() != expected.shape()) {
      return {
          false, 1.0,
          name + ": shape " + shape_str(got.shape()) + ", expected " + shape_str(expected.shape())};
    }
    const std::vector<float> g = got.to_vector(), e = expected.to_vector();
    for (size_t i = 0; i < g.size(); ++i) worst = std::fmax(worst, std::fabs(g[i] - e[i]));
    if (!byo::allclose(got, expected, 0.0f, 0.0f)) {
      return {false, worst, name + ": wrong maxima (is every stride taken from x?)"};
    }
  }
  return {true, worst, ""};
}

}  // namespace

int main() {
  return byo::run_grader("Chapter 1 exercises", {{"1. row-major strides", grade_strides},
                                                 {"2. transpose as a view", grade_transpose},
                                                 {"3. slice as a view", grade_slice},
                                                 {"4. max pooling, any layout", grade_pool}});
}
