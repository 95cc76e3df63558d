// Reads the reference files that PyTorch scripts write for the tests (the format of
// chapters/04_operators/reference/make_reference.py), and compares arrays against them.
//
//     case <name>
//     <role> <tensor name> <ndim> <sizes...> : <values...>
//     end
//
// Lines starting with '#' are comments. The roles are the writer's business (input, const,
// grad_output, output, grad, running_mean, ...); the reader keeps every line of a case in
// file order.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/ndarray.h"

namespace byo::test {

/// One named array of a case, with its role.
struct ReferenceEntry {
  std::string role;
  std::string name;
  NDArray value;
};

/// One case: its entries in file order.
struct ReferenceCase {
  std::vector<ReferenceEntry> entries;

  /// The entries with `role`, in file order.
  std::vector<const ReferenceEntry*> with_role(const std::string& role) const {
    std::vector<const ReferenceEntry*> out;
    for (const ReferenceEntry& e : entries) {
      if (e.role == role) out.push_back(&e);
    }
    return out;
  }
  /// The array of `role` and `name`; throws if the case has none.
  const NDArray& at(const std::string& role, const std::string& name) const {
    for (const ReferenceEntry& e : entries) {
      if (e.role == role && e.name == name) return e.value;
    }
    BYO_CHECK(false) << "reference: the case has no '" << role << " " << name << "'";
    return entries.front().value;
  }
  /// True if the case has an array of `role` and `name`.
  bool has(const std::string& role, const std::string& name) const {
    for (const ReferenceEntry& e : entries) {
      if (e.role == role && e.name == name) return true;
    }
    return false;
  }
};

/// Every case of the file at `path`, by name.
inline std::map<std::string, ReferenceCase> read_reference_cases(const std::string& path) {
  std::ifstream file(path);
  BYO_CHECK(file.good()) << "cannot open " << path;
  std::map<std::string, ReferenceCase> cases;
  ReferenceCase* current = nullptr;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string role;
    in >> role;
    if (role == "case") {
      std::string name;
      in >> name;
      BYO_CHECK(!cases.contains(name)) << path << ": case '" << name << "' appears twice";
      current = &cases[name];
      continue;
    }
    if (role == "end") {
      current = nullptr;
      continue;
    }
    BYO_CHECK(current != nullptr) << path << ": '" << role << "' outside a case";
    std::string name;
    int64_t ndim = -1;
    in >> name >> ndim;
    BYO_CHECK(in && ndim >= 0) << path << ": malformed line: " << line;
    Shape shape(ndim);
    for (int64_t& s : shape) in >> s;
    std::string colon;
    in >> colon;
    BYO_CHECK(colon == ":") << path << ": malformed line: " << line;
    std::vector<float> values;
    float v = 0;
    while (in >> v) values.push_back(v);
    current->entries.push_back({role, name, NDArray::from_vector(values, shape)});
  }
  return cases;
}

/// Expects `ours` to have `torch`'s shape and values within atol + rtol·|torch|.
inline void expect_matches_reference(const NDArray& ours, const NDArray& torch,
                                     const std::string& what, float rtol = 1e-5f,
                                     float atol = 1e-5f) {
  ASSERT_EQ(ours.shape(), torch.shape()) << what;
  const std::vector<float> a = ours.to_vector();
  const std::vector<float> b = torch.to_vector();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], b[i], atol + rtol * std::abs(b[i])) << what << " element " << i;
  }
}

}  // namespace byo::test
