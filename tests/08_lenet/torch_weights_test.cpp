// Weights from PyTorch: a LeNet-5 trained by PyTorch (chapters/08_lenet/reference/
// torch_weights.py), saved with numpy.savez, loaded into byotorch's LeNet5. The same weights
// must give the same logits (within 1e-5) and the same prediction on all 10000 test images.
// The files are checked in, so this needs MNIST but not PyTorch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/data/mnist.h"
#include "byo/gemm.h"
#include "byo/models/lenet.h"
#include "byo/npz.h"
#include "data_dir.h"

namespace byo::lenet {
namespace {

std::unique_ptr<models::LeNet5> torch_trained_lenet() {
  Generator gen(0);
  auto model = std::make_unique<models::LeNet5>(models::LeNetVariant::modern, gen);
  load_npz(*model, "data/torch_lenet_modern.npz");
  model->eval();
  return model;
}

// The logits of test images [first, first + count).
NDArray logits_of(models::LeNet5& model, const data::MNIST& test, int64_t first, int64_t count) {
  std::vector<int64_t> indices(static_cast<size_t>(count));
  std::iota(indices.begin(), indices.end(), first);
  NoGradGuard no_grad;
  return model.forward(test.get_batch(indices).images).data().contiguous();
}

class TorchWeights : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      use_fast_kernels();
    } else {
      use_naive_kernels();
    }
  }
  void TearDown() override { use_fast_kernels(); }
};

TEST_P(TorchWeights, SameLogitsAsPyTorch) {
  const auto model = torch_trained_lenet();
  const data::MNIST test(testing::mnist_dir(), "test");
  const NDArray ours = logits_of(*model, test, 0, 100);
  const NDArray theirs = load_npz("data/torch_lenet_logits.npz").at("logits").contiguous();
  ASSERT_EQ(ours.shape(), theirs.shape());
  double worst = 0;
  for (int64_t i = 0; i < ours.numel(); ++i) {
    worst = std::max(worst, static_cast<double>(std::abs(ours.data()[i] - theirs.data()[i])));
  }
  EXPECT_LE(worst, 1e-5) << "largest difference of the 1000 logits";
  std::cout << "largest difference of the 1000 logits: " << worst << "\n";
}

TEST_P(TorchWeights, SamePredictionsOnTheWholeTestSet) {
  const auto model = torch_trained_lenet();
  const data::MNIST test(testing::mnist_dir(), "test");
  std::ifstream file("data/torch_lenet_predictions.txt");
  std::string expected;
  ASSERT_TRUE(std::getline(file, expected));
  ASSERT_EQ(static_cast<int64_t>(expected.size()), test.size());
  int64_t differ = 0, correct = 0;
  for (int64_t first = 0; first < test.size(); first += 500) {
    const int64_t count = std::min<int64_t>(500, test.size() - first);
    const NDArray logits = logits_of(*model, test, first, count);
    for (int64_t i = 0; i < count; ++i) {
      const float* row = logits.data() + i * 10;
      const int64_t predicted = std::max_element(row, row + 10) - row;
      differ += predicted != expected[static_cast<size_t>(first + i)] - '0';
      correct += predicted == test.label(first + i);
    }
  }
  EXPECT_EQ(differ, 0) << "test images on which byotorch and PyTorch disagree";
  // One epoch of Adam: PyTorch's run reached about 98%; the same weights do here.
  EXPECT_GT(static_cast<double>(correct) / static_cast<double>(test.size()), 0.97);
}

INSTANTIATE_TEST_SUITE_P(Kernels, TorchWeights, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "fast" : "naive"; });

}  // namespace
}  // namespace byo::lenet
