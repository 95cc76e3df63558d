/// @file
/// @brief `byo::ProgressBar`: a one-line progress bar on stderr for the command-line programs.
///
/// On a terminal the bar redraws itself in place (a carriage return, no new line):
///
///     epoch 1/5 [=============>                ]  45% 27000/60000  loss 0.312  0:12<0:15
///
/// where `0:12<0:15` is the time spent and the estimated time left. When stderr is a file
/// or a pipe (a CI log), per-step updates print nothing, and `finish` prints one summary line,
/// so a log gets one line per epoch instead of thousands of redraws:
///
///     epoch 1/5 60000/60000  loss 0.312  acc 91.2%  0:27
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "byo/timer.h"

namespace byo {

/// @brief True if stderr is a terminal, where redrawing a line in place works.
bool stderr_is_terminal();

/// @brief Seconds as "m:ss", or "h:mm:ss" from an hour on; "?:??" for a negative or NaN time.
std::string format_duration(double seconds);

/// @brief Everything one progress line shows.
struct ProgressState {
  std::string label;           ///< What is progressing, e.g. "epoch 1/5".
  int64_t done = 0;            ///< Steps done (e.g. images seen so far).
  int64_t total = 0;           ///< Steps in all; 0 means "nothing to do" and shows as 100%.
  double elapsed_seconds = 0;  ///< Time since the start, for the elapsed time and the ETA.
  std::string extra;           ///< Free text after the counts, e.g. "loss 0.312  acc 91.2%".
};

/// @brief The bar line of `state`: label, bar of `bar_width` cells, percent, counts, extra, time.
std::string render_progress(const ProgressState& state, int bar_width = 30);

/// @brief The one-line summary printed by a finished bar that is not on a terminal.
std::string render_progress_summary(const ProgressState& state);

/// @brief How a `ProgressBar` writes.
struct ProgressOptions {
  std::ostream* out = nullptr;              ///< Where to write; nullptr means std::cerr.
  bool interactive = stderr_is_terminal();  ///< Redraw in place (true) or summary only (false).
  double min_redraw_seconds = 0.1;  ///< Redraw at most this often (the last step always shows).
  int bar_width = 30;               ///< Cells in the bar.
};

/// @brief A progress bar for a loop of `total` steps; see the file comment for what it prints.
///
///     byo::ProgressBar bar("epoch 1/5", 60000);
///     for (...) { ...; bar.update(seen, "loss 0.312"); }
///     bar.finish("loss 0.298  acc 91.2%");
class ProgressBar {
 public:
  /// @brief A bar labelled `label` for `total` steps, with `options` (default: stderr).
  ProgressBar(std::string label, int64_t total, ProgressOptions options = {});
  /// @brief Ends the line if `finish` was not called (e.g. when an exception unwinds).
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// @brief Records that `done` steps are done; redraws on a terminal, else prints nothing.
  void update(int64_t done, std::string_view extra = {});
  /// @brief Ends the bar: on a terminal, the final redraw and a new line; otherwise the summary.
  void finish(std::string_view extra = {});

  /// @brief True if the bar redraws in place (stderr is a terminal, unless overridden).
  bool interactive() const { return options_.interactive; }
  /// @brief Seconds since the bar was made.
  double elapsed_seconds() const { return timer_.seconds(); }

 private:
  void draw();

  ProgressState state_;
  ProgressOptions options_;
  Timer timer_;
  double last_draw_ = -1.0;
  size_t last_width_ = 0;
  bool finished_ = false;
};

}  // namespace byo
