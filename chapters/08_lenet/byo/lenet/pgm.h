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
/// @brief Reads the PGM file at `path`.
Grayscale read_pgm(const std::string& path);

}  // namespace byo::lenet
