/// @file
/// @brief NumPy's .npy and .npz: the header written and parsed here, the zip by libzip.
#include "byo/npz.h"

#include <zip.h>

#include <bit>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "byo/check.h"

namespace byo {
namespace {

static_assert(std::endian::native == std::endian::little,
              "npz: .npy data is written as '<f4' (little-endian), this machine's floats");

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes, then the version's two bytes
constexpr size_t kMagicSize = 6;
constexpr size_t kMaxHeader = 1 << 16;  // numpy's own headers are a few hundred bytes
constexpr size_t kMaxDims = 32;         // numpy's NPY_MAXDIMS
// Largest entry accepted from an archive: well above any model here, far below memory.
constexpr zip_uint64_t kMaxEntryBytes = zip_uint64_t{1} << 32;

std::string python_tuple(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    s += std::to_string(shape[i]);
    if (i + 1 < shape.size() || shape.size() == 1) s += ",";  // (6,) is a tuple, (6) is not
    if (i + 1 < shape.size()) s += " ";
  }
  return s + ")";
}

// The header dictionary, a Python literal of exactly the form numpy writes. A parser of
// that one form, which reads nothing past the header's end and no number beyond int64.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    Shape shape;
  };

  Header parse() {
    Header h;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        check(!have_descr, "'descr' twice");
        h.descr = string_literal();
        have_descr = true;
      } else if (key == "fortran_order") {
        check(!have_order, "'fortran_order' twice");
        h.fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        check(!have_shape, "'shape' twice");
        h.shape = tuple();
        have_shape = true;
      } else {
        fail("unknown key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      skip_space();
      check(peek() == '}', "expected ',' or '}'");
    }
    ++at_;  // '}'
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n')) ++at_;
    check(at_ == text_.size(), "text after the dictionary");
    check(have_descr && have_order && have_shape,
          "the header needs 'descr', 'fortran_order' and 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    BYO_CHECK(false) << "npy: " << where_ << ": bad header (" << what << " at byte " << at_
                     << "): " << text_;
    std::abort();  // not reached: BYO_CHECK(false) throws
  }
  void check(bool ok, const std::string& what) const {
    if (!ok) fail(what);
  }
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  void skip_space() {
    while (at_ < text_.size() && text_[at_] == ' ') ++at_;
  }
  void expect(char c) {
    skip_space();
    check(peek() == c, std::string("expected '") + c + "'");
    ++at_;
  }
  std::string string_literal() {
    skip_space();
    check(peek() == '\'' || peek() == '"', "expected a string");
    const char quote = text_[at_++];
    const size_t end = text_.find(quote, at_);
    check(end != std::string_view::npos, "unterminated string");
    std::string s(text_.substr(at_, end - at_));
    at_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const bool value : {true, false}) {
      const std::string_view word = value ? "True" : "False";
      if (text_.substr(at_, word.size()) == word) {
        at_ += word.size();
        return value;
      }
    }
    fail("expected True or False");
  }
  Shape tuple() {
    expect('(');
    Shape shape;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      check(std::isdigit(static_cast<unsigned char>(peek())), "expected a dimension");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        check(v <= (std::numeric_limits<int64_t>::max() - 9) / 10, "dimension too large");
        v = v * 10 + (text_[at_++] - '0');
      }
      // numpy writes 2L on Python 2; a stray L is still an integer.
      if (peek() == 'L') ++at_;
      shape.push_back(v);
      check(shape.size() <= kMaxDims, "more than 32 dimensions");
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      check(peek() == ')', "expected ',' or ')'");
    }
    ++at_;
    return shape;
  }

  std::string_view text_;
  const std::string& where_;
  size_t at_ = 0;
};

// A zip archive, closed (discarding changes) when it goes out of scope.
struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

std::vector<uint8_t> encode_npy(const NDArray& array) {
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + python_tuple(array.shape()) + ", }";
  // numpy pads with spaces to a multiple of 64 bytes, counting magic, version and length,
  // and ends the header with a newline.
  const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  BYO_CHECK(header.size() < kMaxHeader) << "npy: a " << array.dim() << "-d header is too long";
  const NDArray values = array.contiguous();
  const size_t data_bytes = static_cast<size_t>(values.numel()) * sizeof(float);
  // magic, version 1.0, the header's length (2 bytes, little-endian), header, data
  std::vector<uint8_t> out(kMagicSize + 4 + header.size() + data_bytes);
  std::memcpy(out.data(), kMagic, kMagicSize);
  out[kMagicSize] = 1;
  out[kMagicSize + 1] = 0;
  out[kMagicSize + 2] = static_cast<uint8_t>(header.size() & 0xff);
  out[kMagicSize + 3] = static_cast<uint8_t>(header.size() >> 8);
  std::memcpy(out.data() + kMagicSize + 4, header.data(), header.size());
  if (data_bytes > 0) {
    std::memcpy(out.data() + kMagicSize + 4 + header.size(), values.data(), data_bytes);
  }
  return out;
}

NDArray decode_npy(std::span<const uint8_t> bytes, const std::string& where) {
  BYO_CHECK(bytes.size() >= kMagicSize + 4 && std::memcmp(bytes.data(), kMagic, kMagicSize) == 0)
      << "npy: " << where << " is not a .npy array (no \\x93NUMPY magic)";
  const uint8_t major = bytes[6], minor = bytes[7];
  BYO_CHECK((major == 1 || major == 2) && minor == 0)
      << "npy: " << where << ": format version " << int{major} << "." << int{minor}
      << " (this reader knows 1.0 and 2.0)";
  // 1.0: a 2-byte header length; 2.0: 4 bytes (for very long headers, refused below).
  const size_t length_bytes = major == 1 ? 2 : 4;
  BYO_CHECK(bytes.size() >= kMagicSize + 2 + length_bytes)
      << "npy: " << where << ": truncated header";
  size_t header_size = 0;
  for (size_t i = 0; i < length_bytes; ++i) {
    header_size |= size_t{bytes[kMagicSize + 2 + i]} << (8 * i);
  }
  const size_t header_at = kMagicSize + 2 + length_bytes;
  BYO_CHECK(header_size < kMaxHeader && header_size <= bytes.size() - header_at)
      << "npy: " << where << ": header of " << header_size << " bytes, " << bytes.size() - header_at
      << " left in the file";
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + header_at), header_size);
  const auto h = HeaderParser(text, where).parse();
  BYO_CHECK(h.descr == "<f4") << "npy: " << where << ": dtype '" << h.descr
                              << "', byotorch reads float32 only ('<f4'; in NumPy: "
                                 "a.astype('<f4'))";
  BYO_CHECK(!h.fortran_order) << "npy: " << where
                              << ": Fortran order; save a C-ordered array "
                                 "(np.ascontiguousarray)";
  // The element count, checked against the data actually there before anything is
  // allocated: a lying shape costs nothing.
  const size_t data_bytes = bytes.size() - header_at - header_size;
  uint64_t count = 1;
  for (const int64_t d : h.shape) {
    BYO_CHECK(d == 0 || count <= data_bytes / sizeof(float) / static_cast<uint64_t>(d))
        << "npy: " << where << ": shape " << shape_str(h.shape) << " needs more than the "
        << data_bytes << " data bytes there are";
    count *= static_cast<uint64_t>(d);
  }
  BYO_CHECK(count * sizeof(float) == data_bytes)
      << "npy: " << where << ": shape " << shape_str(h.shape) << " needs " << count * sizeof(float)
      << " data bytes, the file has " << data_bytes;
  NDArray array = NDArray::zeros(h.shape);
  if (count > 0) std::memcpy(array.data(), bytes.data() + header_at + header_size, data_bytes);
  return array;
}

void save_npz(const nn::StateDict& state, const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  BYO_CHECK(fs::is_directory(directory)) << "save_npz: the directory '" << directory.string()
                                         << "' for '" << path << "' does not exist";
  // libzip reads the buffers when the archive is closed, so they live until then.
  std::vector<std::vector<uint8_t>> files;
  files.reserve(state.size());
  for (const auto& [name, value] : state) files.push_back(encode_npy(value));

  const std::string temporary = path + ".tmp";
  int code = 0;
  Zip archive(zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  BYO_CHECK(archive) << "save_npz: cannot create '" << temporary << "': " << zip_error_text(code);
  size_t i = 0;
  for (const auto& [name, value] : state) {
    const std::vector<uint8_t>& file = files[i++];
    zip_source_t* source = zip_source_buffer(archive.get(), file.data(), file.size(), 0);
    BYO_CHECK(source) << "save_npz: " << zip_strerror(archive.get());
    const std::string entry = name + ".npy";
    const zip_int64_t index =
        zip_file_add(archive.get(), entry.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      BYO_CHECK(false) << "save_npz: cannot add '" << entry << "': " << zip_strerror(archive.get());
    }
    // Stored, not deflated, as numpy.savez does: weights hardly compress.
    BYO_CHECK(zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(index),
                                       ZIP_CM_STORE, 0) == 0)
        << "save_npz: " << zip_strerror(archive.get());
  }
  if (zip_close(archive.get()) != 0) {
    const std::string why = zip_strerror(archive.get());
    std::error_code ignored;
    fs::remove(temporary, ignored);
    BYO_CHECK(false) << "save_npz: writing '" << temporary << "' failed: " << why;
  }
  archive.release();  // zip_close freed it
  // An archive without entries leaves no file behind (libzip writes nothing): numpy still
  // reads an empty zip, so write one. 22 bytes: the end-of-central-directory record alone.
  if (state.empty()) {
    const uint8_t empty[22] = {0x50, 0x4b, 0x05, 0x06};
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    BYO_CHECK(f && std::fwrite(empty, 1, sizeof empty, f) == sizeof empty && std::fclose(f) == 0)
        << "save_npz: cannot write '" << temporary << "'";
  }
  std::error_code error;
  fs::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    BYO_CHECK(false) << "save_npz: cannot rename '" << temporary << "' to '" << path
                     << "': " << error.message();
  }
}

nn::StateDict load_npz(const std::string& path) {
  int code = 0;
  Zip archive(zip_open(path.c_str(), ZIP_RDONLY, &code));
  BYO_CHECK(archive) << "load_npz: cannot open '" << path << "': " << zip_error_text(code);
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  BYO_CHECK(entries >= 0) << "load_npz: '" << path << "': " << zip_strerror(archive.get());
  nn::StateDict state;
  for (zip_int64_t i = 0; i < entries; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    zip_stat_init(&st);
    BYO_CHECK(zip_stat_index(archive.get(), index, 0, &st) == 0 && (st.valid & ZIP_STAT_NAME) &&
              (st.valid & ZIP_STAT_SIZE))
        << "load_npz: '" << path << "': entry " << i << ": " << zip_strerror(archive.get());
    const std::string entry = st.name;
    const std::string where = path + ":" + entry;
    BYO_CHECK(entry.size() > 4 && entry.ends_with(".npy"))
        << "load_npz: '" << path << "' holds '" << entry << "', not a NAME.npy array";
    BYO_CHECK(st.size <= kMaxEntryBytes)
        << "load_npz: " << where << " is " << st.size << " bytes (the limit is 4 GiB)";
    std::vector<uint8_t> bytes(static_cast<size_t>(st.size));
    {
      std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(
          zip_fopen_index(archive.get(), index, 0), zip_fclose);
      BYO_CHECK(file) << "load_npz: cannot read " << where << ": " << zip_strerror(archive.get());
      const zip_int64_t got = zip_fread(file.get(), bytes.data(), bytes.size());
      // A short read, or bytes beyond the size the directory states, is a damaged archive;
      // libzip has checked the CRC-32 once the entry is read to its end.
      uint8_t extra = 0;
      BYO_CHECK(got == static_cast<zip_int64_t>(bytes.size()) &&
                zip_fread(file.get(), &extra, 1) == 0)
          << "load_npz: " << where << ": " << zip_file_strerror(file.get());
    }
    state.insert(entry.substr(0, entry.size() - 4), decode_npy(bytes, where));
  }
  return state;
}

void save_npz(const nn::Module& module, const std::string& path) {
  save_npz(module.state_dict(), path);
}

void load_npz(nn::Module& module, const std::string& path) {
  module.load_state_dict(load_npz(path));
}

}  // namespace byo
