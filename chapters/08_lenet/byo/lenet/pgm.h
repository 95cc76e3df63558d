/// @file
/// @brief Reading a PGM image (the simplest grayscale format), for `lenet predict --image`.
///
///     P5            magic: P5 binary bytes, or P2 decimal text
///     28 28         width height
///     255           maxval (1..65535; values are scaled to 0..255)
///     <pixels>      row-major
///
/// Comments (# to end of line) may appear in the header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace byo::lenet {

/// @brief A grayscale image: 0 black … 255 white, row-major.
struct Grayscale {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> pixels;  ///< width × height bytes.
};

/// @brief Parses PGM bytes; `source` names them in errors. Throws `byo::Error` on anything
///        that is not a complete P2 or P5 image.
Grayscale parse_pgm(const std::string& bytes, const std::string& source);
/// @brief The most bytes `read_pgm` reads: 16 million pixels of text ("65535 ", 6 bytes
///        each) and a generous header. A longer file is refused before it fills the memory.
inline constexpr int64_t kMaxPgmBytes = int64_t{128} << 20;

/// @brief Reads the PGM file at `path`, at most kMaxPgmBytes of it.
Grayscale read_pgm(const std::string& path);

}  // namespace byo::lenet
