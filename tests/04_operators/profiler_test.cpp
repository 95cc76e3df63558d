// The op profiler: off by default, counts forward and backward calls per op, sorts by average.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

#include "byo/ops.h"
#include "byo/profiler.h"
#include "test_util.h"

namespace byo {
namespace {

// Every test starts and ends with the profiler off and empty.
class Profiler : public ::testing::Test {
 protected:
  void SetUp() override {
    profiler::enable(false);
    profiler::reset();
  }
  void TearDown() override {
    profiler::enable(false);
    profiler::reset();
  }
};

const profiler::Entry* find(const std::vector<profiler::Entry>& rows, const std::string& label) {
  for (const auto& row : rows) {
    if (row.label() == label) return &row;
  }
  return nullptr;
}

TEST_F(Profiler, OffRecordsNothing) {
  EXPECT_FALSE(profiler::enabled());
  Tensor x = ones({2, 2}, true);
  (x * x).sum().backward();
  EXPECT_TRUE(profiler::entries().empty());
}

TEST_F(Profiler, CountsForwardAndBackwardPerOp) {
  profiler::enable();
  Tensor x = ones({3, 2}, true);
  Tensor w = ones({4, 2}, true);
  for (int step = 0; step < 3; ++step) {
    Tensor loss = linear(x, w).relu().sum();
    loss.backward();
  }
  const auto rows = profiler::entries();
  for (const char* label : {"Linear-forward", "Linear-backward", "Relu-forward", "Relu-backward",
                            "Sum-forward", "Sum-backward"}) {
    const profiler::Entry* row = find(rows, label);
    ASSERT_NE(row, nullptr) << label;
    EXPECT_EQ(row->count, 3) << label;
    EXPECT_GE(row->total_seconds, 0.0);
  }
  EXPECT_EQ(rows.size(), 6u);
}

TEST_F(Profiler, ScopesTimeAndReportSortsByAverage) {
  profiler::enable();
  {
    profiler::Scope slow("Slow", profiler::Phase::forward);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int i = 0; i < 3; ++i) {
    profiler::Scope fast("Fast", profiler::Phase::backward);
  }
  const auto rows = profiler::entries();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].label(), "Slow-forward");
  EXPECT_GE(rows[0].average_seconds(), 0.015);
  EXPECT_EQ(rows[1].label(), "Fast-backward");
  EXPECT_EQ(rows[1].count, 3);

  std::ostringstream os;
  profiler::report(os);
  const std::string table = os.str();
  EXPECT_NE(table.find("average (s)"), std::string::npos) << table;
  EXPECT_LT(table.find("Slow-forward"), table.find("Fast-backward")) << table;
}

TEST_F(Profiler, ResetForgetsAndDisableStops) {
  profiler::enable();
  { profiler::Scope s("A", profiler::Phase::forward); }
  profiler::enable(false);
  { profiler::Scope s("B", profiler::Phase::forward); }
  ASSERT_EQ(profiler::entries().size(), 1u);
  profiler::reset();
  EXPECT_TRUE(profiler::entries().empty());
  std::ostringstream os;
  profiler::report(os);
  EXPECT_NE(os.str().find("no timings"), std::string::npos);
}

// Replicas of a model run ops on several threads at once: every call is counted.
TEST_F(Profiler, ThreadsTimingAtOnceLoseNoCall) {
  profiler::enable();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 5000; ++i) {
        profiler::Scope s(i % 2 == 0 ? "Even" : "Odd", profiler::Phase::forward);
        if (t == 0 && i % 1000 == 0) profiler::entries();  // a reader among the writers
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const auto rows = profiler::entries();
  ASSERT_NE(find(rows, "Even-forward"), nullptr);
  ASSERT_NE(find(rows, "Odd-forward"), nullptr);
  EXPECT_EQ(find(rows, "Even-forward")->count, 10000);
  EXPECT_EQ(find(rows, "Odd-forward")->count, 10000);
}

}  // namespace
}  // namespace byo
