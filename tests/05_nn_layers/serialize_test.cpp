// Checkpoints: the byte layout, a round trip, and every refusal — each leaving the module
// exactly as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "byo/nn.h"
#include "byo/serialize.h"
#include "nn_test_util.h"

namespace byo {
namespace {

using test::expect_error;
using test::snapshot;
using test::TempDir;
using test::values;

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Recomputes the trailing checksum, so that a test can reach the checks behind it.
void fix_checksum(std::vector<uint8_t>& bytes) {
  const uint64_t sum = fnv1a64(std::span(bytes).first(bytes.size() - 8));
  for (int i = 0; i < 8; ++i) bytes[bytes.size() - 8 + i] = static_cast<uint8_t>(sum >> (8 * i));
}

std::shared_ptr<nn::Sequential> make_mlp(uint64_t seed, bool last_bias = true) {
  Generator gen(seed);
  return std::make_shared<nn::Sequential>(
      std::make_shared<nn::Linear>(nn::LinearOptions(3, 4), gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(4, 2).bias(last_bias), gen));
}

TEST(Serialize, Fnv1aKnownValues) {
  EXPECT_EQ(fnv1a64({}), 0xcbf29ce484222325ULL);
  const uint8_t a[] = {'a'};
  EXPECT_EQ(fnv1a64(a), 0xaf63dc4c8601ec8cULL);
}

TEST(Serialize, ByteLayoutAsDocumented) {
  nn::StateDict state;
  state.insert("w", NDArray::from_vector({1.0f, -2.0f}, {1, 2}));
  const std::vector<uint8_t> bytes = serialize(state);
  const std::vector<uint8_t> expected_body = {
      'B',  'Y',  'O',  'T',                                                   // magic
      1,    0,    0,    0,                                                     // version
      1,    0,    0,    0,    0,    0,    0,    0,                             // count
      1,    0,    0,    0,    'w',                                             // name length, name
      2,    0,    0,    0,                                                     // ndim
      1,    0,    0,    0,    0,    0,    0,    0,    2, 0, 0, 0, 0, 0, 0, 0,  // dims 1, 2
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,  // 1.0f, -2.0f little-endian
  };
  ASSERT_EQ(bytes.size(), expected_body.size() + 8);
  EXPECT_TRUE(std::equal(expected_body.begin(), expected_body.end(), bytes.begin()));
  uint64_t stored = 0;
  for (int i = 7; i >= 0; --i) stored = (stored << 8) | bytes[expected_body.size() + i];
  EXPECT_EQ(stored, fnv1a64(expected_body));
}

TEST(Serialize, RoundTripThroughAFile) {
  TempDir dir;
  const std::string path = dir.file("mlp.byot");
  auto a = make_mlp(1);
  auto b = make_mlp(2);
  ASSERT_NE(snapshot(*a), snapshot(*b));
  save(*a, path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  load(*b, path);
  EXPECT_EQ(snapshot(*a), snapshot(*b));

  const nn::StateDict state = load_state_dict(path);
  ASSERT_EQ(state.size(), 4u);
  EXPECT_EQ(state.entries()[2].first, "2.weight");
  EXPECT_EQ(state.at("2.weight").shape(), (Shape{2, 4}));

  // Saving again replaces the file whole.
  save(*make_mlp(3), path);
  load(*b, path);
  EXPECT_EQ(snapshot(*b), snapshot(*make_mlp(3)));
}

TEST(Serialize, SaveRefusesAMissingDirectory) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/mlp.byot");
  expect_error([&] { save(*make_mlp(1), path); }, "does not exist");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// A save renames a new file over the old name, which would replace a symbolic link, a
// device or a directory by a regular file: the link is followed, the rest refused.
TEST(Serialize, SaveWritesThroughASymlinkToItsTarget) {
  TempDir dir;
  const std::string target = dir.file("real.byot"), link = dir.file("link.byot");
  save(*make_mlp(1), target);
  std::filesystem::create_symlink("real.byot", link);  // relative, as `ln -s` makes them
  save(*make_mlp(3), link);
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  auto b = make_mlp(2);
  load(*b, target);
  EXPECT_EQ(snapshot(*b), snapshot(*make_mlp(3)));
  EXPECT_FALSE(std::filesystem::exists(target + ".tmp"));
  EXPECT_EQ(save_target(link), std::filesystem::path(target));
}

TEST(Serialize, SaveRefusesWhatIsNotARegularFile) {
  TempDir dir;
  expect_error([&] { save(*make_mlp(1), dir.path().string()); }, "is a directory");
  expect_error([&] { save(*make_mlp(1), ""); }, "the path is empty");
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_error([&] { save(*make_mlp(1), fifo); }, "not a regular file");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  // A copy of /dev/null, made as `mknod` makes it (only root may).
  const std::string device = dir.file("null");
  if (::mknod(device.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
    expect_error([&] { save(*make_mlp(1), device); }, "not a regular file");
    EXPECT_TRUE(std::filesystem::is_character_file(device));
  }
  // A link to a device is refused too, and stays as it was.
  const std::string link = dir.file("to_fifo");
  std::filesystem::create_symlink(fifo, link);
  expect_error([&] { save(*make_mlp(1), link); }, "not a regular file");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_FALSE(std::filesystem::exists(fifo + ".tmp"));
}

TEST(Serialize, LoadReadsOnlyARegularFile) {
  TempDir dir;
  auto target = make_mlp(2);
  expect_error([&] { load(*target, "/dev/zero"); }, "not a checkpoint file");
  expect_error([&] { load(*target, dir.path().string()); }, "is a directory");
}

// Each refusal: the error names the problem, and the target module is unchanged.
class Refusal : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("mlp.byot");
    save(*make_mlp(1), path_);
    good_ = read_bytes(path_);
  }
  void expect_refused(const std::vector<uint8_t>& bytes, const std::string& fragment) {
    write_bytes(path_, bytes);
    auto target = make_mlp(2);
    const auto before = snapshot(*target);
    expect_error([&] { load(*target, path_); }, fragment);
    EXPECT_EQ(snapshot(*target), before) << "a refused load changed the module";
  }

  TempDir dir_;
  std::string path_;
  std::vector<uint8_t> good_;
};

TEST_F(Refusal, TruncatedAnywhere) {
  // Header: 4 magic + 4 version + 8 count = 16 bytes; "0.weight" starts with its name length.
  const size_t name_end = 16 + 4 + 8;        // inside the first tensor, just after its name
  const size_t dims_mid = name_end + 4 + 8;  // between the two dims of 0.weight
  const size_t data_mid = name_end + 4 + 16 + 20;
  for (size_t keep : {size_t{2}, size_t{6}, size_t{12}, size_t{18}, name_end, dims_mid, data_mid,
                      good_.size() - 9, good_.size() - 3}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(good_.size()));
    expect_refused(std::vector<uint8_t>(good_.begin(), good_.begin() + static_cast<long>(keep)),
                   "truncated");
  }
  expect_refused({}, "truncated");
}

TEST_F(Refusal, AnotherFormat) {
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  expect_refused(png, "not a byotorch checkpoint: it starts with bytes 89 50 4e 47");
}

TEST_F(Refusal, AnotherVersion) {
  std::vector<uint8_t> bytes = good_;
  bytes[4] = 2;
  fix_checksum(bytes);
  expect_refused(bytes, "has format version 2, this build reads version 1");
}

TEST_F(Refusal, FlippedByteFailsTheChecksum) {
  for (size_t at : {size_t{20}, good_.size() / 2, good_.size() - 9, good_.size() - 1}) {
    SCOPED_TRACE("flipped byte " + std::to_string(at));
    std::vector<uint8_t> bytes = good_;
    bytes[at] ^= 0x10;
    expect_refused(bytes, "fails its checksum");
  }
}

TEST_F(Refusal, TrailingBytes) {
  std::vector<uint8_t> bytes = good_;
  bytes.insert(bytes.end() - 8, {0, 0, 0, 0});
  expect_refused(bytes, "4 unexpected bytes after the last tensor");
}

TEST_F(Refusal, MissingName) {
  save(*make_mlp(1, /*last_bias=*/false), path_);
  expect_refused(read_bytes(path_), "missing '2.bias'");
}

TEST_F(Refusal, UnexpectedName) {
  auto target = make_mlp(2, /*last_bias=*/false);
  const auto before = snapshot(*target);
  expect_error([&] { load(*target, path_); }, "unexpected '2.bias'");
  EXPECT_EQ(snapshot(*target), before);
}

TEST_F(Refusal, ShapeDiffers) {
  Generator gen(3);
  nn::Sequential wider(std::make_shared<nn::Linear>(nn::LinearOptions(3, 5), gen),
                       std::make_shared<nn::ReLU>(),
                       std::make_shared<nn::Linear>(nn::LinearOptions(5, 2), gen));
  save(wider, path_);
  expect_refused(read_bytes(path_),
                 "'0.weight' has shape [5, 3] in the state dict but [4, 3] in the module");
}

TEST_F(Refusal, HugeClaimsAreNotAllocated) {
  std::vector<uint8_t> bytes = good_;
  bytes[15] = 0x10;  // count 2^60 + 4
  fix_checksum(bytes);
  expect_refused(bytes, "claims 1152921504606846980 tensors");

  bytes = good_;
  // The first dim of 0.weight (offset 32) becomes 2^60.
  const size_t dim0 = 16 + 4 + 8 + 4;
  for (size_t i = 0; i < 8; ++i) bytes[dim0 + i] = 0;
  bytes[dim0 + 7] = 0x10;
  fix_checksum(bytes);
  expect_refused(bytes, "claims more values than the file holds");
}

TEST_F(Refusal, NoSuchFile) {
  auto target = make_mlp(2);
  expect_error([&] { load(*target, dir_.file("absent.byot")); }, "cannot open");
}

TEST(Serialize, LoadMaterialisesALazyLayer) {
  TempDir dir;
  const std::string path = dir.file("lazy.byot");
  Generator gen(4);
  nn::Linear source(nn::LinearOptions(6, 3), gen);
  save(source, path);

  nn::LazyLinear lazy(3);
  load(lazy, path);
  ASSERT_TRUE(lazy.materialized());
  EXPECT_EQ(lazy.in_features(), 6);
  EXPECT_EQ(values(lazy.weight), values(source.weight));
  EXPECT_EQ(values(lazy.bias), values(source.bias));
  EXPECT_TRUE(lazy.weight.requires_grad());
  EXPECT_EQ(lazy.parameters()[0].impl(), lazy.weight.impl());

  nn::LazyLinear wrong(4);
  expect_error([&] { load(wrong, path); },
               "cannot materialise 'weight' from shape [3, 6]: expected [4, in_features]");
  EXPECT_FALSE(wrong.materialized());
}

}  // namespace
}  // namespace byo
