/// @file
/// @brief The training log: one JSON object per epoch, one per line (JSON Lines).
///
///     {"epoch":1,"variant":"modern","train_loss":0.2135,"train_accuracy":0.9342,
///      "test_accuracy":0.9803,"epoch_seconds":3.91,"images_per_second":15345.2,"lr":0.001}
///
/// One object per line means a log can be appended to (a resumed run continues the same
/// file) and read by anything (`jq`, pandas, `lenet plot`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace byo::lenet {

/// @brief What one epoch of training measured.
struct EpochMetrics {
  int64_t epoch = 0;             ///< 1-based epoch number.
  std::string variant;           ///< "classic" or "modern".
  double train_loss = 0;         ///< Mean cross-entropy over the epoch's training images.
  double train_accuracy = 0;     ///< Fraction of training images classified right, in flight.
  double test_accuracy = 0;      ///< Fraction of the test images classified right after it.
  double epoch_seconds = 0;      ///< Wall-clock seconds of the training pass.
  double images_per_second = 0;  ///< Training images per second.
  double lr = 0;
};

/// @brief `metrics` as one line of JSON (no trailing newline).
std::string to_json(const EpochMetrics& metrics);
/// @brief Parses one line written by `to_json`; throws `byo::Error` naming `where`.
EpochMetrics parse_metrics_line(const std::string& line, const std::string& where);
/// @brief Appends `metrics` as one line to the file at `path` (created if missing).
void append_metrics(const std::string& path, const EpochMetrics& metrics);
/// @brief Every epoch in the JSON Lines file at `path`; blank lines are skipped.
std::vector<EpochMetrics> read_metrics(const std::string& path);

}  // namespace byo::lenet
