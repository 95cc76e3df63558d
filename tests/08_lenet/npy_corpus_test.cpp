// The .npy fuzzer's corpus (fuzz/corpus/npy), replayed in the normal suite: every seed (a
// file numpy wrote) decodes to the shape it declares, every other input decodes or is
// refused with a byo::Error — under the asan preset, free of memory errors too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "byo/check.h"
#include "byo/npz.h"

namespace byo {
namespace {

namespace fs = std::filesystem;

// The tests run in tests/08_lenet (byo_add_tests' WORKING_DIRECTORY).
const fs::path kCorpus = "../../fuzz/corpus/npy";

TEST(NpyCorpus, SeedsDecodeAndNothingCrashes) {
  ASSERT_TRUE(fs::is_directory(kCorpus)) << kCorpus;
  int seeds = 0;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>()};
    const std::string name = entry.path().filename().string();
    if (name.starts_with("seed-")) {
      ++seeds;
      EXPECT_NO_THROW(decode_npy(bytes, name)) << name;
    } else {
      try {
        decode_npy(bytes, name);
      } catch (const Error&) {
        // refused with a message: fine
      }
    }
  }
  EXPECT_GE(seeds, 4);
  const std::vector<uint8_t> conv1 = [] {
    std::ifstream in(kCorpus / "seed-conv1-weight.npy", std::ios::binary);
    return std::vector<uint8_t>{std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>()};
  }();
  EXPECT_EQ(decode_npy(conv1, "conv1").shape(), (Shape{6, 1, 5, 5}));
}

}  // namespace
}  // namespace byo
