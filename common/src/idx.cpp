#include "byo/idx.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

#include "byo/check.h"

namespace byo {
namespace {

namespace fs = std::filesystem;

constexpr uint8_t kIdxUnsignedByte = 0x08;
constexpr uint8_t kGzipMagic[2] = {0x1f, 0x8b};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_for_reading(const fs::path& path, const std::string& name) {
  std::error_code ec;
  BYO_CHECK(!fs::is_directory(path, ec)) << name << ": is a directory, not an IDX file";
  File file(std::fopen(path.c_str(), "rb"));
  BYO_CHECK(file) << name << ": cannot open: " << std::strerror(errno);
  return file;
}

// The IDX type codes, for the message that refuses them.
const char* idx_type_name(uint8_t code) {
  switch (code) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "int16";
    case 0x0C:
      return "int32";
    case 0x0D:
      return "float32";
    case 0x0E:
      return "float64";
    default:
      return "not an IDX type";
  }
}

std::string hex_bytes(const uint8_t* bytes, size_t n) {
  std::string out;
  char buffer[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", bytes[i]);
    if (i > 0) out += ' ';
    out += buffer;
  }
  return out;
}

std::string dims_str(const std::vector<int64_t>& dims) {
  std::ostringstream out;
  for (size_t i = 0; i < dims.size(); ++i) out << (i > 0 ? " x " : "") << dims[i];
  return out.str();
}

// The bytes of a file in order, gunzipped on the fly when the file is gzip. `read` returns
// fewer bytes than asked only at the end of the (decompressed) data; a damaged or cut-off
// gzip stream throws instead, so the IDX parser below never sees half-decoded garbage.
class ByteReader {
 public:
  ByteReader(const fs::path& path, std::string name)
      : name_(std::move(name)), file_(open_for_reading(path, name_)) {
    uint8_t head[2] = {0, 0};
    const size_t got = std::fread(head, 1, 2, file_.get());
    check_file_error();
    gzip_ = got == 2 && head[0] == kGzipMagic[0] && head[1] == kGzipMagic[1];
    BYO_CHECK(std::fseek(file_.get(), 0, SEEK_SET) == 0)
        << name_ << ": cannot seek: " << std::strerror(errno);
    if (gzip_) {
      input_.resize(1 << 16);
      // 15 + 16: a 32 KiB window, and expect a gzip header and trailer (with its CRC-32).
      BYO_CHECK(inflateInit2(&zs_, 15 + 16) == Z_OK) << name_ << ": zlib cannot start";
    }
  }
  ~ByteReader() {
    if (gzip_) inflateEnd(&zs_);
  }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  bool gzip() const { return gzip_; }

  // The file's size in bytes on disk, or -1 if it has none (a pipe).
  int64_t file_size() const {
    std::error_code ec;
    const auto size = fs::file_size(name_, ec);
    return ec ? -1 : static_cast<int64_t>(size);
  }

  size_t read(uint8_t* out, size_t n) {
    if (!gzip_) {
      const size_t got = std::fread(out, 1, n, file_.get());
      check_file_error();
      return got;
    }
    size_t done = 0;
    while (done < n && !finished_) {
      // zlib counts in uInt (32 bits); larger requests go in pieces.
      const size_t piece = std::min<size_t>(n - done, size_t{1} << 30);
      zs_.next_out = out + done;
      zs_.avail_out = static_cast<uInt>(piece);
      inflate_into_output();
      done += piece - zs_.avail_out;
    }
    return done;
  }

 private:
  void check_file_error() {
    BYO_CHECK(!std::ferror(file_.get())) << name_ << ": read error: " << std::strerror(errno);
  }

  // Refills the compressed input; false at the end of the file.
  bool refill() {
    const size_t kept = zs_.avail_in;
    if (kept > 0) std::memmove(input_.data(), zs_.next_in, kept);
    const size_t got = std::fread(input_.data() + kept, 1, input_.size() - kept, file_.get());
    check_file_error();
    zs_.next_in = input_.data();
    zs_.avail_in = static_cast<uInt>(kept + got);
    return got > 0;
  }

  // Inflates until the output window is full or the last gzip member has ended.
  void inflate_into_output() {
    while (zs_.avail_out > 0) {
      if (zs_.avail_in == 0 && !refill()) {
        BYO_CHECK(!in_member_) << name_ << ": corrupt gzip: the compressed data ends early "
                               << "(the .gz file is truncated)";
        finished_ = true;
        return;
      }
      in_member_ = true;
      const int status = inflate(&zs_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        in_member_ = false;
        start_next_member_or_finish();
        if (finished_) return;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        BYO_CHECK(false) << name_ << ": corrupt gzip: zlib says \""
                         << (zs_.msg != nullptr ? zs_.msg : "error") << "\" (code " << status
                         << ")";
      }
    }
  }

  // gzip allows several members back to back (as `cat a.gz b.gz`); anything else after the
  // end of a member is garbage.
  void start_next_member_or_finish() {
    if (zs_.avail_in < 2) refill();
    if (zs_.avail_in == 0) {
      finished_ = true;
      return;
    }
    BYO_CHECK(zs_.avail_in >= 2 && zs_.next_in[0] == kGzipMagic[0] &&
              zs_.next_in[1] == kGzipMagic[1])
        << name_ << ": corrupt gzip: bytes after the end of the compressed data ("
        << hex_bytes(zs_.next_in, std::min<size_t>(zs_.avail_in, 4)) << " ...)";
    BYO_CHECK(inflateReset(&zs_) == Z_OK) << name_ << ": zlib cannot restart";
  }

  std::string name_;
  File file_;
  bool gzip_ = false;
  z_stream zs_{};
  std::vector<uint8_t> input_;
  bool in_member_ = false;
  bool finished_ = false;
};

// Reads what is left, up to `limit` bytes, and returns how many bytes that was.
int64_t count_rest(ByteReader& in, int64_t limit = std::numeric_limits<int64_t>::max()) {
  std::array<uint8_t, 1 << 16> sink;
  int64_t total = 0;
  while (total < limit) {
    const auto want = static_cast<size_t>(std::min<int64_t>(limit - total, sink.size()));
    const size_t got = in.read(sink.data(), want);
    if (got == 0) break;
    total += static_cast<int64_t>(got);
  }
  return total;
}

// How much trailing garbage a gzip file's first pass counts before it stops counting.
constexpr int64_t kTrailingCountLimit = int64_t{1} << 20;

}  // namespace

IdxArray read_idx(const fs::path& path) {
  const std::string name = path.string();
  ByteReader in(path, name);
  const char* file_kind = in.gzip() ? "the decompressed file" : "the file";

  uint8_t head[4];
  const size_t head_got = in.read(head, 4);
  BYO_CHECK(head_got == 4) << name << ": truncated: " << file_kind << " has " << head_got
                           << " bytes, an IDX header needs at least 4";
  BYO_CHECK(head[0] == 0 && head[1] == 0)
      << name << ": not an IDX file: it starts with bytes " << hex_bytes(head, 4)
      << ", an IDX file starts with 00 00 <type> <number of dimensions>";
  BYO_CHECK(head[2] == kIdxUnsignedByte)
      << name << ": data type 0x" << hex_bytes(head + 2, 1) << " (" << idx_type_name(head[2])
      << ") is not supported: byotorch reads IDX files of unsigned bytes (type 0x08)";
  const int ndims = head[3];
  BYO_CHECK(ndims > 0) << name << ": the IDX header says the array has 0 dimensions";

  std::vector<uint8_t> dim_bytes(4 * static_cast<size_t>(ndims));
  const size_t dims_got = in.read(dim_bytes.data(), dim_bytes.size());
  BYO_CHECK(dims_got == dim_bytes.size())
      << name << ": truncated: the header announces " << ndims << " dimensions ("
      << dim_bytes.size() << " bytes) but " << file_kind << " ends after " << dims_got
      << " of those bytes";

  IdxArray array;
  array.dims.resize(static_cast<size_t>(ndims));
  for (size_t i = 0; i < array.dims.size(); ++i) {
    const uint8_t* b = &dim_bytes[4 * i];
    array.dims[i] = (int64_t{b[0]} << 24) | (int64_t{b[1]} << 16) | (int64_t{b[2]} << 8) | b[3];
  }
  // The size is checked dimension by dimension, so the product itself can never overflow.
  int64_t bytes = 1;
  for (const int64_t dim : array.dims) {
    if (dim == 0) {
      bytes = 0;
      break;
    }
    BYO_CHECK(bytes <= kIdxMaxDataBytes / dim)
        << name << ": absurd header: dimensions " << dims_str(array.dims) << " describe more than "
        << kIdxMaxDataBytes << " bytes of data";
    bytes *= dim;
  }

  const int64_t header_bytes = 4 + 4 * int64_t{ndims};
  // Before allocating, the size is checked: a plain file's by its size on disk, a gzip
  // file's by a first pass below. Only a file without a size (a pipe) is read in growing
  // steps (doubling, from 1 MiB), so that a lying header costs no more memory than about
  // twice the data the file really holds.
  constexpr int64_t kStep = int64_t{1} << 20;
  int64_t first_step = kStep;
  if (in.gzip()) {
    // What a gzip file inflates to is unknown until it is inflated (deflate packs up to about
    // 1000:1), so it is inflated once without being kept, and no further than the header's
    // size and a little more: a lying header is refused before a byte is allocated, and a
    // small file that inflates to gigabytes is not inflated past what the header allows.
    ByteReader counter(path, name);
    BYO_CHECK(count_rest(counter, header_bytes) == header_bytes) << name << ": changed while read";
    const int64_t have = count_rest(counter, bytes + kTrailingCountLimit);
    BYO_CHECK(have >= bytes) << name << ": truncated: header says " << bytes << " bytes of data ("
                             << dims_str(array.dims) << "), " << file_kind << " has " << have;
    BYO_CHECK(have <= bytes) << name << ": "
                             << (have - bytes < kTrailingCountLimit ? "" : "at least ")
                             << have - bytes << " bytes of trailing garbage: header says " << bytes
                             << " bytes of data (" << dims_str(array.dims) << "), " << file_kind
                             << " has " << (have - bytes < kTrailingCountLimit ? "" : "more than ")
                             << have;
    first_step = bytes;
  }
  if (const int64_t size = in.file_size(); !in.gzip() && size >= 0) {
    const int64_t have = size - header_bytes;
    BYO_CHECK(have >= bytes) << name << ": truncated: header says " << bytes << " bytes of data ("
                             << dims_str(array.dims) << "), file has " << have;
    BYO_CHECK(have <= bytes) << name << ": " << have - bytes
                             << " bytes of trailing garbage: header says " << bytes
                             << " bytes of data (" << dims_str(array.dims) << "), file has "
                             << have;
    first_step = bytes;
  }
  int64_t got = 0;
  while (got < bytes) {
    const int64_t step = std::min(bytes - got, std::max(first_step, got));
    array.data.resize(static_cast<size_t>(got + step));
    const auto piece =
        static_cast<int64_t>(in.read(array.data.data() + got, static_cast<size_t>(step)));
    got += piece;
    BYO_CHECK(piece == step) << name << ": truncated: header says " << bytes << " bytes of data ("
                             << dims_str(array.dims) << "), " << file_kind << " has " << got;
  }
  const int64_t trailing = count_rest(in);
  BYO_CHECK(trailing == 0) << name << ": " << trailing << " bytes of trailing garbage: header says "
                           << bytes << " bytes of data (" << dims_str(array.dims) << "), "
                           << file_kind << " has " << bytes + trailing;
  return array;
}

void write_idx(const fs::path& path, const IdxArray& array, IdxCompression compression) {
  const std::string name = path.string();
  BYO_CHECK(!array.dims.empty() && array.dims.size() <= 255)
      << "write_idx: " << name << ": IDX holds 1 to 255 dimensions, not " << array.dims.size();
  std::vector<uint8_t> header = {0, 0, kIdxUnsignedByte, static_cast<uint8_t>(array.dims.size())};
  uint64_t count = 1;
  for (const int64_t dim : array.dims) {
    BYO_CHECK(dim >= 0 && dim <= int64_t{UINT32_MAX})
        << "write_idx: " << name << ": dimension " << dim << " does not fit 32 bits unsigned";
    const auto d = static_cast<uint32_t>(dim);
    for (const int shift : {24, 16, 8, 0}) header.push_back(static_cast<uint8_t>(d >> shift));
    count *= static_cast<uint64_t>(dim);
  }
  BYO_CHECK(count == array.data.size())
      << "write_idx: " << name << ": dimensions " << dims_str(array.dims) << " hold " << count
      << " elements but data has " << array.data.size();

  if (compression == IdxCompression::none) {
    File file(std::fopen(path.c_str(), "wb"));
    BYO_CHECK(file) << "write_idx: " << name << ": cannot create: " << std::strerror(errno);
    const bool ok =
        std::fwrite(header.data(), 1, header.size(), file.get()) == header.size() &&
        (array.data.empty() ||  // fwrite's buffer may not be null, even for 0 bytes
         std::fwrite(array.data.data(), 1, array.data.size(), file.get()) == array.data.size());
    BYO_CHECK(ok && std::fclose(file.release()) == 0)
        << "write_idx: " << name << ": write failed: " << std::strerror(errno);
    return;
  }
  gzFile file = gzopen(path.c_str(), "wb");
  BYO_CHECK(file != nullptr) << "write_idx: " << name
                             << ": cannot create: " << std::strerror(errno);
  bool ok = gzwrite(file, header.data(), static_cast<unsigned>(header.size())) ==
            static_cast<int>(header.size());
  for (size_t at = 0; ok && at < array.data.size();) {
    const size_t piece = std::min<size_t>(array.data.size() - at, size_t{1} << 30);
    ok = gzwrite(file, array.data.data() + at, static_cast<unsigned>(piece)) ==
         static_cast<int>(piece);
    at += piece;
  }
  const int closed = gzclose(file);
  BYO_CHECK(ok && closed == Z_OK) << "write_idx: " << name << ": gzip write failed";
}

}  // namespace byo
