/// @file
/// @brief libFuzzer target: `byo::read_idx` on arbitrary bytes, plain or gzip.
///
/// The reader must either return an array whose size matches its dimensions or throw
/// `byo::Error`; anything else (a crash, a leak, a sanitizer report, another exception,
/// a huge allocation) is a bug. `read_idx` reads files, so each input is written to one
/// scratch file first.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "byo/check.h"
#include "byo/idx.h"

namespace {

const std::filesystem::path& scratch_file() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("byo_idx_fuzz_" + std::to_string(getpid()));
  return path;
}

void write_scratch(const uint8_t* data, size_t size) {
  std::FILE* file = std::fopen(scratch_file().c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  if (std::fclose(file) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  write_scratch(data, size);
  try {
    const byo::IdxArray array = byo::read_idx(scratch_file());
    size_t count = 1;
    for (const int64_t dim : array.dims) {
      if (dim < 0) std::abort();
      count *= static_cast<size_t>(dim);
    }
    if (array.dims.empty() || count != array.data.size()) std::abort();
  } catch (const byo::Error&) {
    // A refusal with a message is the right answer to a bad file.
  }
  return 0;
}
