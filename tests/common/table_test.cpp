// The text table: alignment, styles, widths and misuse.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "byo/check.h"
#include "byo/table.h"

namespace {

byo::Table profile_table() {
  byo::Table table({"op", "calls", "forward ms"});
  table.add_row({"conv2d", "10", byo::format_fixed(1.2345, 3)});
  table.add_row({"linear", "1200", byo::format_fixed(0.5, 3)});
  return table;
}

TEST(Table, PlainAlignsNumbersRightAndTextLeft) {
  EXPECT_EQ(profile_table().str(),
            "op      calls  forward ms\n"
            "------  -----  ----------\n"
            "conv2d     10       1.234\n"  // 1.2345 is stored as 1.23449999...
            "linear   1200       0.500\n");
}

TEST(Table, MarkdownHasAlignmentMarkers) {
  EXPECT_EQ(profile_table().str(byo::TableStyle::markdown),
            "| op     | calls | forward ms |\n"
            "|:-------|------:|-----------:|\n"
            "| conv2d |    10 |      1.234 |\n"
            "| linear |  1200 |      0.500 |\n");
}

TEST(Table, ExplicitAlignmentPlaceholdersUnitsAndSeparators) {
  byo::Table table;
  table.add_column("name", byo::Align::right)
      .add_column("time")
      .add_column("note", byo::Align::left);
  table.add_row({"a", "12.5 ms", "7"});
  table.add_row({"bb", "-", "x"});
  table.add_separator();
  table.add_row({"total", "-3 ms", "99"});
  EXPECT_EQ(table.rows(), 3);
  EXPECT_EQ(table.columns(), 3);
  EXPECT_EQ(table.str(),
            " name     time  note\n"
            "-----  -------  ----\n"
            "    a  12.5 ms  7\n"
            "   bb        -  x\n"
            "-----  -------  ----\n"
            "total    -3 ms  99\n");
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(), table.str());
}

TEST(Table, MarkdownEscapesPipes) {
  byo::Table table({"a|b", "n"});
  table.add_row({"x", "1"});
  EXPECT_EQ(table.str(byo::TableStyle::markdown),
            "| a\\|b | n |\n"
            "|:-----|--:|\n"
            "| x    | 1 |\n");
  EXPECT_EQ(table.str(), "a|b  n\n---  -\nx    1\n");
}

TEST(Table, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(byo::display_width("µs"), 2);
  byo::Table table({"µs", "x"});
  table.add_row({"1", "ab"});
  EXPECT_EQ(table.str(), "µs  x\n--  --\n 1  ab\n");
}

TEST(Table, MisuseIsAnError) {
  byo::Table table({"a", "b"});
  try {
    table.add_row({"1"});
    ADD_FAILURE() << "a short row was accepted";
  } catch (const byo::Error& e) {
    EXPECT_EQ(e.message(), "Table::add_row: the row has 1 cells but the table has 2 columns");
  }
  table.add_row({"1", "2"});
  EXPECT_THROW(table.add_column("c"), byo::Error);
}

TEST(FormatFixed, DecimalsAndHugeValues) {
  EXPECT_EQ(byo::format_fixed(3.14159, 2), "3.14");
  EXPECT_EQ(byo::format_fixed(-2.76, 1), "-2.8");
  EXPECT_EQ(byo::format_fixed(42, 0), "42");
  const std::string huge = byo::format_fixed(1e100, 2);
  EXPECT_EQ(huge.size(), 101u + 3u);
  EXPECT_EQ(huge.substr(0, 1), "1");
  EXPECT_EQ(huge.substr(huge.size() - 3), ".00");
}

}  // namespace
