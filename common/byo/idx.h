/// @file
/// @brief The IDX file format of MNIST: `read_idx` (plain or gzip) and `write_idx`.
///
/// An IDX file is a tiny header followed by raw bytes:
///
///     offset  bytes   meaning
///     0       2       0x00 0x00                 (magic: IDX always starts with two zeros)
///     2       1       data type                 (0x08 = unsigned byte, the only one MNIST uses)
///     3       1       number of dimensions n    (3 for images, 1 for labels)
///     4       4*n     each dimension, 32-bit big-endian (e.g. 60000, 28, 28)
///     4+4n    ...     the elements, row-major, dims[0]*...*dims[n-1] of them
///
/// The same file is often shipped gzip-compressed (`train-images-idx3-ubyte.gz`);
/// `read_idx` recognises gzip by its first two bytes (0x1f 0x8b), not by the file name.
/// Everything in the header is checked before memory is allocated, so a damaged or
/// foreign file gives a `byo::Error` naming the file and the problem, never a crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace byo {

/// @brief An IDX array of unsigned bytes: its dimensions and its elements, row-major.
struct IdxArray {
  std::vector<int64_t> dims;  ///< The dimensions, outermost first (e.g. {60000, 28, 28}).
  std::vector<uint8_t> data;  ///< The elements, row-major; `data.size()` == product of `dims`.
};

/// @brief How `write_idx` stores the file.
enum class IdxCompression {
  none,  ///< Plain IDX bytes.
  gzip,  ///< The IDX bytes compressed with gzip (as MNIST's `.gz` downloads).
};

/// @brief The largest data size `read_idx` accepts (4 GiB); anything larger is a bad header.
inline constexpr int64_t kIdxMaxDataBytes = int64_t{1} << 32;

/// @brief Reads an IDX file of unsigned bytes, plain or gzip-compressed.
///
/// Throws `byo::Error` naming `path` when the file is missing, is not IDX, holds another
/// data type than unsigned bytes, has an absurd header, is truncated, has bytes after the
/// data, or is a damaged gzip stream.
IdxArray read_idx(const std::filesystem::path& path);

/// @brief Writes `array` as an IDX file of unsigned bytes; used by tests to make data.
///
/// Checks that `data.size()` matches `dims` and that the dimensions fit the format.
void write_idx(const std::filesystem::path& path, const IdxArray& array,
               IdxCompression compression = IdxCompression::none);

}  // namespace byo
