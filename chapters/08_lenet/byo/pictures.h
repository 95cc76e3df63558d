/// @file
/// @brief Pictures without a plotting library: grey-scale PNG files and SVG line charts.
///
/// Chapter 8 draws what the network learned — conv1's 5×5 filters, the feature maps of one
/// image — and how it learned — the training curve.
///
///     PNG  = signature, then chunks [length, type, data, CRC-32]:
///            IHDR (width, height, 8-bit grey)  IDAT (zlib stream of the rows,
///            each row led by its filter byte)  IEND
///     SVG  = XML text: a <polyline> per series, <text> for labels and ticks
///
/// PNG is written by libpng (Debian: libpng-dev), the library everyone uses for it; the SVG
/// is small enough to write by hand, in src/pictures.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace byo::pictures {

/// @brief An 8-bit grey-scale image, row-major, 0 black and 255 white.
struct GrayImage {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> pixels;  ///< width·height values, row after row.
};

/// @brief Maps `height`×`width` floats onto 0..255, their minimum black and maximum white
///        (a constant image is mid-grey). Non-finite values are a byo::Error.
GrayImage from_floats(const float* values, int64_t height, int64_t width);

/// @brief Lays equally sized tiles out in rows of `columns`, each enlarged `scale` times
///        (nearest neighbour) and separated by `gap` white pixels.
GrayImage grid(const std::vector<GrayImage>& tiles, int64_t columns, int64_t scale, int64_t gap);

/// @brief The bytes of `image` as a PNG file (8-bit grey, no interlace).
std::vector<uint8_t> encode_png(const GrayImage& image);

/// @brief Writes `image` to `path` as a PNG; a file that cannot be written is a byo::Error
///        naming it.
void write_png(const std::string& path, const GrayImage& image);

/// @brief One line of a chart: the points (x[i], y[i]) under a name for the legend.
struct Series {
  std::string name;       ///< Shown in the legend.
  std::vector<double> x;  ///< Abscissae, e.g. epochs.
  std::vector<double> y;  ///< Ordinates, as many as x.
};

/// @brief A line chart with one x axis and up to two y axes (left and right).
struct Chart {
  std::string title;          ///< Drawn above the plot.
  std::string x_label;        ///< Under the x axis.
  std::string left_label;     ///< Beside the left y axis.
  std::string right_label;    ///< Beside the right y axis (if `right` has series).
  std::vector<Series> left;   ///< Series scaled to the left axis, e.g. the loss.
  std::vector<Series> right;  ///< Series scaled to the right axis, e.g. the accuracy.
};

/// @brief The chart as a self-contained SVG document (640×400).
std::string svg_chart(const Chart& chart);

/// @brief "Nice" tick values covering [lo, hi]: about `count` multiples of 1, 2 or 5 × 10^k, one
/// step past each end if needed.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace byo::pictures
