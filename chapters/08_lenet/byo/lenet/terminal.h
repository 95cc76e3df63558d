/// @file
/// @brief Text pictures for the terminal: a grayscale image as characters, and bars.
///
///     draw_image: each pixel becomes two characters (terminal cells are about twice as
///     tall as wide) from the ramp " .:-=+*#%@", dark to bright, so MNIST's white-on-black
///     digits show as ink on a blank background in any terminal, log or README.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace byo::lenet {

/// @brief The image (`height`×`width` bytes, row-major, 0 black … 255 white) as text,
///        one string per pixel row, two characters per pixel.
std::vector<std::string> draw_image(std::span<const uint8_t> pixels, int64_t height, int64_t width);
/// @brief A bar of `width` cells filled in proportion to `fraction` (0..1), e.g. "█████▌    ".
std::string bar(double fraction, int width);
/// @brief The picture and the ten class probabilities side by side, the likeliest marked.
std::string prediction_panel(std::span<const uint8_t> pixels, int64_t height, int64_t width,
                             std::span<const float> probabilities,
                             std::span<const std::string> class_names);

}  // namespace byo::lenet
