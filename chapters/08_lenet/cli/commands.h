/// @file
/// @brief The subcommands of the `lenet` program: each adds its options to the parser and
///        runs when chosen. One file per subcommand.
#pragma once

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>

namespace byo::lenet::cli {

/// @brief Checks that an option's value is a finite number greater than 0 (short messages,
///        unlike CLI::PositiveNumber's, which prints the whole range of double).
inline const CLI::Validator kPositive(
    [](std::string& in) -> std::string {
      double v = 0;
      if (!CLI::detail::lexical_cast(in, v)) return "'" + in + "' is not a number";
      if (!std::isfinite(v)) return "must be finite, not " + in;
      return v > 0 ? "" : "must be greater than 0, not " + in;
    },
    "> 0");

/// @brief Checks that an option's value is a finite number of at least 0.
inline const CLI::Validator kNonNegative(
    [](std::string& in) -> std::string {
      double v = 0;
      if (!CLI::detail::lexical_cast(in, v)) return "'" + in + "' is not a number";
      if (!std::isfinite(v)) return "must be finite, not " + in;
      return v >= 0 ? "" : "must be 0 or more, not " + in;
    },
    ">= 0");

/// @brief Checks that an option's value is a whole number that `Int` holds: a number past
///        its range is refused, not clamped to the largest one.
template <typename Int>
CLI::Validator whole_number() {
  return CLI::Validator(
      [](std::string& in) -> std::string {
        Int v{};
        const auto [end, error] = std::from_chars(in.data(), in.data() + in.size(), v);
        if (error == std::errc::result_out_of_range) {
          return in + " is out of range (" + std::to_string(std::numeric_limits<Int>::min()) +
                 " to " + std::to_string(std::numeric_limits<Int>::max()) + ")";
        }
        if (error != std::errc() || end != in.data() + in.size()) {
          return "'" + in + "' is not a whole number";
        }
        return "";
      },
      "INT");
}
/// @brief A whole number that int64_t holds.
inline const CLI::Validator kWholeNumber = whole_number<int64_t>();
/// @brief A whole number of 0 or more that uint64_t holds (a seed).
inline const CLI::Validator kUnsignedWholeNumber = whole_number<uint64_t>();

/// @brief What a subcommand runs once the command line is parsed; returns the exit status.
using Command = std::function<int()>;

/// @brief `lenet train`: trains, tests after every epoch, saves checkpoints and metrics.
Command add_train(CLI::App& app);
/// @brief `lenet eval`: accuracy and confusion matrix of a checkpoint.
Command add_eval(CLI::App& app);
/// @brief `lenet predict`: one image drawn in the terminal beside the ten probabilities.
Command add_predict(CLI::App& app);
/// @brief `lenet bench`: training and inference speed, and peak memory.
Command add_bench(CLI::App& app);
/// @brief `lenet plot`: the training curve of metrics files as an SVG chart.
Command add_plot(CLI::App& app);
/// @brief `lenet show`: conv1's filters and one image's feature maps as PNG files.
Command add_show(CLI::App& app);
/// @brief `lenet export`: a checkpoint's weights as a NumPy .npz, for PyTorch.
Command add_export(CLI::App& app);
/// @brief `lenet import`: a checkpoint from the weights in a NumPy .npz.
Command add_import(CLI::App& app);

}  // namespace byo::lenet::cli
