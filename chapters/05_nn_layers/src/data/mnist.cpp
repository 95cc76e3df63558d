#include "byo/data/mnist.h"

#include <algorithm>
#include <system_error>

#include "byo/check.h"
#include "byo/idx.h"
#include "byo/mnist_files.h"

namespace byo::data {
namespace {

namespace fs = std::filesystem;

// The file `stem` in `root`, plain or gzipped (the .gz only if the plain one is absent).
fs::path find_idx(const fs::path& root, const std::string& stem, const std::string& dataset,
                  std::string_view fetch_hint) {
  std::error_code ec;
  BYO_CHECK(!fs::exists(root, ec) || fs::is_directory(root, ec))
      << dataset << ": " << root.string()
      << " is a file, not a directory: name the folder that holds the IDX files";
  BYO_CHECK(fs::is_directory(root, ec))
      << dataset << ": the directory " << root.string() << " does not exist. " << fetch_hint;
  for (const fs::path& candidate : {root / stem, root / (stem + ".gz")}) {
    if (fs::exists(candidate, ec)) return candidate;
  }
  BYO_CHECK(false) << dataset << ": " << root.string() << " has no " << stem << " (nor " << stem
                   << ".gz). " << fetch_hint;
  return {};
}

std::string dims_str(const std::vector<int64_t>& dims) {
  std::string out;
  for (size_t i = 0; i < dims.size(); ++i) {
    out += (i > 0 ? " x " : "") + std::to_string(dims[i]);
  }
  return out;
}

std::string mnist_fetch_hint() { return "Download MNIST with: " + std::string(kMnistFetchCommand); }

}  // namespace

MNIST::MNIST(const fs::path& root, std::string_view split)
    : MNIST(root, split, kMnistNormalization, "MNIST", mnist_fetch_hint()) {}

FashionMNIST::FashionMNIST(const fs::path& root, std::string_view split)
    : MNIST(root, split, kFashionMnistNormalization, "FashionMNIST",
            "Install Fashion-MNIST with: sudo apt-get install dataset-fashion-mnist (it goes to " +
                std::string(kFashionMnistDefaultDir) + ")") {}

MNIST::MNIST(const fs::path& root, std::string_view split, Normalization normalization,
             std::string_view name, std::string_view fetch_hint)
    : name_(name), split_(split), normalization_(normalization) {
  BYO_CHECK(split == "train" || split == "test")
      << name_ << ": split \"" << split << "\" is neither \"train\" nor \"test\"";
  const std::string prefix = split == "train" ? "train" : "t10k";
  const fs::path image_file = find_idx(root, prefix + "-images-idx3-ubyte", name_, fetch_hint);
  const fs::path label_file = find_idx(root, prefix + "-labels-idx1-ubyte", name_, fetch_hint);

  IdxArray images = read_idx(image_file);
  IdxArray labels = read_idx(label_file);
  BYO_CHECK(images.dims.size() == 3 && images.dims[1] > 0 && images.dims[2] > 0)
      << name_ << ": " << image_file.string() << " holds an array of " << dims_str(images.dims)
      << " bytes; images must be N x height x width";
  BYO_CHECK(labels.dims.size() == 1)
      << name_ << ": " << label_file.string() << " holds an array of " << dims_str(labels.dims)
      << " bytes; labels must be one dimension of N";
  BYO_CHECK(images.dims[0] == labels.dims[0])
      << name_ << ": " << image_file.string() << " has " << images.dims[0] << " images but "
      << label_file.string() << " has " << labels.dims[0] << " labels";
  const auto bad = std::find_if(labels.data.begin(), labels.data.end(),
                                [](uint8_t label) { return label >= kNumClasses; });
  BYO_CHECK(bad == labels.data.end())
      << name_ << ": " << label_file.string() << ": label " << int{*bad} << " of example "
      << bad - labels.data.begin() << " is not a class 0.." << kNumClasses - 1;

  const float mean = normalization_.mean, std = normalization_.std;
  for (int byte = 0; byte < 256; ++byte) {
    normalised_[static_cast<size_t>(byte)] = (static_cast<float>(byte) / 255.0f - mean) / std;
  }
  size_ = images.dims[0];
  height_ = images.dims[1];
  width_ = images.dims[2];
  images_ = std::move(images.data);
  labels_ = std::move(labels.data);
}

void MNIST::check_index(int64_t index) const {
  BYO_CHECK(index >= 0 && index < size_) << name_ << " (" << split_ << "): index " << index
                                         << " is out of range for " << size_ << " examples";
}

void MNIST::normalise_into(int64_t index, float* out) const {
  const int64_t pixels = height_ * width_;
  const uint8_t* bytes = images_.data() + index * pixels;
  for (int64_t p = 0; p < pixels; ++p) out[p] = normalised_[bytes[p]];
}

Example MNIST::get(int64_t index) const {
  check_index(index);
  NDArray image = NDArray::empty({1, height_, width_});
  normalise_into(index, image.data());
  return {Tensor(image), labels_[static_cast<size_t>(index)]};
}

Batch MNIST::get_batch(std::span<const int64_t> indices) const {
  const auto count = static_cast<int64_t>(indices.size());
  BYO_CHECK(count > 0) << name_ << ": get_batch with no indices";
  // images is (B, 1, H, W), labels is (B)
  NDArray images = NDArray::empty({count, 1, height_, width_});
  NDArray labels = NDArray::empty({count});
  const int64_t pixels = height_ * width_;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t index = indices[static_cast<size_t>(i)];
    check_index(index);
    normalise_into(index, images.data() + i * pixels);
    labels.data()[i] = static_cast<float>(labels_[static_cast<size_t>(index)]);
  }
  return {Tensor(images), Tensor(labels)};
}

std::span<const uint8_t> MNIST::image_bytes(int64_t index) const {
  check_index(index);
  const auto pixels = static_cast<size_t>(height_ * width_);
  return {images_.data() + static_cast<size_t>(index) * pixels, pixels};
}

int64_t MNIST::label(int64_t index) const {
  check_index(index);
  return labels_[static_cast<size_t>(index)];
}

}  // namespace byo::data
