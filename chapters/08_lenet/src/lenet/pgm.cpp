/// @file
/// @brief The PGM reader: a small header tokenizer, then text or binary pixels.
#include "byo/lenet/pgm.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "byo/check.h"

namespace byo::lenet {
namespace {

// Reads the next whitespace-separated unsigned number of the header, skipping comments.
int64_t header_number(const std::string& bytes, size_t& i, const std::string& source,
                      const char* what) {
  while (i < bytes.size()) {
    if (bytes[i] == '#') {
      while (i < bytes.size() && bytes[i] != '\n') ++i;
    } else if (std::isspace(static_cast<unsigned char>(bytes[i]))) {
      ++i;
    } else {
      break;
    }
  }
  BYO_CHECK(i < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[i])))
      << "read_pgm: " << source << ": expected the " << what << " (a number) at byte " << i;
  int64_t value = 0;
  while (i < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[i]))) {
    value = value * 10 + (bytes[i] - '0');
    BYO_CHECK(value <= 1'000'000) << "read_pgm: " << source << ": the " << what << " is too large";
    ++i;
  }
  return value;
}

}  // namespace

Grayscale parse_pgm(const std::string& bytes, const std::string& source) {
  BYO_CHECK(bytes.size() >= 2 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '5'))
      << "read_pgm: " << source << " is not a PGM image (it must start with P2 or P5)";
  const bool binary = bytes[1] == '5';
  size_t i = 2;
  Grayscale image;
  image.width = header_number(bytes, i, source, "width");
  image.height = header_number(bytes, i, source, "height");
  const int64_t maxval = header_number(bytes, i, source, "maxval");
  BYO_CHECK(image.width > 0 && image.height > 0 && image.width * image.height <= 16'000'000)
      << "read_pgm: " << source << ": size " << image.width << "x" << image.height
      << " is not a usable image size";
  BYO_CHECK(maxval >= 1 && maxval <= 65535)
      << "read_pgm: " << source << ": maxval " << maxval << " is not in 1..65535";
  const int64_t count = image.width * image.height;
  image.pixels.resize(static_cast<size_t>(count));
  const auto scale = [&](int64_t v) {
    BYO_CHECK(v <= maxval) << "read_pgm: " << source << ": pixel value " << v << " exceeds maxval "
                           << maxval;
    return static_cast<uint8_t>((v * 255 + maxval / 2) / maxval);
  };
  if (binary) {
    // Exactly one whitespace byte separates the header from the pixels.
    BYO_CHECK(i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i])))
        << "read_pgm: " << source << " ends after its header";
    ++i;
    const int64_t bytes_per_value = maxval > 255 ? 2 : 1;
    BYO_CHECK(static_cast<int64_t>(bytes.size() - i) >= count * bytes_per_value)
        << "read_pgm: " << source << " is truncated: " << count * bytes_per_value
        << " pixel bytes needed, " << bytes.size() - i << " present";
    for (int64_t k = 0; k < count; ++k) {
      int64_t v = static_cast<unsigned char>(bytes[i++]);
      if (bytes_per_value == 2) v = v * 256 + static_cast<unsigned char>(bytes[i++]);
      image.pixels[static_cast<size_t>(k)] = scale(v);
    }
  } else {
    for (int64_t k = 0; k < count; ++k) {
      image.pixels[static_cast<size_t>(k)] = scale(header_number(bytes, i, source, "pixel value"));
    }
  }
  return image;
}

Grayscale read_pgm(const std::string& path) {
  std::error_code ec;
  BYO_CHECK(!std::filesystem::is_directory(path, ec))
      << "read_pgm: " << path << " is a directory, not a PGM image";
  std::ifstream in(path, std::ios::binary);
  BYO_CHECK(in.is_open()) << "read_pgm: cannot open " << path;
  // The read stops at what a PGM can hold: its two magic bytes first (so /dev/zero or a
  // photo is refused after two bytes), then at most kMaxPgmBytes.
  std::string bytes(2, '\0');
  in.read(bytes.data(), 2);
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes != "P2" && bytes != "P5") return parse_pgm(bytes, path);  // throws "not a PGM"
  std::string chunk(1 << 20, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    bytes.append(chunk, 0, static_cast<size_t>(in.gcount()));
    BYO_CHECK(static_cast<int64_t>(bytes.size()) <= kMaxPgmBytes)
        << "read_pgm: " << path << " has more than " << kMaxPgmBytes
        << " bytes, more than any image this reader accepts (16 million pixels)";
  }
  BYO_CHECK(!in.bad()) << "read_pgm: reading " << path << " failed";
  return parse_pgm(bytes, path);
}

}  // namespace byo::lenet
