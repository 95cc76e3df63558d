/// @file
/// @brief Opening MNIST or Fashion-MNIST by name, with errors that say how to get them.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "byo/data/mnist.h"

namespace byo::lenet {

/// @brief Where `dataset` ("mnist" or "fashion") is looked for when --data is not given:
///        $BYO_MNIST_DIR or data/mnist for MNIST, Debian's folder for Fashion-MNIST.
std::string default_data_dir(std::string_view dataset);
/// @brief Checks `dataset` is "mnist" or "fashion".
void check_dataset_name(std::string_view dataset);
/// @brief Split `split` ("train"/"test") of `dataset` from `dir` (empty: the default dir).
///        Throws `byo::Error` naming the folder and the command or package that provides it.
std::unique_ptr<data::MNIST> open_dataset(std::string_view dataset, const std::string& dir,
                                          std::string_view split);
/// @brief The ten class names: digits for MNIST, clothes for Fashion-MNIST.
std::array<std::string, 10> class_names(std::string_view dataset);

}  // namespace byo::lenet
