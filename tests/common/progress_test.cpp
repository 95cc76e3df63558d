// The progress bar: its text, and what it writes on a terminal and in a log.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "byo/progress.h"

namespace {

TEST(FormatDuration, MinutesSecondsAndHours) {
  EXPECT_EQ(byo::format_duration(0), "0:00");
  EXPECT_EQ(byo::format_duration(59.9), "0:59");
  EXPECT_EQ(byo::format_duration(61), "1:01");
  EXPECT_EQ(byo::format_duration(3725), "1:02:05");
  EXPECT_EQ(byo::format_duration(-1), "?:??");
  EXPECT_EQ(byo::format_duration(std::nan("")), "?:??");
}

TEST(RenderProgress, BarPercentCountsExtraAndEta) {
  // 27000 of 60000 in 12 s: 33000 left at 2250 per second is 14.7 s.
  const byo::ProgressState state{"epoch 1/5", 27000, 60000, 12.0, "loss 0.312"};
  EXPECT_EQ(byo::render_progress(state, 20),
            "epoch 1/5 [=========>          ]  45% 27000/60000  loss 0.312  0:12<0:14");
}

TEST(RenderProgress, StartAndEnd) {
  EXPECT_EQ(byo::render_progress({"train", 0, 8, 0.0, ""}, 8),
            "train [        ]   0% 0/8  0:00<?:??");
  EXPECT_EQ(byo::render_progress({"train", 8, 8, 65.0, "acc 99%"}, 8),
            "train [========] 100% 8/8  acc 99%  1:05<0:00");
  // Nothing to do counts as done rather than dividing by zero.
  EXPECT_EQ(byo::render_progress({"empty", 0, 0, 0.0, ""}, 4), "empty [====] 100% 0/0  0:00<?:??");
}

TEST(RenderProgress, SummaryLine) {
  EXPECT_EQ(byo::render_progress_summary({"epoch 2/5", 60000, 60000, 27.4, "loss 0.1  acc 97%"}),
            "epoch 2/5 60000/60000  loss 0.1  acc 97%  0:27");
}

TEST(ProgressBar, InALogOnlyFinishPrintsOneLine) {
  std::ostringstream out;
  {
    byo::ProgressBar bar("epoch 1/2", 4, {&out, /*interactive=*/false});
    for (int i = 1; i <= 4; ++i) bar.update(i, "loss 0.5");
    EXPECT_EQ(out.str(), "");
    EXPECT_FALSE(bar.interactive());
    bar.finish("loss 0.4  acc 90%");
  }
  EXPECT_EQ(out.str(), "epoch 1/2 4/4  loss 0.4  acc 90%  0:00\n");
}

TEST(ProgressBar, OnATerminalRedrawsInPlaceAndBlanksLeftovers) {
  std::ostringstream out;
  byo::ProgressBar bar("e", 2, {&out, /*interactive=*/true, /*min_redraw_seconds=*/0.0, 4});
  bar.update(1, "long extra text");
  bar.update(2, "short");
  bar.finish();
  const std::string first = "e [==> ]  50% 1/2  long extra text  0:00<0:00";
  const std::string second = "e [====] 100% 2/2  short  0:00<0:00";
  const std::string blank(first.size() - second.size(), ' ');
  EXPECT_EQ(out.str(), "\r" + first + "\r" + second + blank + "\r" + second + "\n");
}

TEST(ProgressBar, RedrawsAreThrottledButTheLastStepShows) {
  std::ostringstream out;
  byo::ProgressBar bar("e", 4, {&out, true, /*min_redraw_seconds=*/1000.0, 4});
  bar.update(1);
  bar.update(2);  // too soon: not drawn
  bar.update(4);  // the last step always is
  EXPECT_EQ(out.str(), "\re [=>  ]  25% 1/4  0:00<0:00\re [====] 100% 4/4  0:00<0:00");
}

TEST(ProgressBar, AbandonedBarEndsItsLine) {
  std::ostringstream out;
  {
    byo::ProgressBar bar("e", 2, {&out, true, 0.0, 2});
    bar.update(1);
  }
  EXPECT_EQ(out.str(), "\re [=>]  50% 1/2  0:00<0:00\n");
}

}  // namespace
