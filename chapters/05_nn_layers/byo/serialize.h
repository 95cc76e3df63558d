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
/// atomic on POSIX file systems). A rename replaces whatever has the name, so the target is
/// resolved first: a symbolic link is followed to its file, and anything that is not a
/// regular file or a new path (a directory, `/dev/null`, a pipe) is refused.
///
/// Loading trusts nothing: it reads the whole file, checks every length against the bytes
/// that are actually there before allocating anything (a header that claims 2^60 floats
/// is refused, not allocated), checks the magic, the version and the checksum, builds the
/// complete new state in memory, and only then hands it to `Module::load_state_dict`,
/// which checks names and shapes before it writes. Any refusal is a `byo::Error` that
/// says what was wrong, and leaves the module exactly as it was.
#pragma once

#include <cstdint>
#include <filesystem>
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

/// @brief The largest checkpoint file `load_state_dict` reads (4 GiB).
inline constexpr uint64_t kMaxCheckpointBytes = uint64_t{1} << 32;

/// @brief The file a save to `path` replaces: `path` itself, or the file a symbolic link
///        `path` points to (the link stays a link). Throws, naming `path`, if it is empty,
///        a directory, a device, pipe or socket, or its directory does not exist; call it
///        before a long run to refuse a bad path before any work is done.
std::filesystem::path save_target(const std::string& path);

/// @brief Writes `state` to `save_target(path)` through a temporary file beside it and a
///        rename. Throws if `save_target` refuses the path or the write fails.
void save_state_dict(const nn::StateDict& state, const std::string& path);
/// @brief Reads and validates the checkpoint at `path`, a regular file of at most
///        kMaxCheckpointBytes (a device such as /dev/zero is refused unread).
nn::StateDict load_state_dict(const std::string& path);

/// @brief Saves `module.state_dict()` to `path` (as `torch::save`).
void save(const nn::Module& module, const std::string& path);
/// @brief Loads the checkpoint at `path` into `module`; on any error throws and leaves
///        `module` untouched.
void load(nn::Module& module, const std::string& path);

}  // namespace byo
