/// @file
/// @brief The exercise grader: runs named checks and prints pass / FAIL / not implemented.
///
/// Each chapter's exercises/grade.cpp lists its exercises as checks and returns
/// `byo::run_grader(...)` from main. A check returns how far the learner's answer is from
/// the truth (usually the worst gradcheck error); a stub that still throws
/// `byo::NotImplemented` is reported as such, and any other exception is a failure.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace byo {

/// @brief What one exercise check found.
struct GradeResult {
  bool passed = false;       ///< Within tolerance.
  double worst_error = 0.0;  ///< The largest error the check measured.
  std::string detail;        ///< Optional: what was compared, or what went wrong.
};

/// @brief One exercise: a name and the check that grades it.
struct Exercise {
  std::string name;                    ///< Shown in the table, e.g. "tanh backward".
  std::function<GradeResult()> check;  ///< Runs the learner's code and grades it.
};

/// @brief Runs every exercise, prints a table, returns 0 if all passed (a `main`'s result).
int run_grader(const std::string& title, const std::vector<Exercise>& exercises);

}  // namespace byo
