/// @file
/// @brief Files for the tests that read a corpus (the fuzzers' seeds and crashes).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace byo::test {

/// @brief The files of `dir` whose names start with `prefix`, sorted by name.
inline std::vector<std::filesystem::path> files_starting_with(const std::filesystem::path& dir,
                                                              const std::string& prefix) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with(prefix)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// @brief The bytes of a file (empty if it cannot be read).
inline std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace byo::test
