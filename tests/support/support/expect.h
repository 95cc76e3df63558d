/// @file
/// @brief The assertions every chapter's tests share: values close to a reference, and a
///        byo::Error that names what went wrong.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "byo/check.h"

namespace byo::test {

/// @brief How far an element may be from its expected value e: it passes if
///        |actual - e| <= atol, or if |actual - e| <= rtol·|e|.
///
/// The absolute bound serves values near zero, where a relative error means nothing;
/// the relative one serves large values, whose rounding grows with them.
/// `{.atol = t, .rtol = t}` is "t·max(1, |e|)".
struct Tolerance {
  double atol = 0.0;
  double rtol = 0.0;
};

/// @brief Expects `actual` and `expected` to have the same length and every element to be
///        within `tol`; names the first five elements that are not, and how many there are.
///
/// NaN never passes, so a computation that blows up is caught.
template <typename Actual, typename Expected>
void expect_close(const Actual& actual, const Expected& expected, Tolerance tol,
                  const std::string& what = "") {
  ASSERT_EQ(std::size(actual), std::size(expected)) << what << ": lengths differ";
  size_t bad = 0;
  size_t i = 0;
  auto e = std::begin(expected);
  for (auto a = std::begin(actual); a != std::end(actual); ++a, ++e, ++i) {
    const double got = static_cast<double>(*a), want = static_cast<double>(*e);
    const double error = std::abs(got - want);
    if (error <= tol.atol || error <= tol.rtol * std::abs(want)) continue;
    if (++bad <= 5) {
      ADD_FAILURE() << what << (what.empty() ? "" : ": ") << "element " << i << " is " << got
                    << ", expected " << want << " (error " << error << ", atol " << tol.atol
                    << ", rtol " << tol.rtol << ")";
    }
  }
  if (bad > 5) ADD_FAILURE() << what << ": " << bad << " of " << i << " elements out of tolerance";
}

/// @brief expect_close with an absolute tolerance only.
template <typename Actual, typename Expected>
void expect_close(const Actual& actual, const Expected& expected, double atol,
                  const std::string& what = "") {
  expect_close(actual, expected, Tolerance{atol, 0.0}, what);
}

/// @brief The message of the byo::Error that `f` must throw, without the file and line of
///        the check; a test failure and "" if it throws none.
inline std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.message();
  }
  ADD_FAILURE() << "expected a byo::Error";
  return "";
}

/// @brief Expects `f` to throw a byo::Error whose message contains every one of `parts`
///        (the shapes, the file, the op it must name).
inline void expect_error(const std::function<void()>& f,
                         std::initializer_list<std::string_view> parts) {
  try {
    f();
    ADD_FAILURE() << "expected a byo::Error";
  } catch (const Error& e) {
    for (const std::string_view part : parts) {
      EXPECT_NE(e.message().find(part), std::string::npos)
          << "\"" << part << "\" not in: " << e.message();
    }
  }
}

/// @brief expect_error with one part.
inline void expect_error(const std::function<void()>& f, std::string_view part) {
  expect_error(f, {part});
}

}  // namespace byo::test
