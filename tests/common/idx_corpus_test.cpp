// The IDX fuzzer's corpus (fuzz/corpus/idx), replayed in the normal suite: every seed
// reads, every other input reads or is refused, and every input that once crashed the
// reader is now refused with a byo::Error —
// under the asan preset this also proves them free of memory errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/idx.h"
#include "support/files.h"

namespace {

namespace fs = std::filesystem;

// The tests run in tests/common (their WORKING_DIRECTORY).
const fs::path kCorpus = "../../fuzz/corpus/idx";

TEST(IdxCorpus, EverySeedReads) {
  const auto seeds = byo::test::files_starting_with(kCorpus, "seed-");
  ASSERT_GE(seeds.size(), 4u) << "the seed corpus is missing: " << kCorpus;
  for (const fs::path& file : seeds) {
    SCOPED_TRACE(file.string());
    const byo::IdxArray array = byo::read_idx(file);
    int64_t count = 1;
    for (const int64_t dim : array.dims) count *= dim;
    EXPECT_EQ(static_cast<int64_t>(array.data.size()), count);
  }
}

// The rest of the corpus: inputs the fuzzer kept because each reached new code (named by
// their SHA-1). Each must read or be refused with a byo::Error, nothing else.
TEST(IdxCorpus, EveryInputReadsOrIsRefused) {
  const auto inputs = byo::test::files_starting_with(kCorpus, "");
  ASSERT_GE(inputs.size(), 10u) << "the corpus is missing: " << kCorpus;
  int refused = 0;
  for (const fs::path& file : inputs) {
    SCOPED_TRACE(file.string());
    try {
      const byo::IdxArray array = byo::read_idx(file);
      int64_t count = 1;
      for (const int64_t dim : array.dims) count *= dim;
      EXPECT_EQ(static_cast<int64_t>(array.data.size()), count);
    } catch (const byo::Error&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);  // the corpus holds bad files too, so the refusals are exercised
}

TEST(IdxCorpus, EveryCrashIsNowAClearError) {
  for (const fs::path& file : byo::test::files_starting_with(kCorpus, "crash-")) {
    SCOPED_TRACE(file.string());
    EXPECT_THROW(byo::read_idx(file), byo::Error);
  }
}

}  // namespace
