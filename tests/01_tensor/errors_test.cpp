/// @file
/// @brief Bad input ends in a byo::Error whose message names the shapes, never in UB.
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "byo/ndarray.h"
#include "support/expect.h"

namespace byo {
namespace {

using test::expect_error;

TEST(Errors, ReshapeWithDifferentSize) {
  const NDArray a = NDArray::zeros({2, 3});
  expect_error([&] { (void)a.reshape({4, 2}); }, {"reshape", "[2, 3]", "[4, 2]"});
  expect_error([&] { (void)a.view({7}); }, {"[2, 3]", "[7]"});
}

TEST(Errors, ReshapeToSizesWhoseProductOverflows) {
  const NDArray a = NDArray::zeros({2, 3});
  constexpr int64_t big = int64_t{1} << 40;
  expect_error(
      [&] {
        (void)a.reshape({big, big});
      },
      {"[2, 3]", "[1099511627776, 1099511627776]", "past int64_t"});
  expect_error([&] { (void)a.reshape({big, -1, big}); }, {"past int64_t"});
}

TEST(Errors, ViewOfANonViewableLayout) {
  const NDArray t = NDArray::zeros({2, 3}).transpose(0, 1);
  expect_error([&] { (void)t.view({6}); }, {"view", "[3, 2]", "[6]"});
}

TEST(Errors, IndexOutOfRange) {
  const NDArray a = NDArray::zeros({2, 3});
  expect_error([&] { (void)a.at({2, 0}); }, {"index 2", "[2, 3]"});
  expect_error([&] { (void)a.at({0, -4}); }, {"index -4", "[2, 3]"});
  expect_error([&] { (void)a.at({0}); }, {"1 indices", "[2, 3]"});
  expect_error([&] { (void)a.select(0, 5); }, {"index 5", "[2, 3]"});
}

TEST(Errors, ZipOfTwoShapes) {
  const NDArray a = NDArray::zeros({2, 3});
  const NDArray b = NDArray::zeros({2, 1});
  expect_error([&] { (void)a.zip(b, [](float x, float y) { return x + y; }); },
               {"zip", "[2, 3]", "[2, 1]"});
  expect_error([&] { a.copy_(b); }, {"copy_", "[2, 3]", "[2, 1]"});
}

TEST(Errors, DimensionOutOfRangeNamesOpAndShape) {
  const NDArray a = NDArray::zeros({2, 3});
  expect_error([&] { (void)a.transpose(0, 2); }, {"transpose", "dimension 2", "[2, 3]"});
  expect_error([&] { (void)a.sum({-3}); }, {"sum", "dimension -3", "[2, 3]"});
  expect_error([&] { (void)a.mean({2}); }, {"mean", "dimension 2", "[2, 3]"});
  expect_error([&] { (void)a.reduce({2}, false, 0, [](float x, float y) { return x + y; }); },
               {"reduce", "dimension 2", "[2, 3]"});
  expect_error([&] { (void)a.size(2); }, {"size", "dimension 2", "[2, 3]"});
  expect_error([&] { (void)a.permute({0, 0}); }, {"permute", "[2, 3]"});
  expect_error([&] { (void)a.permute({0}); }, {"permute", "[2, 3]"});
  expect_error([&] { (void)a.permute({0, 2}); }, {"permute", "dimension 2", "[2, 3]"});
  expect_error([&] { (void)a.max(5); }, {"max", "dimension 5", "[2, 3]"});
  expect_error([&] { (void)a.argmax(-3); }, {"argmax", "dimension -3", "[2, 3]"});
  expect_error([&] { (void)a.slice(3, 0, 1); }, {"slice", "dimension 3", "[2, 3]"});
  expect_error([&] { (void)a.select(-3, 0); }, {"select", "dimension -3", "[2, 3]"});
  expect_error([&] { (void)a.unsqueeze(3); }, {"unsqueeze", "dimension 3", "[2, 3]"});
  expect_error([&] { (void)a.flatten(0, 2); }, {"flatten", "dimension 2", "[2, 3]"});
  expect_error([] { (void)NDArray::scalar(1).squeeze(0); }, {"squeeze", "[]"});
}

TEST(Errors, EmptyReductions) {
  expect_error([] { (void)NDArray::zeros({0, 4}).max(); }, {"max", "[0, 4]"});
  expect_error([] { (void)NDArray::zeros({3, 0}).argmax(1); }, {"argmax", "[3, 0]"});
}

TEST(Errors, Factories) {
  expect_error([] { (void)NDArray::zeros({2, -1}); }, {"[2, -1]"});
  expect_error([] { (void)NDArray::from_vector({1, 2}, {3}); }, {"2 values", "[3]"});
}

// Sizes whose product overflows int64_t (or exceeds what one storage holds) are refused
// before anything is allocated, by every factory, with the shape in the message.
TEST(Errors, FactoriesRefuseShapesTooLargeToCount) {
  constexpr int64_t big = int64_t{1} << 40;
  constexpr int64_t huge = std::numeric_limits<int64_t>::max();
  expect_error(
      [] {
        (void)NDArray::empty({big, big});
      },
      {"empty", "[1099511627776, 1099511627776]", "overflow"});
  expect_error([] { (void)NDArray::zeros({huge, 2}); }, {"[9223372036854775807, 2]", "overflow"});
  Generator gen(0);
  expect_error(
      [&] {
        (void)NDArray::randn({3, big, big}, gen);
      },
      {"[3, 1099511627776, 1099511627776]"});
  // No elements, but row-major strides (a 0 counts as 1) that overflow.
  expect_error([] { (void)NDArray::empty({0, big, big}); }, {"[0, 1099511627776, 1099511627776]"});
  // Countable, but more floats than a storage holds (2^42 > kMaxSize = 2^42 - 1).
  expect_error(
      [] {
        (void)NDArray::ones({int64_t{1} << 21, int64_t{1} << 21});
      },
      {"[2097152, 2097152]", "4398046511104 elements"});
  expect_error([] { (void)NDArray::arange(0.0f, 3e38f, 1e-30f); }, {"arange"});
  // A zero-size dimension is fine while the strides fit.
  EXPECT_EQ(NDArray::empty({0, big}).numel(), 0);
  EXPECT_EQ(NDArray::empty({0, big}).strides(), (Strides{big, 1}));
}

// PyTorch's data_ptr() of an undefined tensor throws; so does data(), instead of reading
// through a null storage.
TEST(Errors, DataOfAnUndefinedArray) {
  const NDArray undefined;
  expect_error([&] { (void)undefined.data(); }, {"data", "undefined"});
  EXPECT_NE(NDArray::zeros({2}).data(), nullptr);
}

// An expanded view (stride 0 on a dimension of size > 1) has several elements that are
// one float: copying into it is refused, naming shape and strides, and nothing changes.
TEST(Errors, CopyIntoAnExpandedViewIsRefused) {
  const NDArray row = NDArray::from_vector({1, 2, 3}, {3});
  const NDArray expanded(row.storage(), {2, 3}, {0, 1}, 0);  // what expand({2, 3}) makes
  const NDArray source = NDArray::from_vector({4, 5, 6, 7, 8, 9}, {2, 3});
  expect_error([&] { expanded.copy_(source); },
               {"copy_", "[2, 3]", "strides [0, 1]", "single memory location"});
  EXPECT_EQ(row.to_vector(), (std::vector<float>{1, 2, 3}));
  // A stride 0 on a dimension of size 1 aliases nothing: allowed.
  const NDArray size_one(row.storage(), {1, 3}, {0, 1}, 0);
  size_one.copy_(NDArray::from_vector({7, 8, 9}, {1, 3}));
  EXPECT_EQ(row.to_vector(), (std::vector<float>{7, 8, 9}));
  EXPECT_TRUE(has_internal_overlap({2, 3}, {0, 1}));
  EXPECT_FALSE(has_internal_overlap({1, 3}, {0, 1}));
  EXPECT_FALSE(has_internal_overlap({3, 2}, {1, 3}));  // a transpose: distinct elements
}

TEST(Errors, MessageCarriesFileAndLine) {
  try {
    (void)NDArray::zeros({2}).at({3});
    FAIL();
  } catch (const Error& e) {
    EXPECT_GT(e.line(), 0);
    EXPECT_NE(std::string(e.what()).find(e.message()), std::string::npos);
  }
}

}  // namespace
}  // namespace byo
