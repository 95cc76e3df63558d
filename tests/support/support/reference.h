/// @file
/// @brief The reader of the reference files that the tests check against (PyTorch's values,
///        made by the scripts in chapters/NN/reference/ and checked in under tests/NN/data/).
///
/// One format for every chapter, a line at a time:
///
///     # a comment (blank lines are skipped too)
///     case NAME [KEY=VALUE ...]          a case, and its settings
///     ROLE NAME NDIM D1 ... Dn : V1 ...  an array: its role in the case ("input", "grad",
///                                        ...), its name, its shape and its values in
///                                        row-major order ("nan" and "inf" allowed)
///     text NAME N                        the next N lines, verbatim, as one string
///     end                                closes the case
///
/// Every malformed line is a byo::Error naming the file and the line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace byo::test {

/// @brief One array line of a reference file.
struct ReferenceArray {
  std::string role;
  std::string name;
  std::vector<int64_t> shape;
  /// @brief As written (in float32 they round to the values PyTorch computed).
  std::vector<double> values;

  std::vector<float> floats() const { return {values.begin(), values.end()}; }
  /// @brief The product of the shape: how many values a full array has.
  int64_t numel() const;
};

/// @brief One case: its settings, arrays and texts, in file order.
struct ReferenceCase {
  std::string name;
  std::map<std::string, std::string> settings;
  std::vector<ReferenceArray> arrays;
  std::map<std::string, std::string> texts;

  /// @brief The array with this role and name; a byo::Error if there is none.
  const ReferenceArray& array(const std::string& role, const std::string& name) const;
  /// @brief The array with this role and name, or null.
  const ReferenceArray* find(const std::string& role, const std::string& name) const;
  /// @brief Every array with this role (and this name, if not empty), in file order.
  std::vector<const ReferenceArray*> arrays_with(const std::string& role,
                                                 const std::string& name = "") const;
  /// @brief A setting's value; a byo::Error if the case has no such setting.
  const std::string& setting(const std::string& key) const;
  /// @brief A setting read as a number.
  double number(const std::string& key) const;
  /// @brief A text block; a byo::Error if there is none of that name.
  const std::string& text(const std::string& name) const;
};

/// @brief Every case of the file at `path`, in file order.
std::vector<ReferenceCase> read_reference(const std::string& path);

/// @brief The case called `name`; a byo::Error if there is none.
const ReferenceCase& find_case(const std::vector<ReferenceCase>& cases, const std::string& name);

}  // namespace byo::test
