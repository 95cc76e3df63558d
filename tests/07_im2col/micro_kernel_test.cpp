/// @file
/// @brief The pieces of gemm_packed on their own: packing layout and one micro-kernel call.
#include <gtest/gtest.h>

#include <vector>

#include "byo/micro_kernel.h"

namespace byo {
namespace {

TEST(MicroKernel, TileShapeMatchesTheVectorWidth) {
  EXPECT_EQ(kTileCols, kTileVectors * kSimdWidth);
  EXPECT_EQ(sizeof(Vec), static_cast<size_t>(kSimdWidth) * sizeof(float));
}

TEST(MicroKernel, PackAPadsTheLastPanelWithZeros) {
  // A is (7, 2): panel 0 holds rows 0..5, panel 1 row 6 then zeros.
  std::vector<float> a(14);
  for (int i = 0; i < 14; ++i) a[i] = static_cast<float>(i + 1);  // A(i,k) = 2i + k + 1
  std::vector<float> out(2 * 2 * kTileRows, -1.0f);
  pack_a({a.data(), 7, 2, 2, 1}, out.data());
  for (int64_t i = 0; i < kTileRows; ++i) {
    EXPECT_EQ(out[i], a[2 * i]) << i;                  // k = 0
    EXPECT_EQ(out[kTileRows + i], a[2 * i + 1]) << i;  // k = 1
  }
  EXPECT_EQ(out[2 * kTileRows], 13.0f);  // A(6, 0)
  EXPECT_EQ(out[3 * kTileRows], 14.0f);  // A(6, 1)
  for (int64_t i = 1; i < kTileRows; ++i) {
    EXPECT_EQ(out[2 * kTileRows + i], 0.0f);
    EXPECT_EQ(out[3 * kTileRows + i], 0.0f);
  }
}

TEST(MicroKernel, PackBReadsThroughStrides) {
  // B is the transpose of a (3, 2) row-major buffer: B(k, j) = buf[j*2 + k], (2, 3).
  const std::vector<float> buf = {1, 2, 3, 4, 5, 6};
  std::vector<float> out(2 * kTileCols, -1.0f);
  pack_b({buf.data(), 2, 3, 1, 2}, out.data());
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 3.0f);
  EXPECT_EQ(out[2], 5.0f);
  EXPECT_EQ(out[kTileCols + 0], 2.0f);
  EXPECT_EQ(out[kTileCols + 1], 4.0f);
  EXPECT_EQ(out[kTileCols + 2], 6.0f);
  for (int64_t j = 3; j < kTileCols; ++j) EXPECT_EQ(out[j], 0.0f);
}

TEST(MicroKernel, OneTileIsTheProductOfItsPanels) {
  const int64_t kc = 3;
  std::vector<float> a(kc * kTileRows), b(kc * kTileCols), tile(kTileRows * kTileCols);
  for (int64_t k = 0; k < kc; ++k) {
    for (int64_t i = 0; i < kTileRows; ++i) a[k * kTileRows + i] = static_cast<float>(i + k);
    for (int64_t j = 0; j < kTileCols; ++j) b[k * kTileCols + j] = static_cast<float>(j - k);
  }
  micro_kernel(kc, a.data(), b.data(), kTileCols, tile.data());
  for (int64_t i = 0; i < kTileRows; ++i) {
    for (int64_t j = 0; j < kTileCols; ++j) {
      float want = 0;
      for (int64_t k = 0; k < kc; ++k) want += static_cast<float>((i + k) * (j - k));
      EXPECT_EQ(tile[i * kTileCols + j], want) << i << "," << j;
    }
  }
}

}  // namespace
}  // namespace byo
