/// @file
/// @brief libFuzzer target: the checkpoint loader (`byo::deserialize`, then
///        `Module::load_state_dict`) on arbitrary bytes.
///
/// Each input is tried twice: as it is, and with its last 8 bytes replaced by the right
/// checksum. Random bytes almost never carry a valid FNV-1a checksum, so without the second
/// try everything behind the checksum (decoding the values, loading them into a module)
/// would go unfuzzed. The loader must return a state dict or throw `byo::Error`; a module
/// that refuses a state dict must be left exactly as it was.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "byo/check.h"
#include "byo/nn.h"
#include "byo/serialize.h"

namespace {

// The module the checkpoints are loaded into: names "0.weight" (4,3), "0.bias" (4),
// "2.weight" (2,4), "2.bias" (2), as the seed corpus was made.
std::shared_ptr<byo::nn::Sequential> make_model() {
  byo::Generator gen(7);
  return std::make_shared<byo::nn::Sequential>(
      std::make_shared<byo::nn::Linear>(byo::nn::LinearOptions(3, 4), gen),
      std::make_shared<byo::nn::ReLU>(),
      std::make_shared<byo::nn::Linear>(byo::nn::LinearOptions(4, 2), gen));
}

std::vector<float> values(const byo::nn::Module& module) {
  std::vector<float> out;
  for (const auto& [name, value] : module.state_dict()) {
    for (const float v : value.to_vector()) out.push_back(v);
  }
  return out;
}

void try_load(std::span<const uint8_t> bytes) {
  byo::nn::StateDict state;
  try {
    state = byo::deserialize(bytes, "fuzz input");
  } catch (const byo::Error&) {
    return;
  }
  // What was parsed must serialize back to the very same bytes.
  if (byo::serialize(state) != std::vector<uint8_t>(bytes.begin(), bytes.end())) std::abort();
  auto model = make_model();
  const std::vector<float> before = values(*model);
  try {
    model->load_state_dict(state);
  } catch (const byo::Error&) {
    // Refused: the module must be untouched (NaN payloads compare by bits, so by memcmp).
    const std::vector<float> after = values(*model);
    if (after.size() != before.size() ||
        std::memcmp(after.data(), before.data(), after.size() * sizeof(float)) != 0) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  try_load(bytes);
  if (size >= 8) {
    std::vector<uint8_t> fixed(bytes.begin(), bytes.end());
    const uint64_t sum = byo::fnv1a64(std::span(fixed).first(size - 8));
    for (int i = 0; i < 8; ++i) fixed[size - 8 + i] = static_cast<uint8_t>(sum >> (8 * i));
    try_load(fixed);
  }
  return 0;
}
