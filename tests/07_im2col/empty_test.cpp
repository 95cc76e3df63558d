/// @file
/// @brief Empty tensors through both kernel tables: a batch of 0 images or 0 channels is
///        legal in PyTorch (an empty result, or the bias alone), and so it is here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/conv.h"
#include "byo/gemm.h"
#include "byo/ops.h"
#include "byo/random.h"

namespace byo {
namespace {

// Runs the test body once with the naive tables and once with the fast ones.
class EmptyInputs : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { GetParam() ? use_fast_kernels() : use_naive_kernels(); }
  void TearDown() override { use_naive_kernels(); }
};

std::vector<float> values(const Tensor& t) { return t.data().to_vector(); }

TEST_P(EmptyInputs, Conv2dOnAnEmptyBatch) {
  Generator gen(1);
  // (0, 3, 8, 8) takes the im2col path; (0, 1, 28, 28) the direct one (one input channel).
  for (const auto& [x_shape, w_shape] : std::vector<std::pair<Shape, Shape>>{
           {{0, 3, 8, 8}, {4, 3, 3, 3}}, {{0, 1, 28, 28}, {6, 1, 5, 5}}}) {
    const Tensor x = zeros(x_shape, /*requires_grad=*/true);
    const Tensor w = randn(w_shape, gen, /*requires_grad=*/true);
    const Tensor b = randn({w_shape[0]}, gen, /*requires_grad=*/true);
    const Tensor y = conv2d(x, w, b);
    EXPECT_EQ(y.shape(),
              (Shape{0, w_shape[0], x_shape[2] - w_shape[2] + 1, x_shape[3] - w_shape[3] + 1}));
    sum(y).backward();
    EXPECT_EQ(x.grad().shape(), x_shape);
    EXPECT_EQ(values(w.grad()), std::vector<float>(static_cast<size_t>(w.numel()), 0.0f));
    EXPECT_EQ(values(b.grad()), std::vector<float>(static_cast<size_t>(w_shape[0]), 0.0f));
  }
}

TEST_P(EmptyInputs, Conv2dWithNoInputChannelsIsTheBias) {
  const Tensor x = zeros({2, 0, 5, 5}, /*requires_grad=*/true);
  const Tensor w = zeros({3, 0, 3, 3}, /*requires_grad=*/true);
  const Tensor b = Tensor(NDArray::from_vector({1, 2, 3}, {3}), /*requires_grad=*/true);
  const Tensor y = conv2d(x, w, b);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 3, 3}));
  for (int64_t n = 0; n < 2; ++n) {
    for (int64_t k = 0; k < 3; ++k) EXPECT_EQ(y.data().at({n, k, 1, 2}), float(k + 1));
  }
  sum(y).backward();
  EXPECT_EQ(x.grad().shape(), (Shape{2, 0, 5, 5}));
  EXPECT_EQ(w.grad().shape(), (Shape{3, 0, 3, 3}));
  EXPECT_EQ(values(b.grad()), (std::vector<float>{18, 18, 18}));  // 2 images x 3 x 3 pixels
}

TEST_P(EmptyInputs, PoolingAndLinearOnEmptyBatches) {
  for (const Shape& shape : {Shape{0, 6, 24, 24}, Shape{2, 0, 24, 24}}) {
    const Tensor x = zeros(shape, /*requires_grad=*/true);
    const Tensor avg = avg_pool2d(x, {2, 2});
    const Tensor max = max_pool2d(x, {2, 2});
    EXPECT_EQ(avg.shape(), (Shape{shape[0], shape[1], 12, 12}));
    EXPECT_EQ(max.shape(), avg.shape());
    sum(add(sum(avg), sum(max))).backward();
    EXPECT_EQ(x.grad().shape(), shape);
  }
  Generator gen(2);
  const Tensor x = zeros({0, 10}, /*requires_grad=*/true);
  const Tensor w = randn({5, 10}, gen, /*requires_grad=*/true);
  const Tensor b = randn({5}, gen, /*requires_grad=*/true);
  const Tensor y = linear(x, w, b);
  EXPECT_EQ(y.shape(), (Shape{0, 5}));
  sum(y).backward();
  EXPECT_EQ(values(w.grad()), std::vector<float>(50, 0.0f));
  EXPECT_EQ(values(b.grad()), std::vector<float>(5, 0.0f));
}

// An exception must not leave an OpenMP region (std::terminate would end the program): a
// column matrix too large to allocate (2·600·600 rows × 600·600 columns, 1 TB) is reported
// as a byo::Error on the calling thread.
TEST(ParallelRegions, AFailedAllocationIsAnErrorNotTheEndOfTheProgram) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer aborts on an allocation it cannot make";
#endif
  use_fast_kernels();
  const Tensor x = zeros({1, 2, 1, 1});
  const Tensor w = zeros({1, 2, 600, 600});
  EXPECT_THROW(conv2d(x, w, Tensor(), {1, 1}, {599, 599}), Error);
  use_naive_kernels();
}

INSTANTIATE_TEST_SUITE_P(BothTables, EmptyInputs, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "fast" : "naive");
                         });

}  // namespace
}  // namespace byo
