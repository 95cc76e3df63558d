/// @file
/// @brief libFuzzer target: the `.npy` reader of weight files (`byo::decode_npy`, byo/npz.h)
///        on arbitrary bytes.
///
/// A weight file comes from elsewhere, so its header is untrusted text and its shape a
/// claim. The reader must return an array whose size matches the bytes it was given, or
/// throw `byo::Error`; a shape that asks for more memory than the file holds must never
/// be allocated (the run has -rss_limit_mb).
#include <cstdint>
#include <cstdlib>
#include <span>

#include "byo/check.h"
#include "byo/npz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const byo::NDArray array = byo::decode_npy(std::span<const uint8_t>(data, size), "input");
    // Every element read came from the input: 4 bytes each, after at least a 10-byte prefix.
    if (array.numel() < 0 || static_cast<size_t>(array.numel()) * 4 + 10 > size) std::abort();
  } catch (const byo::Error&) {
    // A refusal with a message is the right answer to a bad file.
  }
  return 0;
}
