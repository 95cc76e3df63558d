/// @file
/// @brief PNG encoding and SVG charts for chapter 8's pictures.
#include "byo/pictures.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "byo/check.h"

namespace byo::pictures {
namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::abs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
};

void check_series(const Series& s) {
  BYO_CHECK(!s.x.empty() && s.x.size() == s.y.size())
      << "svg_chart: series '" << s.name << "' has " << s.x.size() << " x values and " << s.y.size()
      << " y values (need the same number, at least one)";
  for (size_t i = 0; i < s.x.size(); ++i) {
    BYO_CHECK(std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
        << "svg_chart: series '" << s.name << "' point " << i << " is not finite";
  }
}

// The plot area in SVG pixels; y grows downwards in SVG, upwards in the chart.
struct Frame {
  double left = 70, right = 570, top = 62, bottom = 340;
  double px(double v, double lo, double hi) const {
    return left + (v - lo) / (hi - lo) * (right - left);
  }
  double py(double v, double lo, double hi) const {
    return bottom - (v - lo) / (hi - lo) * (bottom - top);
  }
};

constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

}  // namespace

GrayImage from_floats(const float* values, int64_t height, int64_t width) {
  BYO_CHECK(values != nullptr && height > 0 && width > 0)
      << "from_floats: need a " << height << "x" << width << " block of values";
  const int64_t n = height * width;
  float lo = values[0], hi = values[0];
  for (int64_t i = 0; i < n; ++i) {
    BYO_CHECK(std::isfinite(values[i])) << "from_floats: value " << i << " is " << values[i];
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  GrayImage image{width, height, std::vector<uint8_t>(static_cast<size_t>(n), 128)};
  if (hi > lo) {
    for (int64_t i = 0; i < n; ++i) {
      image.pixels[i] = static_cast<uint8_t>(std::lround((values[i] - lo) / (hi - lo) * 255.0f));
    }
  }
  return image;
}

GrayImage grid(const std::vector<GrayImage>& tiles, int64_t columns, int64_t scale, int64_t gap) {
  BYO_CHECK(!tiles.empty() && columns > 0 && scale > 0 && gap >= 0)
      << "grid: " << tiles.size() << " tiles, columns " << columns << ", scale " << scale
      << ", gap " << gap << " (need tiles, columns > 0, scale > 0, gap >= 0)";
  const int64_t w = tiles[0].width, h = tiles[0].height;
  for (size_t t = 0; t < tiles.size(); ++t) {
    BYO_CHECK(tiles[t].width == w && tiles[t].height == h &&
              static_cast<int64_t>(tiles[t].pixels.size()) == w * h)
        << "grid: tile " << t << " is " << tiles[t].height << "x" << tiles[t].width
        << ", tile 0 is " << h << "x" << w << " (all tiles must have one size)";
  }
  const int64_t count = static_cast<int64_t>(tiles.size());
  const int64_t cols = std::min(columns, count);
  const int64_t rows = (count + cols - 1) / cols;
  GrayImage out;
  out.width = cols * w * scale + (cols + 1) * gap;
  out.height = rows * h * scale + (rows + 1) * gap;
  out.pixels.assign(static_cast<size_t>(out.width * out.height), 255);
  for (int64_t t = 0; t < count; ++t) {
    const int64_t x0 = gap + (t % cols) * (w * scale + gap);
    const int64_t y0 = gap + (t / cols) * (h * scale + gap);
    for (int64_t y = 0; y < h * scale; ++y) {
      for (int64_t x = 0; x < w * scale; ++x) {
        out.pixels[(y0 + y) * out.width + x0 + x] = tiles[t].pixels[(y / scale) * w + x / scale];
      }
    }
  }
  return out;
}

std::vector<uint8_t> encode_png(const GrayImage& image) {
  constexpr int64_t kMaxSide = 1 << 24;  // keeps every size below in 32 bits
  BYO_CHECK(image.width > 0 && image.height > 0 && image.width <= kMaxSide &&
            image.height <= kMaxSide &&
            static_cast<int64_t>(image.pixels.size()) == image.width * image.height)
      << "encode_png: a " << image.height << "x" << image.width << " image needs "
      << image.width * image.height << " pixels, has " << image.pixels.size();
  // libpng's simplified API: no setjmp/longjmp in our code, a failure is a return value
  // with a message. It picks the row filters and compresses with zlib.
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  // The first call measures, the second writes.
  BYO_CHECK(png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr))
      << "encode_png: libpng: " << png.message;
  std::vector<uint8_t> bytes(size);
  BYO_CHECK(
      png_image_write_to_memory(&png, bytes.data(), &size, 0, image.pixels.data(), 0, nullptr))
      << "encode_png: libpng: " << png.message;
  bytes.resize(size);
  return bytes;
}

void write_png(const std::string& path, const GrayImage& image) {
  const std::vector<uint8_t> bytes = encode_png(image);
  std::ofstream file(path, std::ios::binary);
  BYO_CHECK(file.good()) << "write_png: cannot open '" << path << "' for writing";
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  BYO_CHECK(!file.fail()) << "write_png: writing '" << path << "' failed";
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  BYO_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo <= hi && count >= 2)
      << "nice_ticks: range [" << lo << ", " << hi << "] with " << count << " ticks";
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(lo))) lo -= 0.5, hi += 0.5;
  const double raw = (hi - lo) / (count - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
  // Tolerances keep lo = 0.3 from starting a tick below at 0.2 through rounding.
  const auto first = static_cast<int64_t>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<int64_t>(std::ceil(hi / step - 1e-9));
  std::vector<double> ticks;
  for (int64_t k = first; k <= last; ++k) ticks.push_back(static_cast<double>(k) * step);
  return ticks;
}

std::string svg_chart(const Chart& chart) {
  BYO_CHECK(!chart.left.empty()) << "svg_chart: '" << chart.title << "' has no left series";
  Range xr, left, right;
  for (const Series& s : chart.left) {
    check_series(s);
    for (size_t i = 0; i < s.x.size(); ++i) xr.add(s.x[i]), left.add(s.y[i]);
  }
  for (const Series& s : chart.right) {
    check_series(s);
    for (size_t i = 0; i < s.x.size(); ++i) xr.add(s.x[i]), right.add(s.y[i]);
  }
  const Frame f;
  const std::vector<double> xt = nice_ticks(xr.lo, xr.hi, 6);
  const std::vector<double> lt = nice_ticks(left.lo, left.hi, 5);
  const std::vector<double> rt =
      chart.right.empty() ? std::vector<double>{} : nice_ticks(right.lo, right.hi, 5);
  const double x0 = xt.front(), x1 = xt.back();

  // The legend: one entry per series (a line sample and the name) in rows under the x
  // axis's label, where no curve can run through it. Entries are as wide as their names
  // (about 7 px a character at 12 px sans-serif), a row wraps before the right edge, and
  // the picture grows by one line per extra row, so names never overlap nor get cut.
  struct Entry {
    double x, y;
  };
  std::vector<Entry> legend;
  {
    constexpr double kCharWidth = 7.0, kSample = 30, kGap = 24, kRow = 18, kEdge = 630;
    double x = f.left, y = f.bottom + 64;
    for (const auto* side : {&chart.left, &chart.right}) {
      for (const Series& s : *side) {
        const double width = kSample + kCharWidth * static_cast<double>(s.name.size());
        if (x > f.left && x + width > kEdge) x = f.left, y += kRow;
        legend.push_back({x, y});
        x += width + kGap;
      }
    }
  }
  const double height = std::max(400.0, legend.back().y + 16);

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" << height
      << "\" viewBox=\"0 0 640 " << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"640\" height=\"" << height << "\" fill=\"white\"/>\n"
      << "<text x=\"320\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">"
      << xml_escape(chart.title) << "</text>\n";
  // Grid lines and tick labels.
  for (const double t : xt) {
    const double x = f.px(t, x0, x1);
    svg << "<line x1=\"" << x << "\" y1=\"" << f.top << "\" x2=\"" << x << "\" y2=\"" << f.bottom
        << "\" stroke=\"#e5e5e5\"/>\n<text x=\"" << x << "\" y=\"" << f.bottom + 18
        << "\" text-anchor=\"middle\">" << number(t) << "</text>\n";
  }
  for (const double t : lt) {
    const double y = f.py(t, lt.front(), lt.back());
    svg << "<line x1=\"" << f.left << "\" y1=\"" << y << "\" x2=\"" << f.right << "\" y2=\"" << y
        << "\" stroke=\"#e5e5e5\"/>\n<text x=\"" << f.left - 8 << "\" y=\"" << y + 4
        << "\" text-anchor=\"end\">" << number(t) << "</text>\n";
  }
  for (const double t : rt) {
    svg << "<text x=\"" << f.right + 8 << "\" y=\"" << f.py(t, rt.front(), rt.back()) + 4 << "\">"
        << number(t) << "</text>\n";
  }
  svg << "<rect x=\"" << f.left << "\" y=\"" << f.top << "\" width=\"" << f.right - f.left
      << "\" height=\"" << f.bottom - f.top << "\" fill=\"none\" stroke=\"#333\"/>\n"
      << "<text x=\"" << (f.left + f.right) / 2 << "\" y=\"" << f.bottom + 40
      << "\" text-anchor=\"middle\">" << xml_escape(chart.x_label) << "</text>\n"
      << "<text transform=\"translate(20," << (f.top + f.bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << xml_escape(chart.left_label) << "</text>\n";
  if (!chart.right.empty()) {
    svg << "<text transform=\"translate(625," << (f.top + f.bottom) / 2
        << ") rotate(90)\" text-anchor=\"middle\">" << xml_escape(chart.right_label) << "</text>\n";
  }
  // One polyline (with a dot per point) per series, and its legend entry.
  size_t colour = 0;
  auto draw = [&](const Series& s, const std::vector<double>& ticks, bool dashed) {
    const char* c = kColours[colour % std::size(kColours)];
    const double legend_x = legend[colour].x;
    const double legend_y = legend[colour].y;
    ++colour;
    svg << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"2\""
        << (dashed ? " stroke-dasharray=\"6 3\"" : "") << " points=\"";
    for (size_t i = 0; i < s.x.size(); ++i) {
      svg << (i ? " " : "") << f.px(s.x[i], x0, x1) << ","
          << f.py(s.y[i], ticks.front(), ticks.back());
    }
    svg << "\"/>\n";
    for (size_t i = 0; i < s.x.size(); ++i) {
      svg << "<circle cx=\"" << f.px(s.x[i], x0, x1) << "\" cy=\""
          << f.py(s.y[i], ticks.front(), ticks.back()) << "\" r=\"3\" fill=\"" << c << "\"/>\n";
    }
    svg << "<line x1=\"" << legend_x << "\" y1=\"" << legend_y << "\" x2=\"" << legend_x + 24
        << "\" y2=\"" << legend_y << "\" stroke=\"" << c << "\" stroke-width=\"2\""
        << (dashed ? " stroke-dasharray=\"6 3\"" : "") << "/>\n<text x=\"" << legend_x + 30
        << "\" y=\"" << legend_y + 4 << "\">" << xml_escape(s.name) << "</text>\n";
  };
  for (const Series& s : chart.left) draw(s, lt, false);
  for (const Series& s : chart.right) draw(s, rt, true);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace byo::pictures
