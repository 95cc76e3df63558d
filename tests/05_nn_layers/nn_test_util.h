/// @file
/// @brief Small helpers shared by the chapter 5 nn and optim tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/nn.h"
#include "byo/tensor.h"
#include "support/expect.h"

namespace byo::test {

/// @brief The elements of `t`, row-major.
inline std::vector<float> values(const Tensor& t) { return t.data().to_vector(); }

/// @brief Copies of every parameter's values, to compare after an operation that must
///        leave a module untouched.
inline std::vector<std::vector<float>> snapshot(const nn::Module& module) {
  std::vector<std::vector<float>> out;
  for (const auto& [name, p] : module.named_parameters()) {
    out.push_back(p.defined() ? values(p) : std::vector<float>{});
  }
  return out;
}

/// @brief A fresh, empty directory for one test's files, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("byo_ch05_" + std::string(info->test_suite_name()) + "_" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// @brief `name` inside the directory, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// @brief The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace byo::test
