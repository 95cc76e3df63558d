#include "byo/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace byo {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) != 0; }

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e9) return "?:??";
  const auto total = static_cast<long long>(seconds);
  const long long h = total / 3600;
  const long long m = total / 60 % 60;
  const long long s = total % 60;
  char buffer[48];
  if (h > 0) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", h, m, s);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", m, s);
  }
  return buffer;
}

namespace {

double fraction_done(const ProgressState& state) {
  if (state.total <= 0) return 1.0;
  return std::clamp(static_cast<double>(state.done) / static_cast<double>(state.total), 0.0, 1.0);
}

std::string counts(const ProgressState& state) {
  return std::to_string(state.done) + "/" + std::to_string(state.total);
}

}  // namespace

std::string render_progress(const ProgressState& state, int bar_width) {
  const double fraction = fraction_done(state);
  const int width = std::max(bar_width, 1);
  const int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < width) {
    // The arrow head marks where the bar is going, once it has started.
    bar += state.done > 0 ? '>' : ' ';
    bar.append(static_cast<size_t>(width - filled - 1), ' ');
  }

  char percent[8];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100.0));

  // Time left, assuming the remaining steps go at the average speed so far.
  std::string eta = "?:??";
  if (state.done > 0 && state.total > 0) {
    const double rest = static_cast<double>(std::max<int64_t>(state.total - state.done, 0));
    eta = format_duration(state.elapsed_seconds * rest / static_cast<double>(state.done));
  }

  std::string line = state.label + " [" + bar + "] " + percent + " " + counts(state);
  if (!state.extra.empty()) line += "  " + state.extra;
  line += "  " + format_duration(state.elapsed_seconds) + "<" + eta;
  return line;
}

std::string render_progress_summary(const ProgressState& state) {
  std::string line = state.label + " " + counts(state);
  if (!state.extra.empty()) line += "  " + state.extra;
  line += "  " + format_duration(state.elapsed_seconds);
  return line;
}

ProgressBar::ProgressBar(std::string label, int64_t total, ProgressOptions options)
    : options_(options) {
  state_.label = std::move(label);
  state_.total = total;
  if (options_.out == nullptr) options_.out = &std::cerr;
}

ProgressBar::~ProgressBar() {
  // A bar abandoned mid-line (an exception) must not leave the next output on its line.
  if (!finished_ && options_.interactive && last_width_ > 0) *options_.out << '\n' << std::flush;
}

void ProgressBar::update(int64_t done, std::string_view extra) {
  state_.done = done;
  state_.extra = extra;
  if (!options_.interactive) return;
  const double now = timer_.seconds();
  const bool last_step = done >= state_.total;
  if (!last_step && last_draw_ >= 0 && now - last_draw_ < options_.min_redraw_seconds) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::finish(std::string_view extra) {
  if (finished_) return;
  finished_ = true;
  if (!extra.empty()) state_.extra = extra;
  state_.elapsed_seconds = timer_.seconds();
  if (options_.interactive) {
    draw();
    *options_.out << '\n' << std::flush;
  } else {
    *options_.out << render_progress_summary(state_) << '\n' << std::flush;
  }
}

void ProgressBar::draw() {
  state_.elapsed_seconds = timer_.seconds();
  std::string line = render_progress(state_, options_.bar_width);
  // Blank out what is left of a longer previous line (the extra text can shrink).
  const size_t width = line.size();
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  *options_.out << '\r' << line << std::flush;
}

}  // namespace byo
