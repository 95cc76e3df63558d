// The reader of the tests' reference files (tests/support): what it reads, and that a
// malformed file stops the test with the file and line, instead of comparing against
// half-read values.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/expect.h"
#include "support/reference.h"

namespace byo::test {
namespace {

using ::testing::HasSubstr;

// Writes `text` to a fresh file and returns its path.
std::string write_file(const std::string& name, const std::string& text) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("byo_reference_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(ReferenceReader, ReadsCasesSettingsArraysAndTexts) {
  const std::string path = write_file("good.txt",
                                      "# made by hand\n"
                                      "\n"
                                      "case first lr=0.5 op=conv2d\n"
                                      "input x 2 2 3 : 1 2 3 4 5 6\n"
                                      "after w 1 2 : 0.25 nan\n"
                                      "after w 1 2 : -inf 1e-3\n"
                                      "output loss 0 : 7\n"
                                      "text expected 2\n"
                                      "tensor([1.,\n"
                                      "        2.])\n"
                                      "end\n"
                                      "case second\n"
                                      "end\n");
  const std::vector<ReferenceCase> cases = read_reference(path);
  std::filesystem::remove(path);
  ASSERT_EQ(cases.size(), 2u);
  const ReferenceCase& c = find_case(cases, "first");
  EXPECT_EQ(c.setting("op"), "conv2d");
  EXPECT_DOUBLE_EQ(c.number("lr"), 0.5);
  const ReferenceArray& x = c.array("input", "x");
  EXPECT_EQ(x.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(x.numel(), 6);
  EXPECT_EQ(x.floats(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  const auto after = c.arrays_with("after", "w");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_TRUE(std::isnan(after[0]->values[1]));
  EXPECT_EQ(after[1]->values[0], -INFINITY);
  EXPECT_EQ(c.array("output", "loss").shape.size(), 0u);
  EXPECT_EQ(c.text("expected"), "tensor([1.,\n        2.])");
  EXPECT_EQ(c.find("grad", "x"), nullptr);
  EXPECT_THAT(error_message([&] { c.array("grad", "x"); }), HasSubstr("first has no grad x"));
  EXPECT_THAT(error_message([&] { c.setting("momentum"); }), HasSubstr("no setting momentum"));
  EXPECT_THAT(error_message([&] { find_case(cases, "third"); }), HasSubstr("third"));
  EXPECT_TRUE(find_case(cases, "second").arrays.empty());
}

TEST(ReferenceReader, MalformedFilesNameTheFileAndLine) {
  const struct {
    const char* text;
    const char* error;
  } kBad[] = {
      {"input x 1 2 : 1 2\n", ":1: \"input\" outside a case"},
      {"case a\ninput x 1 2 1 2\nend\n", ":2: expected \":\" after the shape"},
      {"case a\ninput x 2 2 : 1 2\nend\n", ":2: input x needs 2 sizes"},
      {"case a\ninput x 1 2 : 1 two\nend\n", ":2: \"two\" is not a number"},
      {"case a\ntext t 3\nonly one line\n", "the file ends inside text t"},
      {"case a\ncase b\n", ":2: a case starts before the last one ended"},
      {"case a lr\nend\n", ":1: \"lr\" is not KEY=VALUE"},
      {"case a\ninput x 1 2 : 1 2\n", "the last case has no \"end\""},
  };
  int i = 0;
  for (const auto& bad : kBad) {
    const std::string path = write_file("bad" + std::to_string(i++) + ".txt", bad.text);
    const std::string message = error_message([&] { read_reference(path); });
    std::filesystem::remove(path);
    EXPECT_THAT(message, HasSubstr(bad.error)) << bad.text;
    EXPECT_THAT(message, HasSubstr(path)) << bad.text;
  }
  EXPECT_THAT(error_message([] { read_reference("no/such/reference.txt"); }),
              HasSubstr("cannot open no/such/reference.txt"));
}

TEST(ExpectClose, PassesWithinEitherToleranceAndNamesTheElementsOutside) {
  expect_close(std::vector<float>{1.0f, 100.0f}, std::vector<double>{1.05, 101.0},
               Tolerance{.atol = 0.1, .rtol = 0.01});
  // Outside both: |error| 0.2 > atol 0.1 and > rtol·|e| = 0.01.
  EXPECT_NONFATAL_FAILURE(expect_close(std::vector<double>{1.2}, std::vector<double>{1.0},
                                       Tolerance{.atol = 0.1, .rtol = 0.01}, "w"),
                          "w: element 0 is 1.2, expected 1");
  EXPECT_NONFATAL_FAILURE(expect_close(std::vector<double>{NAN}, std::vector<double>{1.0}, 1e9),
                          "element 0");
  EXPECT_FATAL_FAILURE(expect_close(std::vector<double>{1.0}, std::vector<double>{}, 1.0),
                       "lengths differ");
}

TEST(ExpectError, NeedsTheErrorAndEveryPart) {
  const auto fails = [] { BYO_CHECK(false) << "shape [2, 3] vs [4]"; };
  expect_error(fails, {"[2, 3]", "[4]"});
  EXPECT_NONFATAL_FAILURE(expect_error(fails, "[5]"), "\"[5]\" not in");
  EXPECT_NONFATAL_FAILURE(expect_error([] {}, "x"), "expected a byo::Error");
  EXPECT_NONFATAL_FAILURE(error_message([] {}), "expected a byo::Error");
}

}  // namespace
}  // namespace byo::test
