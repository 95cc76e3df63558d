#include <gtest/gtest.h>

#include <string>

#include "byo/check.h"
#include "byo/conv_geometry.h"
#include "support/expect.h"

namespace byo {
namespace {

using test::error_message;

TEST(ConvGeometry, LeNetLayers) {
  // conv1: 28×28 with a 5×5 kernel and padding 2 keeps 28×28.
  ConvGeometry g1 = conv2d_geometry({128, 1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {2, 2});
  EXPECT_EQ(g1.output_shape(), (Shape{128, 6, 28, 28}));
  // conv2: 14×14 with a 5×5 kernel and no padding gives 10×10.
  ConvGeometry g2 = conv2d_geometry({128, 6, 14, 14}, {16, 6, 5, 5}, {1, 1}, {0, 0});
  EXPECT_EQ(g2.output_shape(), (Shape{128, 16, 10, 10}));
  EXPECT_EQ(g2.weight_shape(), (Shape{16, 6, 5, 5}));
  EXPECT_EQ(g2.input_shape(), (Shape{128, 6, 14, 14}));
}

TEST(ConvGeometry, StrideAndPaddingPerDimension) {
  // P = floor((7 + 2·1 − 3) / 2) + 1 = 4, Q = floor((6 + 0 − 2) / 3) + 1 = 2.
  ConvGeometry g = conv2d_geometry({1, 2, 7, 6}, {4, 2, 3, 2}, {2, 3}, {1, 0});
  EXPECT_EQ(g.out_h, 4);
  EXPECT_EQ(g.out_w, 2);
  EXPECT_EQ(g.stride_h, 2);
  EXPECT_EQ(g.stride_w, 3);
}

TEST(ConvGeometry, RowMajorIndices) {
  ConvGeometry g = conv2d_geometry({2, 3, 4, 5}, {6, 3, 2, 2}, {1, 1}, {0, 0});
  EXPECT_EQ(g.x_index(1, 2, 3, 4), 2 * 3 * 4 * 5 - 1);
  EXPECT_EQ(g.x_index(0, 1, 0, 0), 4 * 5);
  EXPECT_EQ(g.w_index(5, 2, 1, 1), 6 * 3 * 2 * 2 - 1);
  EXPECT_EQ(g.out_index(1, 5, 2, 3), 2 * 6 * 3 * 4 - 1);
}

TEST(ConvGeometry, PoolingKeepsChannels) {
  ConvGeometry g = pool2d_geometry({3, 6, 28, 28}, {2, 2}, {2, 2}, {0, 0}, "max_pool2d");
  EXPECT_EQ(g.output_shape(), (Shape{3, 6, 14, 14}));
  ConvGeometry odd = pool2d_geometry({1, 1, 7, 5}, {3, 3}, {2, 2}, {1, 1}, "avg_pool2d");
  EXPECT_EQ(odd.output_shape(), (Shape{1, 1, 4, 3}));
}

TEST(ConvGeometry, RefusesShapesThatCannotWork) {
  std::string m = error_message([] { conv2d_geometry({1, 28, 28}, {6, 1, 5, 5}, {1, 1}, {0, 0}); });
  EXPECT_NE(m.find("[1, 28, 28]"), std::string::npos) << m;
  EXPECT_NE(m.find("4-D"), std::string::npos) << m;

  m = error_message([] { conv2d_geometry({1, 3, 8, 8}, {6, 1, 5, 5}, {1, 1}, {0, 0}); });
  EXPECT_NE(m.find("[1, 3, 8, 8]"), std::string::npos) << m;
  EXPECT_NE(m.find("[6, 1, 5, 5]"), std::string::npos) << m;

  m = error_message([] { conv2d_geometry({1, 1, 4, 4}, {1, 1, 5, 5}, {1, 1}, {0, 0}); });
  EXPECT_NE(m.find("larger than the padded input"), std::string::npos) << m;
  EXPECT_NE(m.find("[1, 1, 4, 4]"), std::string::npos) << m;
  // Padding 1 makes the same input large enough.
  EXPECT_NO_THROW(conv2d_geometry({1, 1, 4, 4}, {1, 1, 5, 5}, {1, 1}, {1, 1}));

  EXPECT_THROW(conv2d_geometry({1, 1, 8, 8}, {1, 1, 3, 3}, {0, 1}, {0, 0}), Error);
  EXPECT_THROW(conv2d_geometry({1, 1, 8, 8}, {1, 1, 3, 3}, {1, 1}, {-1, 0}), Error);
  EXPECT_THROW(conv2d_geometry({1, 1, 8, 8}, {2, 1, 3}, {1, 1}, {0, 0}), Error);
}

TEST(ConvGeometry, RefusesPoolingThatCannotWork) {
  std::string m = error_message([] {
    pool2d_geometry({1, 1, 8, 8}, {2, 2}, {2, 2}, {2, 2}, "max_pool2d");
  });
  EXPECT_NE(m.find("max_pool2d"), std::string::npos) << m;
  EXPECT_NE(m.find("at most half"), std::string::npos) << m;
  EXPECT_THROW(pool2d_geometry({1, 1, 2, 2}, {3, 3}, {1, 1}, {0, 0}, "avg_pool2d"), Error);
  EXPECT_THROW(pool2d_geometry({1, 8, 8}, {2, 2}, {2, 2}, {0, 0}, "avg_pool2d"), Error);
  EXPECT_THROW(pool2d_geometry({1, 1, 8, 8}, {0, 2}, {2, 2}, {0, 0}, "avg_pool2d"), Error);
}

}  // namespace
}  // namespace byo
