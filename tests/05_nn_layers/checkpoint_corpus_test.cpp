// The checkpoint fuzzer's corpus (fuzz/corpus/checkpoint), replayed in the normal suite:
// every seed loads, every other input loads or is refused with a byo::Error, and every
// input that once crashed the loader is refused — under the asan preset this also proves
// them free of memory errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "byo/serialize.h"
#include "nn_test_util.h"
#include "support/files.h"

namespace byo {
namespace {

namespace fs = std::filesystem;

// The tests run in tests/05_nn_layers (byo_add_tests' WORKING_DIRECTORY).
const fs::path kCorpus = "../../fuzz/corpus/checkpoint";

TEST(CheckpointCorpus, EverySeedLoadsOrIsRefused) {
  const auto seeds = test::files_starting_with(kCorpus, "seed-");
  ASSERT_GE(seeds.size(), 4u) << "the seed corpus is missing: " << kCorpus;
  for (const fs::path& file : seeds) {
    SCOPED_TRACE(file.string());
    EXPECT_NO_THROW(deserialize(test::read_bytes(file), file.string()));  // seeds are valid files
  }
}

// The rest of the corpus: inputs the fuzzer kept because each reached new code (named by
// their SHA-1). As the fuzzer does, each is tried as it is and with its checksum made
// right, so the checks behind the checksum run too; each must load or be refused.
TEST(CheckpointCorpus, EveryInputLoadsOrIsRefused) {
  const auto inputs = test::files_starting_with(kCorpus, "");
  ASSERT_GE(inputs.size(), 10u) << "the corpus is missing: " << kCorpus;
  int loaded = 0, refused = 0;
  for (const fs::path& file : inputs) {
    SCOPED_TRACE(file.string());
    std::vector<uint8_t> bytes = test::read_bytes(file);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (attempt == 1) {
        if (bytes.size() < 8) break;
        const uint64_t sum = fnv1a64(std::span(bytes).first(bytes.size() - 8));
        for (int i = 0; i < 8; ++i)
          bytes[bytes.size() - 8 + i] = static_cast<uint8_t>(sum >> (8 * i));
      }
      try {
        const nn::StateDict state = deserialize(bytes, file.string());
        EXPECT_EQ(serialize(state), bytes);  // what loads is exactly what was saved
        ++loaded;
      } catch (const Error&) {
        ++refused;
      }
    }
  }
  EXPECT_GT(loaded, 0);
  EXPECT_GT(refused, 0);
}

TEST(CheckpointCorpus, EveryCrashIsNowAClearError) {
  for (const fs::path& file : test::files_starting_with(kCorpus, "crash-")) {
    SCOPED_TRACE(file.string());
    EXPECT_THROW(load_state_dict(file.string()), Error);
  }
}

// Found by checkpoint_fuzzer: a tensor of shape (0, 0x4f4f..., ...) holds no values, so the
// byte count passed, but NDArray's strides are products of the sizes and overflowed int64.
TEST(CheckpointCorpus, ZeroSizeThenHugeSizesIsRefused) {
  test::expect_error([] { load_state_dict((kCorpus / "crash-zero-dim-then-huge-dims").string()); },
                     "whose product, zeros left out, exceeds 2^63");
}

}  // namespace
}  // namespace byo
