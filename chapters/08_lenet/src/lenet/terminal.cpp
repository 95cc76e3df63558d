/// @file
/// @brief Text pictures: the character ramp and the probability bars.
#include "byo/lenet/terminal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>

#include "byo/check.h"
#include "byo/table.h"

namespace byo::lenet {

std::vector<std::string> draw_image(std::span<const uint8_t> pixels, int64_t height,
                                    int64_t width) {
  BYO_CHECK(height > 0 && width > 0 && static_cast<int64_t>(pixels.size()) == height * width)
      << "draw_image: " << pixels.size() << " pixels for a " << height << "x" << width << " image";
  constexpr std::string_view ramp = " .:-=+*#%@";
  std::vector<std::string> rows;
  for (int64_t y = 0; y < height; ++y) {
    std::string row;
    for (int64_t x = 0; x < width; ++x) {
      const int v = pixels[static_cast<size_t>(y * width + x)];
      const char c = ramp[static_cast<size_t>(v * static_cast<int>(ramp.size()) / 256)];
      row += c;
      row += c;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string bar(double fraction, int width) {
  // Eighths of a cell: U+2588 (full) down to U+258F (one eighth).
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  if (!(fraction > 0)) fraction = 0;  // NaN too
  fraction = std::min(fraction, 1.0);
  const int eighths = static_cast<int>(std::lround(fraction * width * 8));
  std::string out;
  int cells = 0;
  for (; cells < eighths / 8; ++cells) out += "█";
  if (eighths % 8 != 0) {
    out += kEighths[eighths % 8];
    ++cells;
  }
  out.append(static_cast<size_t>(width - cells), ' ');
  return out;
}

std::string prediction_panel(std::span<const uint8_t> pixels, int64_t height, int64_t width,
                             std::span<const float> probabilities,
                             std::span<const std::string> class_names) {
  BYO_CHECK(probabilities.size() == class_names.size())
      << "prediction_panel: " << probabilities.size() << " probabilities for " << class_names.size()
      << " classes";
  const std::vector<std::string> picture = draw_image(pixels, height, width);
  const auto best = static_cast<size_t>(
      std::max_element(probabilities.begin(), probabilities.end()) - probabilities.begin());
  size_t name_width = 0;
  for (const std::string& name : class_names) name_width = std::max(name_width, name.size());
  std::vector<std::string> lines;
  for (size_t k = 0; k < probabilities.size(); ++k) {
    char percent[32];
    std::snprintf(percent, sizeof percent, "%6.2f%%", 100.0 * probabilities[k]);
    std::string name = class_names[k];
    name.append(name_width - name.size(), ' ');
    lines.push_back(name + " " + bar(probabilities[k], 20) + " " + percent +
                    (k == best ? "  <- prediction" : ""));
  }
  // The bars sit beside the middle of the picture.
  const size_t rows = std::max(picture.size(), lines.size());
  const size_t first = picture.size() > lines.size() ? (picture.size() - lines.size()) / 2 : 0;
  const std::string blank(picture.empty() ? 0 : picture[0].size(), ' ');
  std::ostringstream out;
  for (size_t r = 0; r < rows; ++r) {
    std::string row = "|" + (r < picture.size() ? picture[r] : blank) + "|";
    if (r >= first && r - first < lines.size()) row += "   " + lines[r - first];
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out << row << '\n';
  }
  return out.str();
}

}  // namespace byo::lenet
