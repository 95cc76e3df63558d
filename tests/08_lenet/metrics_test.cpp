// The metrics log: JSON Lines written and read back, and malformed lines named.
#include <gtest/gtest.h>

#include <filesystem>

#include "byo/check.h"
#include "byo/lenet/metrics.h"

namespace byo::lenet {
namespace {

TEST(LenetMetrics, OneJsonObjectPerEpoch) {
  EpochMetrics m;
  m.epoch = 2;
  m.variant = "modern";
  m.train_loss = 0.25;
  m.train_accuracy = 0.9;
  m.test_accuracy = 0.985;
  m.epoch_seconds = 3.5;
  m.images_per_second = 17142.5;
  m.lr = 0.001;
  EXPECT_EQ(to_json(m),
            "{\"epoch\":2,\"variant\":\"modern\",\"train_loss\":0.25,\"train_accuracy\":0.9,"
            "\"test_accuracy\":0.985,\"epoch_seconds\":3.5,\"images_per_second\":17142.5,"
            "\"lr\":0.001}");
  const EpochMetrics back = parse_metrics_line(to_json(m), "line");
  EXPECT_EQ(back.epoch, 2);
  EXPECT_EQ(back.variant, "modern");
  EXPECT_DOUBLE_EQ(back.test_accuracy, 0.985);
  EXPECT_DOUBLE_EQ(back.images_per_second, 17142.5);
}

TEST(LenetMetrics, AppendsAndReadsBack) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("byo_ch08_metrics_" + std::to_string(::getpid()) + ".jsonl"))
                        .string();
  std::filesystem::remove(path);
  for (int64_t e = 1; e <= 3; ++e) {
    EpochMetrics m;
    m.epoch = e;
    m.train_loss = 1.0 / static_cast<double>(e);
    append_metrics(path, m);
  }
  const auto rows = read_metrics(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].epoch, 3);
  EXPECT_NEAR(rows[1].train_loss, 0.5, 1e-12);
  std::filesystem::remove(path);
}

TEST(LenetMetrics, MalformedLineIsNamed) {
  try {
    parse_metrics_line("{\"epoch\":1,\"train_loss\":oops}", "m.jsonl:4");
    FAIL() << "expected byo::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:4"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_metrics_line("not json", "x"), Error);
  EXPECT_THROW(parse_metrics_line("{\"epoch\":1}", "x"), Error);  // no train_loss
}

}  // namespace
}  // namespace byo::lenet
