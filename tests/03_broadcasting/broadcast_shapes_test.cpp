/// @file
/// @brief broadcast_shapes and is_broadcastable_to: NumPy's rules as a table of cases.
#include <gtest/gtest.h>

#include "byo/broadcast.h"
#include "test_util.h"

namespace byo {
namespace {

struct ShapeCase {
  Shape a;
  Shape b;
  Shape expected;
};

TEST(BroadcastShapes, TableOfCases) {
  const std::vector<ShapeCase> cases = {
      {{8, 1, 6, 1}, {7, 1, 5}, {8, 7, 6, 5}},  // the NumPy manual's example
      {{3, 1}, {1, 4}, {3, 4}},                 // column meets row
      {{2, 3}, {2, 3}, {2, 3}},                 // equal shapes
      {{5, 4}, {4}, {5, 4}},                    // missing leading dimension
      {{5, 4}, {1}, {5, 4}},
      {{15, 3, 5}, {15, 1, 5}, {15, 3, 5}},
      {{15, 3, 5}, {3, 1}, {15, 3, 5}},
      {{}, {}, {}},          // 0-d with 0-d
      {{}, {2, 3}, {2, 3}},  // 0-d stretches to anything
      {{2, 3}, {}, {2, 3}},
      {{1, 1}, {}, {1, 1}},  // 0-d still gains the dimensions
      {{0}, {1}, {0}},       // a size-0 dimension wins over 1
      {{1}, {0}, {0}},
      {{0, 3}, {1, 3}, {0, 3}},
      {{2, 0}, {0}, {2, 0}},
      {{0}, {}, {0}},
      {{1, 1, 1}, {1}, {1, 1, 1}},
  };
  for (const ShapeCase& c : cases) {
    SCOPED_TRACE(shape_str(c.a) + " with " + shape_str(c.b));
    EXPECT_EQ(broadcast_shapes(c.a, c.b), c.expected);
    EXPECT_EQ(broadcast_shapes(c.b, c.a), c.expected);  // symmetric
    EXPECT_TRUE(is_broadcastable_to(c.a, c.expected));
    EXPECT_TRUE(is_broadcastable_to(c.b, c.expected));
  }
}

TEST(BroadcastShapes, ErrorNamesBothShapesAndTheDimension) {
  const std::string msg = test::error_message([] { broadcast_shapes({2, 3}, {4}); });
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dimension 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("3 and 4"), std::string::npos) << msg;
}

TEST(BroadcastShapes, ErrorInALeadingDimension) {
  // Lined up from the right, [2, 5, 3] and [4, 1] disagree at result dimension 1 (5 vs 4).
  const std::string msg = test::error_message([] { broadcast_shapes({2, 5, 3}, {4, 1}); });
  EXPECT_NE(msg.find("[2, 5, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[4, 1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dimension 1 of the result"), std::string::npos) << msg;
  EXPECT_NE(msg.find("5 and 4"), std::string::npos) << msg;
}

TEST(BroadcastShapes, Errors) {
  EXPECT_THROW(broadcast_shapes({3}, {4}), Error);
  EXPECT_THROW(broadcast_shapes({0}, {2}), Error);  // 0 is a size like any other, not 1
  EXPECT_THROW(broadcast_shapes({2, 1}, {8, 4, 3}), Error);
  EXPECT_THROW(broadcast_shapes({-1}, {3}), Error);
}

TEST(BroadcastShapes, OperationNameStartsTheMessage) {
  const std::string msg = test::error_message([] { broadcast_shapes({3}, {4}, "add"); });
  EXPECT_EQ(msg.rfind("add:", 0), 0u) << msg;
}

TEST(IsBroadcastableTo, IsOneDirectional) {
  EXPECT_TRUE(is_broadcastable_to({3, 1}, {2, 3, 4}));
  EXPECT_FALSE(is_broadcastable_to({2, 3, 4}, {3, 1}));  // fewer dimensions in the target
  EXPECT_FALSE(is_broadcastable_to({3, 4}, {3, 1}));     // 4 cannot shrink to 1
  EXPECT_TRUE(is_broadcastable_to({}, {}));
  EXPECT_TRUE(is_broadcastable_to({1}, {0}));
  EXPECT_FALSE(is_broadcastable_to({0}, {1}));
}

TEST(BroadcastStrides, StretchedAndNewDimensionsGetStrideZero) {
  // A [3, 1] array with strides [1, 1] viewed as [2, 3, 4].
  EXPECT_EQ(broadcast_strides({3, 1}, {1, 1}, {2, 3, 4}), (Strides{0, 1, 0}));
  // A transposed [4, 3] (strides [1, 4]) keeps its strides where sizes agree.
  EXPECT_EQ(broadcast_strides({4, 3}, {1, 4}, {5, 4, 3}), (Strides{0, 1, 4}));
  EXPECT_EQ(broadcast_strides({}, {}, {2, 2}), (Strides{0, 0}));
  EXPECT_THROW(broadcast_strides({3}, {1}, {4}), Error);
}

}  // namespace
}  // namespace byo
