// IDX reading and writing: round trips, plain and gzip, and every way a file can be wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/idx.h"
#include "byo/mnist_files.h"
#include "byo/random.h"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

class IdxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("byo_idx_test_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path path(const std::string& name) const { return dir_ / name; }

  fs::path write_bytes(const std::string& name, const Bytes& bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return path(name);
  }

  static Bytes read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

// gzip in memory, independent of write_idx, so the reader is tested against zlib itself.
Bytes gzip_bytes(const Bytes& plain) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  Bytes out(deflateBound(&zs, static_cast<uLong>(plain.size())) + 32);
  zs.next_in = const_cast<Bytes::value_type*>(plain.data());
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// An IDX header of unsigned bytes with these dimensions.
Bytes header(const std::vector<uint32_t>& dims) {
  Bytes out = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (const uint32_t d : dims) {
    for (const int shift : {24, 16, 8, 0}) out.push_back(static_cast<uint8_t>(d >> shift));
  }
  return out;
}

byo::IdxArray sample_array() {
  byo::IdxArray array{{3, 2, 4}, Bytes(24)};
  std::iota(array.data.begin(), array.data.end(), uint8_t{200});  // wraps past 255 on purpose
  return array;
}

// Runs `read_idx(file)` and returns the message of the byo::Error it must throw.
std::string read_error(const fs::path& file) {
  try {
    byo::read_idx(file);
  } catch (const byo::Error& e) {
    return e.message();
  }
  ADD_FAILURE() << "read_idx(" << file << ") did not throw";
  return "";
}

using ::testing::HasSubstr;

TEST_F(IdxTest, PlainRoundTripKeepsDimsAndBytes) {
  const byo::IdxArray array = sample_array();
  byo::write_idx(path("a.idx"), array);
  const Bytes raw = read_bytes(path("a.idx"));
  ASSERT_EQ(raw.size(), 4u + 3 * 4 + 24);
  EXPECT_EQ(Bytes(raw.begin(), raw.begin() + 8), (Bytes{0, 0, 0x08, 3, 0, 0, 0, 3}));
  EXPECT_EQ(raw[16], 200);

  const byo::IdxArray back = byo::read_idx(path("a.idx"));
  EXPECT_EQ(back.dims, array.dims);
  EXPECT_EQ(back.data, array.data);
}

TEST_F(IdxTest, GzipRoundTripIsDetectedByMagicNotName) {
  // Big and random enough that the reader refills its compressed input many times.
  byo::Generator gen(7);
  byo::IdxArray array{{500, 28, 28}, Bytes(500 * 28 * 28)};
  for (auto& b : array.data) b = static_cast<uint8_t>(gen.below(256));

  byo::write_idx(path("images"), array, byo::IdxCompression::gzip);  // no .gz suffix
  const Bytes raw = read_bytes(path("images"));
  ASSERT_GE(raw.size(), 2u);
  EXPECT_EQ(raw[0], 0x1f);
  EXPECT_EQ(raw[1], 0x8b);
  const byo::IdxArray back = byo::read_idx(path("images"));
  EXPECT_EQ(back.dims, array.dims);
  EXPECT_EQ(back.data, array.data);

  // And a plain file named .gz is read as plain.
  byo::write_idx(path("plain.gz"), sample_array());
  EXPECT_EQ(byo::read_idx(path("plain.gz")).data, sample_array().data);
}

TEST_F(IdxTest, GzipWithSeveralMembersIsOneStream) {
  // `cat a.gz b.gz` is a valid gzip file whose content is a followed by b.
  const Bytes plain = concat(header({5}), Bytes{1, 2, 3, 4, 5});
  const Bytes split = concat(gzip_bytes(Bytes(plain.begin(), plain.begin() + 6)),
                             gzip_bytes(Bytes(plain.begin() + 6, plain.end())));
  const byo::IdxArray back = byo::read_idx(write_bytes("two_members", split));
  EXPECT_EQ(back.dims, (std::vector<int64_t>{5}));
  EXPECT_EQ(back.data, (Bytes{1, 2, 3, 4, 5}));
}

TEST_F(IdxTest, EmptyDimensionIsAnEmptyArray) {
  const byo::IdxArray back = byo::read_idx(write_bytes("empty", header({0, 28, 28})));
  EXPECT_EQ(back.dims, (std::vector<int64_t>{0, 28, 28}));
  EXPECT_TRUE(back.data.empty());
}

TEST_F(IdxTest, MissingFileAndDirectoryAreRefused) {
  const std::string missing = read_error(path("no-such-file"));
  EXPECT_THAT(missing, HasSubstr("no-such-file"));
  EXPECT_THAT(missing, HasSubstr("cannot open: No such file or directory"));
  EXPECT_THAT(read_error(dir_), HasSubstr("is a directory"));
}

TEST_F(IdxTest, TruncatedHeaderIsRefused) {
  EXPECT_THAT(read_error(write_bytes("three", {0, 0, 0x08})),
              HasSubstr("three: truncated: the file has 3 bytes, an IDX header needs at least 4"));
  const std::string dims = read_error(write_bytes("dims", {0, 0, 0x08, 3, 0, 0, 0, 9, 0, 0}));
  EXPECT_THAT(dims, HasSubstr("truncated: the header announces 3 dimensions (12 bytes)"));
  EXPECT_THAT(dims, HasSubstr("ends after 6 of those bytes"));
}

TEST_F(IdxTest, TruncatedDataIsRefusedWithBothSizes) {
  const Bytes file = concat(header({60000, 28, 28}), Bytes(1000));
  EXPECT_THAT(read_error(write_bytes("train-images-idx3-ubyte", file)),
              HasSubstr("train-images-idx3-ubyte: truncated: header says 47040000 bytes of data "
                        "(60000 x 28 x 28), file has 1000"));
  // Compressed, the reader cannot know the size in advance but says the same.
  EXPECT_THAT(read_error(write_bytes("images.gz", gzip_bytes(file))),
              HasSubstr("truncated: header says 47040000 bytes of data (60000 x 28 x 28), the "
                        "decompressed file has 1000"));
}

TEST_F(IdxTest, TrailingBytesAreRefused) {
  const Bytes file = concat(header({2, 2}), Bytes{1, 2, 3, 4, 9, 9, 9});
  EXPECT_THAT(read_error(write_bytes("long", file)),
              HasSubstr("long: 3 bytes of trailing garbage: header says 4 bytes of data (2 x 2), "
                        "file has 7"));
  EXPECT_THAT(read_error(write_bytes("long.gz", gzip_bytes(file))),
              HasSubstr("3 bytes of trailing garbage"));
}

TEST_F(IdxTest, ForeignFileIsNotAnIdxFile) {
  const std::string message =
      read_error(write_bytes("page.html", {'<', 'h', 't', 'm', 'l', '>', '\n'}));
  EXPECT_THAT(message, HasSubstr("page.html: not an IDX file: it starts with bytes 3c 68 74 6d"));
}

TEST_F(IdxTest, OtherDataTypesAreRefusedByName) {
  const Bytes floats = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0x80, 0x3f};
  EXPECT_THAT(read_error(write_bytes("floats", floats)),
              HasSubstr("data type 0x0d (float32) is not supported"));
  EXPECT_THAT(read_error(write_bytes("weird", {0, 0, 0x42, 1, 0, 0, 0, 0})),
              HasSubstr("data type 0x42 (not an IDX type)"));
}

TEST_F(IdxTest, ZeroDimensionsAreRefused) {
  EXPECT_THAT(read_error(write_bytes("scalar", {0, 0, 0x08, 0, 7})),
              HasSubstr("the IDX header says the array has 0 dimensions"));
}

TEST_F(IdxTest, AbsurdDimensionsAreRefusedBeforeAllocating) {
  // 2^31 x 2^31 bytes would overflow 32-bit arithmetic and exhaust memory if believed.
  const Bytes file = concat(header({0x80000000u, 0x80000000u}), Bytes(16));
  EXPECT_THAT(read_error(write_bytes("absurd", file)),
              HasSubstr("absurd header: dimensions 2147483648 x 2147483648 describe more than "
                        "4294967296 bytes"));
  EXPECT_THAT(read_error(write_bytes("absurd.gz", gzip_bytes(file))), HasSubstr("absurd header"));
  // Under the limit but lying: a gzip file claiming 4 GiB must fail on its 16 real bytes, not
  // by trying to allocate 4 GiB first.
  const Bytes lying = concat(header({0xFFFFFFFFu}), Bytes(16));
  EXPECT_THAT(read_error(write_bytes("lying.gz", gzip_bytes(lying))),
              HasSubstr("truncated: header says 4294967295 bytes of data"));
}

// A gzip file of `head` then `zeros` zero bytes, written in pieces so the test itself
// never holds the inflated bytes (zeros deflate about 1000:1).
void write_gzip_zeros(const fs::path& file, const Bytes& head, int64_t zeros) {
  gzFile out = gzopen(file.c_str(), "wb1");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, head.data(), static_cast<unsigned>(head.size())),
            static_cast<int>(head.size()));
  const Bytes piece(1 << 20);
  for (int64_t left = zeros; left > 0; left -= static_cast<int64_t>(piece.size())) {
    const auto n = static_cast<unsigned>(std::min<int64_t>(left, piece.size()));
    ASSERT_EQ(gzwrite(out, piece.data(), n), static_cast<int>(n));
  }
  ASSERT_EQ(gzclose(out), Z_OK);
}

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

// A gzip bomb: 256 KiB on disk that inflates to 256 MiB under a header claiming 512 MiB. It
// is refused after one pass that keeps nothing, not after filling 256 MiB of buffers.
TEST_F(IdxTest, GzipIsRefusedBeforeItsDataIsAllocated) {
  write_gzip_zeros(path("bomb.gz"), header({512, 1024, 1024}), int64_t{256} << 20);
  const int64_t before = peak_rss_bytes();
  EXPECT_THAT(read_error(path("bomb.gz")),
              HasSubstr("truncated: header says 536870912 bytes of data (512 x 1024 x 1024), the "
                        "decompressed file has 268435456"));
  EXPECT_LT(peak_rss_bytes() - before, int64_t{64} << 20) << "the reader kept what it inflated";
}

// Trailing garbage is counted no further than 1 MiB: a 64 MiB tail is not inflated whole.
TEST_F(IdxTest, GzipTrailingGarbageIsNotInflatedWhole) {
  write_gzip_zeros(path("tail.gz"), concat(header({16}), Bytes(16)), int64_t{64} << 20);
  EXPECT_THAT(read_error(path("tail.gz")),
              HasSubstr("at least 1048576 bytes of trailing garbage: header says 16 bytes of data "
                        "(16), the decompressed file has more than 1048592"));
}

TEST_F(IdxTest, CorruptGzipIsRefused) {
  byo::Generator gen(3);
  Bytes data(4000);
  for (auto& b : data) b = static_cast<uint8_t>(gen.below(4));  // compressible
  const Bytes good = gzip_bytes(concat(header({4000}), data));

  Bytes flipped = good;
  for (size_t i = flipped.size() / 3; i < flipped.size() / 3 + 8; ++i) flipped[i] ^= 0x5a;
  EXPECT_THAT(read_error(write_bytes("flipped.gz", flipped)), HasSubstr("corrupt gzip"));

  Bytes bad_crc = good;
  bad_crc[bad_crc.size() - 8] ^= 0xff;  // the CRC-32 of the gzip trailer
  EXPECT_THAT(read_error(write_bytes("crc.gz", bad_crc)),
              HasSubstr("crc.gz: corrupt gzip: zlib says \"incorrect data check\""));

  const Bytes cut(good.begin(), good.end() - 20);
  EXPECT_THAT(read_error(write_bytes("cut.gz", cut)),
              HasSubstr("corrupt gzip: the compressed data ends early"));

  EXPECT_THAT(read_error(write_bytes("tail.gz", concat(good, {'x', 'y', 'z'}))),
              HasSubstr("bytes after the end of the compressed data (78 79 7a ...)"));
}

TEST_F(IdxTest, WriterRefusesInconsistentArrays) {
  EXPECT_THROW(byo::write_idx(path("x"), byo::IdxArray{{2, 3}, Bytes(5)}), byo::Error);
  EXPECT_THROW(byo::write_idx(path("x"), byo::IdxArray{{}, Bytes{}}), byo::Error);
  EXPECT_THROW(byo::write_idx(path("x"), byo::IdxArray{{-1}, Bytes{}}), byo::Error);
  EXPECT_THROW(byo::write_idx(dir_ / "missing" / "x", sample_array()), byo::Error);
  try {
    byo::write_idx(path("x"), byo::IdxArray{{2, 3}, Bytes(5)});
  } catch (const byo::Error& e) {
    EXPECT_THAT(e.message(), HasSubstr("dimensions 2 x 3 hold 6 elements but data has 5"));
  }
}

// Debian's dataset-fashion-mnist package, when installed: a real gzip IDX file.
TEST(IdxRealFile, FashionMnistTestLabelsWhenInstalled) {
  const fs::path labels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (!fs::exists(labels)) GTEST_SKIP() << labels << " is not installed";
  const byo::IdxArray array = byo::read_idx(labels);
  EXPECT_EQ(array.dims, (std::vector<int64_t>{10000}));
  std::vector<int> counts(10);
  for (const uint8_t label : array.data) {
    ASSERT_LT(label, 10);
    ++counts[label];
  }
  for (const int count : counts) EXPECT_EQ(count, 1000);  // Fashion-MNIST's test set is balanced
}

}  // namespace

namespace {

TEST(MnistFiles, DefaultDirectoryHonoursTheEnvironment) {
  const char* saved = std::getenv("BYO_MNIST_DIR");
  const std::string saved_value = saved != nullptr ? saved : "";
  unsetenv("BYO_MNIST_DIR");
  EXPECT_EQ(byo::default_mnist_dir(), "data/mnist");
  setenv("BYO_MNIST_DIR", "/elsewhere/mnist", 1);
  EXPECT_EQ(byo::default_mnist_dir(), "/elsewhere/mnist");
  setenv("BYO_MNIST_DIR", "", 1);  // set but empty counts as unset
  EXPECT_EQ(byo::default_mnist_dir(), "data/mnist");
  if (saved != nullptr) {
    setenv("BYO_MNIST_DIR", saved_value.c_str(), 1);
  } else {
    unsetenv("BYO_MNIST_DIR");
  }
  EXPECT_EQ(byo::kMnistFetchCommand, "cmake --build build --target mnist");
}

}  // namespace
