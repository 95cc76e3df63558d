// PNG encoding and SVG charts: the PNG is split into its chunks (CRCs checked with zlib),
// its image data inflated, and its pixels decoded back by libpng's reader.
#include <png.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "byo/check.h"
#include "byo/pictures.h"

namespace byo::pictures {
namespace {

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

struct Chunk {
  std::string type;
  std::vector<uint8_t> data;
};

// Splits a PNG into its chunks, checking the signature and every CRC on the way.
std::vector<Chunk> chunks(const std::vector<uint8_t>& png) {
  const std::vector<uint8_t> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(signature.begin(), signature.end(), png.begin()));
  std::vector<Chunk> out;
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t length = be32(png, at);
    Chunk c{std::string(png.begin() + at + 4, png.begin() + at + 8),
            std::vector<uint8_t>(png.begin() + at + 8, png.begin() + at + 8 + length)};
    const uLong crc = crc32(0L, png.data() + at + 4, 4 + length);
    EXPECT_EQ(be32(png, at + 8 + length), crc) << "CRC of " << c.type;
    out.push_back(c);
    at += 12 + length;
  }
  EXPECT_EQ(at, png.size());
  return out;
}

TEST(Png, ChunksHeaderAndRowsDecodeBack) {
  const GrayImage image{3, 2, {0, 10, 20, 200, 255, 7}};
  const std::vector<uint8_t> png = encode_png(image);
  const std::vector<Chunk> c = chunks(png);
  ASSERT_GE(c.size(), 3u);
  EXPECT_EQ(c.front().type, "IHDR");
  EXPECT_EQ(c.back().type, "IEND");
  ASSERT_EQ(c[0].data.size(), 13u);
  EXPECT_EQ(be32(c[0].data, 0), 3u);  // width
  EXPECT_EQ(be32(c[0].data, 4), 2u);  // height
  EXPECT_EQ(c[0].data[8], 8);         // bit depth
  EXPECT_EQ(c[0].data[9], 0);         // grey
  EXPECT_EQ(c[0].data[12], 0);        // no interlace
  // The IDAT chunks together are one zlib stream: each row, led by its filter byte.
  std::vector<uint8_t> stream;
  for (const Chunk& chunk : c) {
    if (chunk.type == "IDAT") stream.insert(stream.end(), chunk.data.begin(), chunk.data.end());
  }
  std::vector<uint8_t> rows(2 * 4 + 1);
  uLongf size = rows.size();
  ASSERT_EQ(uncompress(rows.data(), &size, stream.data(), stream.size()), Z_OK);
  EXPECT_EQ(size, 8u);
  EXPECT_LE(rows[0], 4);  // filter types 0..4
  EXPECT_LE(rows[4], 4);
  // Undoing the filters is the reader's job: libpng gives back the pixels written.
  png_image read{};
  read.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_memory(&read, png.data(), png.size())) << read.message;
  read.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(read));
  ASSERT_TRUE(png_image_finish_read(&read, nullptr, pixels.data(), 0, nullptr)) << read.message;
  EXPECT_EQ(read.width, 3u);
  EXPECT_EQ(read.height, 2u);
  EXPECT_EQ(pixels, image.pixels);
}

TEST(Png, WritesTheFileAndNamesAPathItCannotWrite) {
  const auto path = std::filesystem::temp_directory_path() / "byo_pictures_test.png";
  const GrayImage image{2, 2, {1, 2, 3, 4}};
  write_png(path.string(), image);
  std::ifstream file(path, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
  EXPECT_EQ(bytes, encode_png(image));
  std::filesystem::remove(path);
  try {
    write_png("/nonexistent-dir/x.png", image);
    FAIL() << "expected byo::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.png"), std::string::npos);
  }
}

TEST(Png, RefusesAnImageWhosePixelsDoNotMatchItsSize) {
  EXPECT_THROW(encode_png(GrayImage{3, 2, {1, 2, 3}}), Error);
  EXPECT_THROW(encode_png(GrayImage{0, 0, {}}), Error);
}

TEST(FromFloats, MapsMinimumToBlackAndMaximumToWhite) {
  const float v[] = {-1.0f, 0.0f, 1.0f, 0.5f};
  const GrayImage g = from_floats(v, 2, 2);
  EXPECT_EQ(g.width, 2);
  EXPECT_EQ(g.height, 2);
  EXPECT_EQ(g.pixels, (std::vector<uint8_t>{0, 128, 255, 191}));
  const float flat[] = {3.0f, 3.0f};
  EXPECT_EQ(from_floats(flat, 1, 2).pixels, (std::vector<uint8_t>{128, 128}));
  const float bad[] = {1.0f, NAN};
  EXPECT_THROW(from_floats(bad, 1, 2), Error);
}

TEST(Grid, PlacesScaledTilesBetweenWhiteGaps) {
  const GrayImage a{1, 1, {10}}, b{1, 1, {20}}, c{1, 1, {30}};
  const GrayImage g = grid({a, b, c}, 2, 2, 1);
  // 2 columns × 2 px + 3 gaps = 7 wide; 2 rows × 2 px + 3 gaps = 7 high
  ASSERT_EQ(g.width, 7);
  ASSERT_EQ(g.height, 7);
  auto at = [&](int y, int x) { return g.pixels[y * 7 + x]; };
  EXPECT_EQ(at(0, 0), 255);
  EXPECT_EQ(at(1, 1), 10);
  EXPECT_EQ(at(2, 2), 10);
  EXPECT_EQ(at(1, 3), 255);
  EXPECT_EQ(at(1, 4), 20);
  EXPECT_EQ(at(4, 1), 30);
  EXPECT_EQ(at(4, 4), 255);  // no fourth tile
  EXPECT_THROW(grid({a, GrayImage{2, 1, {1, 2}}}, 2, 1, 0), Error);
  EXPECT_THROW(grid({}, 2, 1, 0), Error);
}

void expect_ticks(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << "tick " << i;
}

TEST(NiceTicks, AreRoundNumbersCoveringTheRange) {
  expect_ticks(nice_ticks(0.0, 1.0, 6), {0, 0.2, 0.4, 0.6, 0.8, 1});
  expect_ticks(nice_ticks(1.0, 10.0, 6), {0, 2, 4, 6, 8, 10});
  expect_ticks(nice_ticks(0.9312, 0.9915, 5), {0.92, 0.94, 0.96, 0.98, 1.0});
  expect_ticks(nice_ticks(5.0, 5.0, 5),
               {4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6});  // a flat range is widened to ±0.5
  EXPECT_THROW(nice_ticks(1.0, 0.0, 5), Error);
}

TEST(SvgChart, DrawsOnePolylinePerSeriesWithItsPointsInTheFrame) {
  Chart chart{"LeNet <classic>",
              "epoch",
              "loss",
              "accuracy",
              {{"train loss", {1, 2, 3}, {0.9, 0.4, 0.2}}},
              {{"test accuracy", {1, 2, 3}, {0.90, 0.95, 0.97}}}};
  const std::string svg = svg_chart(chart);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("LeNet &lt;classic&gt;"), std::string::npos);
  size_t polylines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1)) {
    ++polylines;
  }
  EXPECT_EQ(polylines, 2u);
  // The x ticks run 1..3, so epoch 1 sits on the left edge (70) and epoch 3 on the right
  // (570); the loss ticks run 0.2..1, so 0.9 is 7/8 of the way up from 340 to 62.
  EXPECT_NE(svg.find("points=\"70,96.75 320,270.5 570,340\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">accuracy<"), std::string::npos);
}

// `lenet plot` names each series after its file: long names. Every legend entry must sit
// inside the 640 px picture and clear of the others and of the axis label above it.
TEST(SvgChart, LegendOfLongNamesNeitherOverlapsNorLeavesThePicture) {
  const std::vector<double> x{1, 2, 3}, y{0.5, 0.3, 0.2}, acc{0.9, 0.95, 0.97};
  Chart chart{"curves",
              "epoch",
              "loss",
              "accuracy",
              {{"lenet-modern.jsonl train loss", x, y}, {"lenet-classic.jsonl train loss", x, y}},
              {{"lenet-modern.jsonl test accuracy", x, acc},
               {"lenet-classic.jsonl test accuracy", x, acc}}};
  const std::string svg = svg_chart(chart);
  // Legend entries: a sample line of length 24 followed by the name's <text>.
  const std::regex entry(
      R"re(<line x1="([0-9.]+)" y1="([0-9.]+)" x2="[0-9.]+" y2="[0-9.]+"[^>]*/>\n<text x="[0-9.]+" y="[0-9.]+">([^<]+)</text>)re");
  struct Box {
    double left, right, y;
  };
  std::vector<Box> boxes;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), entry); it != std::sregex_iterator();
       ++it) {
    const double left = std::stod((*it)[1]), y = std::stod((*it)[2]);
    // DejaVu Sans, the widest common sans-serif, averages under 7 px a character at 12 px.
    boxes.push_back({left, left + 30 + 7.0 * static_cast<double>((*it)[3].length()), y});
  }
  ASSERT_EQ(boxes.size(), 4u) << svg;
  std::smatch height;
  ASSERT_TRUE(std::regex_search(svg, height, std::regex(R"re(viewBox="0 0 640 ([0-9.]+)")re")));
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_LE(boxes[i].right, 640.0) << "legend entry " << i << " is cut at the right edge";
    EXPECT_GT(boxes[i].y, 340.0 + 40) << "legend entry " << i << " is not below the x label";
    EXPECT_LE(boxes[i].y + 6, std::stod(height[1])) << "legend entry " << i << " is cut below";
    for (size_t j = 0; j < i; ++j) {
      const bool apart = boxes[i].y != boxes[j].y || boxes[i].left >= boxes[j].right ||
                         boxes[j].left >= boxes[i].right;
      EXPECT_TRUE(apart) << "legend entries " << j << " and " << i << " overlap";
    }
  }
}

TEST(SvgChart, RefusesSeriesOfUnequalLengthOrNonFiniteValues) {
  EXPECT_THROW(svg_chart(Chart{"t", "x", "y", "", {{"s", {1, 2}, {1}}}, {}}), Error);
  EXPECT_THROW(svg_chart(Chart{"t", "x", "y", "", {{"s", {1}, {NAN}}}, {}}), Error);
  EXPECT_THROW(svg_chart(Chart{"t", "x", "y", "", {}, {}}), Error);
}

}  // namespace
}  // namespace byo::pictures
