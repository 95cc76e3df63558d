/// @file
/// @brief Opening the data sets by name.
#include "byo/lenet/datasets.h"

#include "byo/check.h"
#include "byo/mnist_files.h"

namespace byo::lenet {

void check_dataset_name(std::string_view dataset) {
  BYO_CHECK(dataset == "mnist" || dataset == "fashion")
      << "lenet: unknown dataset '" << dataset << "' (choose mnist or fashion)";
}

std::string default_data_dir(std::string_view dataset) {
  check_dataset_name(dataset);
  return dataset == "mnist" ? default_mnist_dir() : std::string(kFashionMnistDefaultDir);
}

std::unique_ptr<data::MNIST> open_dataset(std::string_view dataset, const std::string& dir,
                                          std::string_view split) {
  check_dataset_name(dataset);
  const std::string root = dir.empty() ? default_data_dir(dataset) : dir;
  if (dataset == "fashion") {
    try {
      return std::make_unique<data::FashionMNIST>(root, split);
    } catch (const Error& e) {
      BYO_CHECK(false) << e.message()
                       << " (Fashion-MNIST: sudo apt-get install dataset-fashion-mnist, "
                          "or pass --data DIR)";
    }
  }
  try {
    return std::make_unique<data::MNIST>(root, split);
  } catch (const Error& e) {
    // A missing file's error already names the fetch command; a damaged one's does not. A
    // file that cannot be opened (its permissions), or a file named as the folder, is not
    // damaged: fetching again would not help, so those errors stand alone.
    for (const std::string_view says : {kMnistFetchCommand, std::string_view("cannot open"),
                                        std::string_view("is a file, not a directory")}) {
      if (e.message().find(says) != std::string::npos) throw;
    }
    BYO_CHECK(false) << e.message()
                     << ". The fetch command replaces damaged files: " << kMnistFetchCommand;
  }
  return nullptr;  // not reached
}

std::array<std::string, 10> class_names(std::string_view dataset) {
  if (dataset == "fashion") {
    return {"T-shirt", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",  "Shirt",   "Sneaker",  "Bag",   "Boot"};
  }
  return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

}  // namespace byo::lenet
