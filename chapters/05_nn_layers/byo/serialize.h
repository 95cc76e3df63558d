/// @file
/// @brief Checkpoints: `byo::save(module, path)` and `byo::load(module, path)`.
///
/// The file is a state dict (byo/nn/state_dict.h) in this little-endian binary layout:
///
/// | field          | type              | meaning                                        |
/// |----------------|-------------------|------------------------------------------------|
/// | magic          | 4 bytes           | "BYOT"                                         |
/// | version        | u32               | 1                                              |
/// | count          | u64               | number of tensors                              |
/// | *per tensor:*  |                   |                                                |
/// | name_length    | u32               | 1 .. 4096                                      |
/// | name           | name_length bytes | dotted name, "features.0.weight"               |
/// | ndim           | u32               | 0 .. 16                                        |
/// | dims           | ndim × i64        | the shape                                      |
/// | data           | numel × float32   | the values, row-major                          |
/// | *then:*        |                   |                                                |
/// | checksum       | u64               | FNV-1a 64 of every byte before it              |
///
/// Saving writes `path + ".tmp"` and renames it over `path`, so a crash mid-write never
/// leaves half a checkpoint under the real name (a rename within one directory is
/// atomic on POSIX file systems).
///
/// Loading trusts nothing: it reads the whole file, checks every length against the bytes
/// that are actually there before allocating anything (a header that claims 2^60 floats
/// is refused, not allocated), checks the magic, the version and the checksum, builds the
/// complete new state in memory, and only then hands it to `Module::load_state_dict`,
/// which checks names and shapes before it writes. Any refusal is a `byo::Error` that
/// says what was wrong, and leaves the module exactly as it was.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "byo/nn/module.h"
#include "byo/nn/state_dict.h"

namespace byo {

/// @brief The four bytes every checkpoint starts with.
inline constexpr char kCheckpointMagic[4] = {'B', 'Y', 'O', 'T'};
/// @brief The format version this code writes and reads.
inline constexpr uint32_t kCheckpointVersion = 1;

/// @brief FNV-1a, 64 bits: a simple, well-mixed hash (not a cryptographic one).
uint64_t fnv1a64(std::span<const uint8_t> bytes);

/// @brief The bytes of the checkpoint format for `state`.
std::vector<uint8_t> serialize(const nn::StateDict& state);
/// @brief Parses and validates checkpoint bytes; `source` names them in error messages.
nn::StateDict deserialize(std::span<const uint8_t> bytes, const std::string& source = "bytes");

/// @brief Writes `state` to `path` through a temporary file and a rename. Throws if the
///        directory does not exist or the write fails.
void save_state_dict(const nn::StateDict& state, const std::string& path);
/// @brief Reads and validates the checkpoint at `path`.
nn::StateDict load_state_dict(const std::string& path);

/// @brief Saves `module.state_dict()` to `path` (as `torch::save`).
void save(const nn::Module& module, const std::string& path);
/// @brief Loads the checkpoint at `path` into `module`; on any error throws and leaves
///        `module` untouched.
void load(nn::Module& module, const std::string& path);

}  // namespace byo
