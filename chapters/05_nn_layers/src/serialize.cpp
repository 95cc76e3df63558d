#include "byo/serialize.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <unordered_set>

#include "byo/check.h"

namespace byo {
namespace {

constexpr uint32_t kMaxNameLength = 4096;
constexpr uint32_t kMaxDims = 16;
constexpr size_t kChecksumBytes = 8;

// ---- Writing: every integer byte by byte, least significant first -----------------------

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// ---- Reading: a cursor that checks every length against the bytes that are there -------

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, const std::string& source)
      : bytes_(bytes), source_(source) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  // Throws "truncated" unless `n` more bytes exist, naming what was being read.
  void need(uint64_t n, const std::string& what) const {
    BYO_CHECK(n <= remaining()) << "load: " << source_ << " is truncated at offset " << pos_
                                << " (reading " << what << "): " << n << " bytes needed, "
                                << remaining() << " left";
  }
  std::span<const uint8_t> take(size_t n, const std::string& what) {
    need(n, what);
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  uint32_t u32(const std::string& what) {
    auto b = take(4, what);
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | b[static_cast<size_t>(i)];
    return v;
  }
  uint64_t u64(const std::string& what) {
    auto b = take(8, what);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | b[static_cast<size_t>(i)];
    return v;
  }

 private:
  std::span<const uint8_t> bytes_;
  const std::string& source_;
  size_t pos_ = 0;
};

// Where one tensor's values lie in the file, found before anything is allocated.
struct EntryLayout {
  std::string name;
  Shape shape;
  size_t data_offset;
};

std::string hex(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << std::setw(16) << std::setfill('0') << v;
  return os.str();
}

std::string printable_magic(std::span<const uint8_t> b) {
  std::ostringstream os;
  for (uint8_t c : b) os << std::hex << std::setw(2) << std::setfill('0') << int{c} << ' ';
  return os.str();
}

}  // namespace

uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // the FNV offset basis
  for (uint8_t b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ULL;  // the FNV prime
  }
  return hash;
}

std::vector<uint8_t> serialize(const nn::StateDict& state) {
  std::vector<uint8_t> out(std::begin(kCheckpointMagic), std::end(kCheckpointMagic));
  put_u32(out, kCheckpointVersion);
  put_u64(out, state.size());
  for (const auto& [name, value] : state) {
    BYO_CHECK(!name.empty() && name.size() <= kMaxNameLength)
        << "save: the name '" << name << "' must have 1 to " << kMaxNameLength << " bytes";
    BYO_CHECK(value.dim() <= kMaxDims)
        << "save: '" << name << "' has " << value.dim() << " dims, the format allows " << kMaxDims;
    put_u32(out, static_cast<uint32_t>(name.size()));
    out.insert(out.end(), name.begin(), name.end());
    put_u32(out, static_cast<uint32_t>(value.dim()));
    for (int64_t d : value.shape()) put_u64(out, static_cast<uint64_t>(d));
    for (float f : value.to_vector()) put_u32(out, std::bit_cast<uint32_t>(f));
  }
  put_u64(out, fnv1a64(out));
  return out;
}

nn::StateDict deserialize(std::span<const uint8_t> bytes, const std::string& source) {
  Reader in(bytes, source);

  // Magic and version first: a foreign file should be called foreign, not corrupt.
  const size_t magic_bytes = std::min(bytes.size(), sizeof(kCheckpointMagic));
  BYO_CHECK(magic_bytes == 0 || std::memcmp(bytes.data(), kCheckpointMagic, magic_bytes) == 0)
      << "load: " << source << " is not a byotorch checkpoint: it starts with bytes "
      << printable_magic(bytes.first(magic_bytes)) << "instead of \"BYOT\"";
  in.take(sizeof(kCheckpointMagic), "the magic \"BYOT\"");
  const uint32_t version = in.u32("the version");
  BYO_CHECK(version == kCheckpointVersion)
      << "load: " << source << " has format version " << version << ", this build reads version "
      << kCheckpointVersion;
  const uint64_t count = in.u64("the tensor count");
  // Each tensor takes at least 9 bytes (name length, a 1-byte name, ndim), so a count the
  // rest of the file cannot hold is refused before any vector is sized by it.
  BYO_CHECK(count <= in.remaining() / 9)
      << "load: " << source << " is truncated or corrupt: it claims " << count
      << " tensors but only " << in.remaining() << " bytes follow";

  // Pass 1: walk the layout, checking every length; nothing is allocated by size yet.
  std::vector<EntryLayout> layout;
  layout.reserve(static_cast<size_t>(count));
  std::unordered_set<std::string> names;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string which = "tensor " + std::to_string(i);
    const uint32_t name_length = in.u32("the name length of " + which);
    BYO_CHECK(name_length >= 1 && name_length <= kMaxNameLength)
        << "load: " << source << ": " << which << " has a name of " << name_length
        << " bytes (allowed: 1 to " << kMaxNameLength << ")";
    auto name_bytes = in.take(name_length, "the name of " + which);
    std::string name(name_bytes.begin(), name_bytes.end());
    BYO_CHECK(names.insert(name).second)
        << "load: " << source << ": the name '" << name << "' appears twice";
    const uint32_t ndim = in.u32("the number of dims of '" + name + "'");
    BYO_CHECK(ndim <= kMaxDims) << "load: " << source << ": '" << name << "' claims " << ndim
                                << " dims (allowed: up to " << kMaxDims << ")";
    Shape shape;
    uint64_t numel = 1;
    // The product of the non-zero sizes: a shape such as (0, 2^40, 2^40) holds no values,
    // yet its strides are products of its sizes and must fit int64_t (found by fuzzing).
    uint64_t nonzero = 1;
    for (uint32_t d = 0; d < ndim; ++d) {
      const auto dim = static_cast<int64_t>(in.u64("the shape of '" + name + "'"));
      BYO_CHECK(dim >= 0) << "load: " << source << ": '" << name << "' has a negative size " << dim;
      // Cap the element count by what the file could hold, so numel cannot overflow.
      const auto size = static_cast<uint64_t>(dim);
      BYO_CHECK(size == 0 || numel <= bytes.size() / size)
          << "load: " << source << " is truncated or corrupt: '" << name
          << "' claims more values than the file holds";
      BYO_CHECK(size == 0 || nonzero <= uint64_t{std::numeric_limits<int64_t>::max()} / size)
          << "load: " << source << " is corrupt: the shape of '" << name
          << "' has sizes whose product, zeros left out, exceeds 2^63";
      numel *= size;
      nonzero *= size == 0 ? 1 : size;
      shape.push_back(dim);
    }
    in.need(numel * sizeof(float), "the " + std::to_string(numel) + " values of '" + name + "'");
    layout.push_back({name, shape, in.position()});
    in.take(static_cast<size_t>(numel * sizeof(float)), name);
  }
  BYO_CHECK(in.remaining() >= kChecksumBytes)
      << "load: " << source << " is truncated at offset " << in.position()
      << " (reading the checksum): 8 bytes needed, " << in.remaining() << " left";
  BYO_CHECK(in.remaining() == kChecksumBytes)
      << "load: " << source << " has " << in.remaining() - kChecksumBytes
      << " unexpected bytes after the last tensor";
  const uint64_t stored = in.u64("the checksum");
  const uint64_t computed = fnv1a64(bytes.first(bytes.size() - kChecksumBytes));
  BYO_CHECK(stored == computed) << "load: " << source << " fails its checksum (stored "
                                << hex(stored) << ", computed " << hex(computed)
                                << "): the file is corrupted";

  // Pass 2: everything is known to be consistent; now allocate and decode.
  nn::StateDict state;
  for (const EntryLayout& entry : layout) {
    NDArray value = NDArray::empty(entry.shape);
    float* out = value.data();
    const uint8_t* p = bytes.data() + entry.data_offset;
    for (int64_t i = 0; i < value.numel(); ++i, p += 4) {
      const uint32_t bits =
          uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
      out[i] = std::bit_cast<float>(bits);
    }
    state.insert(entry.name, std::move(value));
  }
  return state;
}

std::filesystem::path save_target(const std::string& path) {
  namespace fs = std::filesystem;
  BYO_CHECK(!path.empty()) << "save: the path is empty; name the file to write";
  // A symlink is followed to the file it names, so that the rename below replaces that
  // file and leaves the link a link. Forty hops is Linux's own limit (ELOOP).
  fs::path target(path);
  std::error_code ec;
  for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
    BYO_CHECK(hops < 40) << "save: '" << path << "' is a loop of symbolic links";
    const fs::path next = fs::read_symlink(target, ec);
    BYO_CHECK(!ec) << "save: cannot read the symbolic link '" << target.string()
                   << "': " << ec.message();
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  const fs::file_status status = fs::status(target, ec);
  if (fs::exists(status)) {
    BYO_CHECK(!fs::is_directory(status))
        << "save: '" << path << "' is a directory; name a file inside it";
    BYO_CHECK(fs::is_regular_file(status))
        << "save: '" << path << "' is a device, a pipe or a socket, not a regular file; "
        << "a checkpoint replaces its file whole, so it is only written to a regular file or "
           "a new path";
  }
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  BYO_CHECK(fs::is_directory(directory))
      << "save: the directory '" << directory.string() << "' for '" << path << "' does not exist";
  return target;
}

void save_state_dict(const nn::StateDict& state, const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target = save_target(path);
  const std::vector<uint8_t> bytes = serialize(state);
  // Beside the target, so that the rename stays within one file system and is atomic.
  const std::string temporary = target.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    BYO_CHECK(out.is_open()) << "save: cannot open '" << temporary
                             << "' for writing: " << std::strerror(errno);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      BYO_CHECK(false) << "save: writing '" << temporary << "' failed (disk full?)";
    }
  }
  // The rename is what makes the checkpoint appear, whole, under its real name.
  std::error_code error;
  fs::rename(temporary, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    BYO_CHECK(false) << "save: cannot rename '" << temporary << "' to '" << target.string()
                     << "': " << error.message();
  }
}

nn::StateDict load_state_dict(const std::string& path) {
  namespace fs = std::filesystem;
  // The file's size bounds the read: a device such as /dev/zero, a pipe or a directory has
  // none, so it is refused before a byte is read.
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  BYO_CHECK(fs::exists(status)) << "load: cannot open '" << path << "': no such file";
  BYO_CHECK(!fs::is_directory(status)) << "load: '" << path << "' is a directory, not a checkpoint";
  BYO_CHECK(fs::is_regular_file(status))
      << "load: '" << path << "' is a device, a pipe or a socket, not a checkpoint file";
  const uintmax_t size = fs::file_size(path, ec);
  BYO_CHECK(!ec) << "load: cannot read the size of '" << path << "': " << ec.message();
  BYO_CHECK(size <= kMaxCheckpointBytes)
      << "load: '" << path << "' has " << size << " bytes; a checkpoint has at most "
      << kMaxCheckpointBytes;
  std::ifstream in(path, std::ios::binary);
  BYO_CHECK(in.is_open()) << "load: cannot open '" << path << "': " << std::strerror(errno);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  BYO_CHECK(!in.bad() && static_cast<uintmax_t>(in.gcount()) == size)
      << "load: reading '" << path << "' failed after " << in.gcount() << " of " << size
      << " bytes";
  return deserialize(bytes, "'" + path + "'");
}

void save(const nn::Module& module, const std::string& path) {
  save_state_dict(module.state_dict(), path);
}

void load(nn::Module& module, const std::string& path) {
  module.load_state_dict(load_state_dict(path));
}

}  // namespace byo
