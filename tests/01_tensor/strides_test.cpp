/// @file
/// @brief The stride arithmetic of byo/strides.h, one free function at a time.
#include <gtest/gtest.h>

#include "byo/check.h"
#include "byo/strides.h"

namespace byo {
namespace {

TEST(Numel, ProductOfSizes) {
  EXPECT_EQ(numel({2, 3, 4}), 24);
  EXPECT_EQ(numel({}), 1);  // a 0-d array holds one element
  EXPECT_EQ(numel({3, 0, 5}), 0);
}

TEST(ContiguousStrides, RowMajor) {
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(contiguous_strides({5}), (Strides{1}));
  EXPECT_EQ(contiguous_strides({}), (Strides{}));
  EXPECT_EQ(contiguous_strides({2, 1, 3}), (Strides{3, 3, 1}));
  // A zero size steps as if it were one, as PyTorch does.
  EXPECT_EQ(contiguous_strides({2, 0, 3}), (Strides{3, 3, 1}));
}

TEST(IsContiguous, RowMajorOnly) {
  EXPECT_TRUE(is_contiguous({2, 3}, {3, 1}));
  EXPECT_FALSE(is_contiguous({2, 3}, {1, 2}));  // the transpose of a (3, 2)
  EXPECT_FALSE(is_contiguous({2, 3}, {6, 2}));  // every other column
  EXPECT_TRUE(is_contiguous({}, {}));
}

TEST(IsContiguous, SizeOneAndEmptyDimsDoNotCount) {
  EXPECT_TRUE(is_contiguous({2, 1, 3}, {3, 99, 1}));
  EXPECT_TRUE(is_contiguous({1, 4}, {0, 1}));
  EXPECT_TRUE(is_contiguous({3, 0}, {7, 5}));
  EXPECT_FALSE(is_contiguous({2, 2}, {0, 1}));  // a broadcast row is not contiguous
}

TEST(NormalizeDim, WrapsNegatives) {
  EXPECT_EQ(normalize_dim(0, 3), 0);
  EXPECT_EQ(normalize_dim(2, 3), 2);
  EXPECT_EQ(normalize_dim(-1, 3), 2);
  EXPECT_EQ(normalize_dim(-3, 3), 0);
}

TEST(NormalizeDim, OutOfRangeThrows) {
  EXPECT_THROW(normalize_dim(3, 3), Error);
  EXPECT_THROW(normalize_dim(-4, 3), Error);
  EXPECT_THROW(normalize_dim(0, 0), Error);
  try {
    normalize_dim(5, 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("dimension 5"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("[-2, 1]"), std::string::npos) << e.message();
  }
}

TEST(NormalizeDim, ShapeOverloadNamesOpAndShape) {
  EXPECT_EQ(normalize_dim(-1, Shape{4, 5}, "op"), 1);
  try {
    normalize_dim(2, Shape{4, 5}, "transpose");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "transpose: dimension 2 out of range for shape [4, 5] (expected one in [-2, 1])");
  }
}

TEST(OffsetOf, DotProductPlusBase) {
  const std::vector<int64_t> index{1, 2, 3};
  EXPECT_EQ(offset_of(index, {12, 4, 1}), 12 + 8 + 3);
  EXPECT_EQ(offset_of(index, {12, 4, 1}, 100), 123);
  EXPECT_EQ(offset_of(index, {1, 0, 2}, 5), 5 + 1 + 0 + 6);
  EXPECT_EQ(offset_of({}, {}, 7), 7);
}

TEST(UnravelIndex, RowMajorOrder) {
  std::vector<int64_t> index(3);
  unravel_index(0, {2, 3, 4}, index);
  EXPECT_EQ(index, (std::vector<int64_t>{0, 0, 0}));
  unravel_index(23, {2, 3, 4}, index);
  EXPECT_EQ(index, (std::vector<int64_t>{1, 2, 3}));
  unravel_index(13, {2, 3, 4}, index);  // 13 = 1*12 + 0*4 + 1
  EXPECT_EQ(index, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_THROW(unravel_index(24, {2, 3, 4}, index), Error);
  EXPECT_THROW(unravel_index(-1, {2, 3, 4}, index), Error);
}

TEST(NextIndex, VisitsEveryIndexInOrderThenWraps) {
  const Shape shape{2, 3};
  std::vector<int64_t> index(2, 0);
  std::vector<std::vector<int64_t>> seen{index};
  while (next_index(index, shape)) seen.push_back(index);
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[1], (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(seen[3], (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(seen[5], (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(index, (std::vector<int64_t>{0, 0}));  // wrapped back to the start
}

TEST(NextIndex, AgreesWithUnravel) {
  const Shape shape{3, 1, 4, 2};
  std::vector<int64_t> walked(4, 0), direct(4);
  for (int64_t flat = 0; flat < numel(shape); ++flat) {
    unravel_index(flat, shape, direct);
    EXPECT_EQ(walked, direct) << "at " << flat;
    next_index(walked, shape);
  }
}

TEST(NextIndex, ZeroDimHasOneElement) {
  std::vector<int64_t> index;
  EXPECT_FALSE(next_index(index, {}));
}

TEST(InferReshape, ResolvesMinusOne) {
  EXPECT_EQ(infer_reshape({2, 3, 4}, {-1, 4}), (Shape{6, 4}));
  EXPECT_EQ(infer_reshape({2, 3, 4}, {2, -1}), (Shape{2, 12}));
  EXPECT_EQ(infer_reshape({2, 3, 4}, {24}), (Shape{24}));
  EXPECT_EQ(infer_reshape({}, {-1}), (Shape{1}));
  EXPECT_EQ(infer_reshape({1}, {}), (Shape{}));
  EXPECT_EQ(infer_reshape({0, 4}, {-1, 2}), (Shape{0, 2}));
}

TEST(InferReshape, RejectsBadRequests) {
  EXPECT_THROW(infer_reshape({2, 3}, {4, 2}), Error);
  EXPECT_THROW(infer_reshape({2, 3}, {-1, -1}), Error);
  EXPECT_THROW(infer_reshape({2, 3}, {-1, 4}), Error);
  EXPECT_THROW(infer_reshape({2, 3}, {-2, -3}), Error);
  EXPECT_THROW(infer_reshape({0, 3}, {0, -1}), Error);  // -1 could be anything
  try {
    infer_reshape({2, 3}, {4, 2});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("[2, 3]"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("[4, 2]"), std::string::npos) << e.message();
  }
}

TEST(ViewStrides, ContiguousSplitsAndMerges) {
  EXPECT_EQ(view_strides({2, 3, 4}, {12, 4, 1}, {6, 4}), (Strides{4, 1}));
  EXPECT_EQ(view_strides({6, 4}, {4, 1}, {2, 3, 2, 2}), (Strides{12, 4, 2, 1}));
  EXPECT_EQ(view_strides({24}, {1}, {24, 1}), (Strides{1, 1}));
  EXPECT_EQ(view_strides({1}, {1}, {}), (Strides{}));
  EXPECT_EQ(view_strides({}, {}, {1, 1}), (Strides{1, 1}));
}

TEST(ViewStrides, TransposeCanSplitButNotMerge) {
  // (3, 4) transposed: shape (4, 3), strides (1, 4).
  EXPECT_FALSE(view_strides({4, 3}, {1, 4}, {12}).has_value());
  // Splitting one dimension keeps its run intact: (4, 3) -> (2, 2, 3).
  EXPECT_EQ(view_strides({4, 3}, {1, 4}, {2, 2, 3}), (Strides{2, 1, 4}));
  EXPECT_EQ(view_strides({4, 3}, {1, 4}, {4, 3, 1}), (Strides{1, 4, 4}));
}

TEST(ViewStrides, SlicedRowsMergeOnlyWithinARow) {
  // Every other row of a (4, 6) array: shape (2, 6), strides (12, 1).
  EXPECT_EQ(view_strides({2, 6}, {12, 1}, {2, 2, 3}), (Strides{12, 3, 1}));
  EXPECT_FALSE(view_strides({2, 6}, {12, 1}, {12}).has_value());
}

TEST(ShapeStr, Brackets) {
  EXPECT_EQ(shape_str({2, 3, 4}), "[2, 3, 4]");
  EXPECT_EQ(shape_str({}), "[]");
  EXPECT_EQ(shape_str({7}), "[7]");
}

}  // namespace
}  // namespace byo
