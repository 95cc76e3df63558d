#include "byo/grader.h"

#include <cstdio>
#include <exception>

#include "byo/check.h"

namespace byo {

int run_grader(const std::string& title, const std::vector<Exercise>& exercises) {
  std::printf("%s\n\n  %-36s  %-18s  %s\n", title.c_str(), "exercise", "result", "worst error");
  int passed = 0;
  for (const Exercise& exercise : exercises) {
    std::string result;
    std::string error = "-";
    std::string detail;
    try {
      const GradeResult grade = exercise.check();
      result = grade.passed ? "pass" : "FAIL";
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.3g", grade.worst_error);
      error = buffer;
      detail = grade.detail;
      passed += grade.passed ? 1 : 0;
    } catch (const NotImplemented&) {
      result = "not implemented";
    } catch (const std::exception& e) {
      result = "FAIL (threw)";
      detail = e.what();
    }
    std::printf("  %-36s  %-18s  %s\n", exercise.name.c_str(), result.c_str(), error.c_str());
    if (!detail.empty()) std::printf("      %s\n", detail.c_str());
  }
  const int total = static_cast<int>(exercises.size());
  std::printf("\n%d passed, %d failed\n", passed, total - passed);
  return passed == total ? 0 : 1;
}

}  // namespace byo
