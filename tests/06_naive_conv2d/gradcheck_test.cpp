// Every op of the chapter against central differences, on the shapes the issue lists:
// stride 1 and 2, padding 0 and 2, batch 1 and 3, odd sizes, rectangular kernels.
#include <gtest/gtest.h>

#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "byo/conv.h"
#include "byo/gradcheck.h"
#include "support/tensors.h"

namespace byo {
namespace {

struct ConvCase {
  Shape x, w;
  Size2 stride, padding;
  bool bias;
};

class Conv2dGradcheck : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dGradcheck, EveryInput) {
  const ConvCase& c = GetParam();
  Generator gen(7);
  Tensor x = randn(c.x, gen, true);
  Tensor w = randn(c.w, gen, true);
  Tensor b = c.bias ? randn({c.w[0]}, gen, true) : Tensor();
  std::vector<Tensor> inputs = {x, w};
  if (c.bias) inputs.push_back(b);
  const GradcheckResult result = gradcheck(
      [&](const std::vector<Tensor>& in) {
        return conv2d(in[0], in[1], in.size() > 2 ? in[2] : Tensor(), c.stride, c.padding);
      },
      inputs);
  EXPECT_TRUE(result.passed()) << "worst error " << result.max_abs_error();
}

// Test names such as "x1x2x5x6_w2x2x5x5_stride1x1_pad2x2_bias". (A stream, because GCC 12
// warns wrongly about std::string's operator+ here.)
template <typename Values>
std::string dims(const Values& values) {
  std::ostringstream os;
  const char* sep = "";
  for (int64_t d : values) {
    os << sep << d;
    sep = "x";
  }
  return os.str();
}

std::string conv_case_name(const ::testing::TestParamInfo<ConvCase>& info) {
  const ConvCase& c = info.param;
  std::ostringstream os;
  os << "x" << dims(c.x) << "_w" << dims(c.w) << "_stride" << dims(c.stride) << "_pad"
     << dims(c.padding) << (c.bias ? "_bias" : "");
  return os.str();
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Conv2dGradcheck,
    ::testing::Values(ConvCase{{1, 1, 5, 5}, {2, 1, 3, 3}, {1, 1}, {0, 0}, true},
                      ConvCase{{3, 2, 7, 7}, {3, 2, 3, 3}, {2, 2}, {0, 0}, true},
                      ConvCase{{1, 2, 5, 6}, {2, 2, 5, 5}, {1, 1}, {2, 2}, true},
                      ConvCase{{3, 1, 6, 5}, {2, 1, 3, 2}, {2, 1}, {2, 1}, false},
                      ConvCase{{1, 3, 4, 4}, {4, 3, 1, 1}, {1, 1}, {0, 0}, true}),
    conv_case_name);

// Max pooling is only differentiable away from ties, so its inputs are a shuffled ramp,
// test::distinct_values: every value distinct and 0.1 from the next. Max pooling is
// piecewise linear, so a small step costs no truncation error: eps = 1e-3 keeps every
// perturbation (at most 1e-3·|x|) far below that spacing, and no window changes its winner.
constexpr GradcheckOptions kMaxPoolOptions{.eps = 1e-3};

struct PoolCase {
  Shape x;
  Size2 kernel, stride, padding;
};

class PoolGradcheck : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolGradcheck, AvgPool) {
  const PoolCase& c = GetParam();
  Generator gen(3);
  Tensor x = randn(c.x, gen, true);
  const GradcheckResult result = gradcheck(
      [&](const std::vector<Tensor>& in) {
        return avg_pool2d(in[0], c.kernel, c.stride, c.padding);
      },
      {x});
  EXPECT_TRUE(result.passed()) << "worst error " << result.max_abs_error();
}

TEST_P(PoolGradcheck, MaxPool) {
  const PoolCase& c = GetParam();
  Generator gen(5);
  Tensor x = test::distinct_values(c.x, gen);
  const GradcheckResult result = gradcheck(
      [&](const std::vector<Tensor>& in) {
        return max_pool2d(in[0], c.kernel, c.stride, c.padding);
      },
      {x}, kMaxPoolOptions);
  EXPECT_TRUE(result.passed()) << "worst error " << result.max_abs_error();
}

INSTANTIATE_TEST_SUITE_P(Shapes, PoolGradcheck,
                         ::testing::Values(PoolCase{{1, 1, 4, 4}, {2, 2}, {2, 2}, {0, 0}},
                                           PoolCase{{3, 2, 7, 5}, {3, 3}, {2, 2}, {1, 1}},
                                           PoolCase{{1, 2, 6, 6}, {3, 3}, {1, 1}, {0, 0}},
                                           PoolCase{{3, 1, 5, 7}, {4, 4}, {1, 2}, {2, 2}},
                                           PoolCase{{1, 3, 5, 5}, {2, 3}, {2, 1}, {1, 1}}),
                         [](const ::testing::TestParamInfo<PoolCase>& info) {
                           const PoolCase& c = info.param;
                           std::ostringstream os;
                           os << "x" << dims(c.x) << "_k" << dims(c.kernel) << "_stride"
                              << dims(c.stride) << "_pad" << dims(c.padding);
                           return os.str();
                         });

TEST(Conv2dGradcheck, NonContiguousInput) {
  // A transposed view as input: the op copies it once, the gradient lands in its layout.
  Generator gen(11);
  Tensor base = randn({1, 2, 6, 5}, gen);
  Tensor x = Tensor(base.data().transpose(2, 3), true);  // (1,2,5,6), not contiguous
  ASSERT_FALSE(x.data().is_contiguous());
  Tensor w = randn({2, 2, 3, 3}, gen, true);
  const GradcheckResult result = gradcheck(
      [](const std::vector<Tensor>& in) {
        return conv2d(in[0], in[1], Tensor(), {2, 1}, {1, 0});
      },
      {x, w});
  EXPECT_TRUE(result.passed()) << "worst error " << result.max_abs_error();
}

}  // namespace
}  // namespace byo
