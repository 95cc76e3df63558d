/// @file
/// @brief Printing: every expected string was printed by PyTorch 1.13 for the same values.
///
/// The first tests spell out a few cases to read; the last one replays every case of
/// data/print_reference.txt, made by chapters/01_tensor/reference/make_print_reference.py.
#include <gtest/gtest.h>

#include <limits>

#include "byo/ndarray.h"
#include "support/arrays.h"

namespace byo {
namespace {

NDArray vec(std::vector<float> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return NDArray::from_vector(values, {n});
}

TEST(Print, IntegerValuedMatrix) {
  EXPECT_EQ(to_string(NDArray::from_vector({1, 2, 3, 4}, {2, 2})),
            "tensor([[1., 2.],\n        [3., 4.]])");
}

TEST(Print, ZeroDimAndEmpty) {
  EXPECT_EQ(to_string(NDArray::scalar(3)), "tensor(3.)");
  EXPECT_EQ(to_string(NDArray::scalar(0.5f)), "tensor(0.5000)");
  EXPECT_EQ(to_string(NDArray::zeros({0})), "tensor([])");
  EXPECT_EQ(to_string(NDArray::zeros({2, 0})), "tensor([], size=(2, 0))");
  EXPECT_EQ(to_string(NDArray::zeros({3})), "tensor([0., 0., 0.])");
}

TEST(Print, FixedPointWithFourDecimals) {
  EXPECT_EQ(to_string(vec({0.1f, 0.25f})), "tensor([0.1000, 0.2500])");
  EXPECT_EQ(to_string(vec({-1.5f, 2})), "tensor([-1.5000,  2.0000])");
}

TEST(Print, IntegersAlignRight) {
  EXPECT_EQ(to_string(vec({1, 1000})), "tensor([   1., 1000.])");
  EXPECT_EQ(to_string(vec({-3, 10})), "tensor([-3., 10.])");
}

TEST(Print, ScientificWhenTheRangeIsWide) {
  EXPECT_EQ(to_string(vec({1e-5f, 1})), "tensor([1.0000e-05, 1.0000e+00])");
  EXPECT_EQ(to_string(vec({1, 10000})), "tensor([1.0000e+00, 1.0000e+04])");
  EXPECT_EQ(to_string(vec({1e9f, 2e9f})), "tensor([1.0000e+09, 2.0000e+09])");
}

TEST(Print, NonFinite) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(to_string(vec({nan, inf, 1})), "tensor([nan, inf, 1.])");
  EXPECT_EQ(to_string(vec({-inf, 0.5f})), "tensor([  -inf, 0.5000])");
}

TEST(Print, ThreeDimensionsLeaveABlankLine) {
  EXPECT_EQ(to_string(NDArray::arange(0, 8).reshape({2, 2, 2})),
            "tensor([[[0., 1.],\n"
            "         [2., 3.]],\n"
            "\n"
            "        [[4., 5.],\n"
            "         [6., 7.]]])");
}

TEST(Print, NonContiguousPrintsLogicalOrder) {
  EXPECT_EQ(to_string(NDArray::arange(0, 4).reshape({2, 2}).transpose(0, 1)),
            "tensor([[0., 2.],\n        [1., 3.]])");
}

TEST(Print, SummarisedAboveAThousandElements) {
  // Only the shown values choose the format: 1999/1 > 1000, so scientific.
  EXPECT_EQ(to_string(NDArray::arange(0, 2000)),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])");
  EXPECT_EQ(to_string(NDArray::arange(0, 1000)).find("..."), std::string::npos);
}

TEST(Print, MatchesPyTorchOnEveryReferenceCase) {
  const std::vector<test::ReferenceCase> cases =
      test::read_reference(std::string(BYO_CH01_DATA_DIR) + "/print_reference.txt");
  ASSERT_GE(cases.size(), 30u);
  for (const test::ReferenceCase& c : cases) {
    NDArray a = test::to_ndarray(c.array("input", "x"));
    if (c.settings.contains("transpose")) a = a.transpose(0, 1);
    EXPECT_EQ(to_string(a), c.text("expected")) << "case " << c.name;
  }
}

}  // namespace
}  // namespace byo
