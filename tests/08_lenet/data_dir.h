// Where the data tests find MNIST: the same order as cmake/FetchMnist.cmake (the cache
// variable BYO_MNIST_DIR, then the environment variable, then <repo>/data/mnist).
#pragma once

#include <cstdlib>
#include <string>

namespace byo::lenet::testing {

inline std::string mnist_dir() {
  const std::string cached = BYO_TEST_MNIST_CACHE_DIR;
  if (!cached.empty()) return cached;
  const char* env = std::getenv("BYO_MNIST_DIR");
  if (env != nullptr && *env != '\0') return env;
  return BYO_TEST_MNIST_DEFAULT_DIR;
}

}  // namespace byo::lenet::testing
