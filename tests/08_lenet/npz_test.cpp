// Weights in NumPy's .npz: the .npy header byte for byte as numpy writes it, a round trip
// that is bit-exact, a file numpy wrote read back, and every refusal a clear byo::Error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/models/lenet.h"
#include "byo/npz.h"

namespace byo {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("byo_npz_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// An .npy file with the given header text (padded as numpy pads) and data bytes.
std::vector<uint8_t> npy(std::string header, size_t data_bytes, uint8_t major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  header.append((64 - (6 + 2 + length_bytes + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  // Sized once and filled in place: grown by push_back and insert, GCC 12 at -O3 with
  // -march=znver3 warns of a write past the end that cannot happen (-Wstringop-overflow).
  std::vector<uint8_t> out(8 + length_bytes + header.size() + data_bytes, 0);
  const uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  std::copy(std::begin(magic), std::end(magic), out.begin());
  for (size_t i = 0; i < length_bytes; ++i) out[8 + i] = uint8_t(header.size() >> (8 * i));
  std::copy(header.begin(), header.end(),
            out.begin() + static_cast<std::ptrdiff_t>(8 + length_bytes));
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Npy, HeaderIsNumpys) {
  const std::vector<uint8_t> bytes = encode_npy(NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3}));
  const std::string expected_header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  ASSERT_GE(bytes.size(), 10u + expected_header.size());
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 6), "\x93NUMPY");
  EXPECT_EQ(bytes[6], 1);
  EXPECT_EQ(bytes[7], 0);
  const size_t header_size = bytes[8] | size_t{bytes[9]} << 8;
  EXPECT_EQ((10 + header_size) % 64, 0u);  // the data starts 64-byte aligned
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + header_size);
  EXPECT_EQ(header.substr(0, expected_header.size()), expected_header);
  EXPECT_EQ(header.back(), '\n');
  ASSERT_EQ(bytes.size(), 10 + header_size + 6 * sizeof(float));
  float third = 0;
  std::memcpy(&third, bytes.data() + 10 + header_size + 2 * sizeof(float), sizeof third);
  EXPECT_EQ(third, 3.0f);
  // A 1-d shape is a one-element tuple: (6,), not (6).
  const std::vector<uint8_t> one = encode_npy(NDArray::from_vector({1, 2, 3, 4, 5, 6}, {6}));
  EXPECT_NE(std::string(one.begin(), one.end()).find("'shape': (6,), }"), std::string::npos);
}

TEST(Npy, ReadsBackNonContiguousViewsInLogicalOrder) {
  const NDArray a = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3}).transpose(0, 1);  // (3, 2)
  const NDArray b = decode_npy(encode_npy(a), "t");
  ASSERT_EQ(b.shape(), (Shape{3, 2}));
  const std::vector<float> expected = {1, 4, 2, 5, 3, 6};
  EXPECT_EQ(std::vector<float>(b.data(), b.data() + 6), expected);
}

TEST(Npy, RefusesWhatIsNotFloat32InCOrder) {
  const auto refuses = [](const std::vector<uint8_t>& bytes, const std::string& words) {
    const std::string message = error_of([&] { decode_npy(bytes, "w.npz:x.npy"); });
    EXPECT_NE(message.find("w.npz:x.npy"), std::string::npos) << message;
    EXPECT_NE(message.find(words), std::string::npos) << message;
  };
  refuses(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16), "'<f8'");
  refuses(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8), "'>f4'");
  refuses(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16), "Fortran");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 12), "[2, 2] needs");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 20), "needs 16");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, }", 4), "'shape'");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4), "'x'");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk", 4), "after");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4), "dimension");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2", 8), "expected");
  refuses(npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", 4), "True or False");
  // A shape whose element count overflows is refused before anything is allocated.
  refuses(npy("{'descr': '<f4', 'fortran_order': False, "
              "'shape': (4294967296, 4294967296, 4294967296), }",
              4),
          "needs more than");
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 4),
          "too large");
  std::string dims = "(";
  for (int i = 0; i < 33; ++i) dims += "1, ";
  refuses(npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + "), }", 4),
          "32 dimensions");
  // A header length that runs past the end of the file, a foreign version, no magic.
  std::vector<uint8_t> lying = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);
  lying[8] = 0xff, lying[9] = 0xff;
  refuses(lying, "left in the file");
  std::vector<uint8_t> v3 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);
  v3[6] = 3;
  refuses(v3, "version 3.0");
  refuses({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "magic");
  // Format 2.0 (a 4-byte header length) is read.
  const NDArray scalar =
      decode_npy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4, 2), "v2");
  EXPECT_EQ(scalar.numel(), 1);
}

TEST(Npz, StateDictRoundTripIsBitExact) {
  Generator gen_a(3), gen_b(4);
  models::LeNet5 a(models::LeNetVariant::modern, gen_a);
  models::LeNet5 b(models::LeNetVariant::modern, gen_b);
  const std::string path = temp_path("roundtrip.npz");
  save_npz(a, path);
  load_npz(b, path);
  const nn::StateDict sa = a.state_dict(), sb = b.state_dict();
  ASSERT_EQ(sa.size(), 10u);
  ASSERT_EQ(sb.size(), sa.size());
  for (const auto& [name, value] : sa) {
    const NDArray& other = sb.at(name);
    ASSERT_EQ(other.shape(), value.shape()) << name;
    const NDArray x = value.contiguous(), y = other.contiguous();
    EXPECT_EQ(std::memcmp(x.data(), y.data(), sizeof(float) * x.numel()), 0) << name;
  }
  // The keys in the file, in order: PyTorch's names, each NAME.npy.
  const nn::StateDict file = load_npz(path);
  std::vector<std::string> names;
  for (const auto& [name, value] : file) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight",
                                             "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
                                             "fc2.bias", "fc3.weight", "fc3.bias"}));
  EXPECT_EQ(file.at("fc1.weight").shape(), (Shape{120, 400}));  // (out, in), as PyTorch
  std::filesystem::remove(path);
}

TEST(Npz, ReadsAFileNumpyWrote) {
  // Written by numpy.savez (chapters/08_lenet/reference/torch_weights.py).
  const nn::StateDict state = load_npz("data/torch_lenet_logits.npz");
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state.at("logits").shape(), (Shape{100, 10}));
}

TEST(Npz, AWrongShapeOrAMissingKeyIsNamedAndChangesNothing) {
  Generator gen(5);
  models::LeNet5 source(models::LeNetVariant::modern, gen);
  models::LeNet5 target(models::LeNetVariant::modern, gen);
  const NDArray before = target.fc1->weight.data().contiguous();

  nn::StateDict wrong_shape, missing;
  for (const auto& [name, value] : source.state_dict()) {
    wrong_shape.insert(name, name == "fc1.weight" ? value.transpose(0, 1) : value);
    if (name != "conv2.bias") missing.insert(name, value);
  }
  const std::string path = temp_path("bad.npz");
  save_npz(wrong_shape, path);
  std::string message = error_of([&] { load_npz(target, path); });
  EXPECT_NE(message.find("fc1.weight"), std::string::npos) << message;
  EXPECT_NE(message.find("[400, 120]"), std::string::npos) << message;
  save_npz(missing, path);
  message = error_of([&] { load_npz(target, path); });
  EXPECT_NE(message.find("conv2.bias"), std::string::npos) << message;
  EXPECT_NE(message.find("missing"), std::string::npos) << message;
  const NDArray after = target.fc1->weight.data().contiguous();
  EXPECT_EQ(std::memcmp(before.data(), after.data(), sizeof(float) * before.numel()), 0);
  std::filesystem::remove(path);
}

TEST(Npz, RefusesFilesThatAreNotNpz) {
  const std::string path = temp_path("text.npz");
  std::ofstream(path) << "not a zip archive\n";
  std::string message = error_of([&] { load_npz(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  message = error_of([&] { load_npz(temp_path("missing.npz")); });
  EXPECT_NE(message.find("missing.npz"), std::string::npos) << message;
  message = error_of([&] { save_npz(nn::StateDict{}, "/nonexistent-dir/w.npz"); });
  EXPECT_NE(message.find("/nonexistent-dir"), std::string::npos) << message;
  std::filesystem::remove(path);
}

TEST(Npz, AnEmptyStateDictIsAnEmptyArchive) {
  const std::string path = temp_path("empty.npz");
  save_npz(nn::StateDict{}, path);
  EXPECT_TRUE(load_npz(path).empty());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace byo
