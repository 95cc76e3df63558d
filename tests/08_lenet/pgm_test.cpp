// The PGM reader and the terminal drawing of `lenet predict`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "byo/check.h"
#include "byo/lenet/pgm.h"
#include "byo/lenet/terminal.h"

namespace byo::lenet {
namespace {

TEST(LenetPgm, ReadsTextPgmWithComments) {
  const Grayscale g = parse_pgm("P2\n# a comment\n3 2\n15\n0 15 5\n10 0 15\n", "t.pgm");
  EXPECT_EQ(g.width, 3);
  EXPECT_EQ(g.height, 2);
  // Scaled from 0..15 to 0..255, rounded: 5·255/15 = 85, 10·255/15 = 170.
  EXPECT_EQ(g.pixels, (std::vector<uint8_t>{0, 255, 85, 170, 0, 255}));
}

TEST(LenetPgm, ReadsBinaryPgm) {
  std::string bytes = "P5 2 2 255\n";
  bytes += std::string("\x00\x7f\x80\xff", 4);
  const Grayscale g = parse_pgm(bytes, "b.pgm");
  EXPECT_EQ(g.pixels, (std::vector<uint8_t>{0, 127, 128, 255}));
}

TEST(LenetPgm, RefusesWhatIsNotAPgm) {
  EXPECT_THROW(parse_pgm("P6 1 1 255\nabc", "color.ppm"), Error);
  EXPECT_THROW(parse_pgm("P5 4 4 255\n\x01\x02", "short.pgm"), Error);
  EXPECT_THROW(parse_pgm("P2 1 1 10\n11\n", "over.pgm"), Error);
  EXPECT_THROW(parse_pgm("P2 0 1 10\n", "empty.pgm"), Error);
  try {
    parse_pgm("hello", "notes.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt is not a PGM"), std::string::npos);
  }
}

// The read stops where a PGM must have ended: /dev/zero after its first two bytes, and a
// file longer than any image this reader takes (here a header followed by 129 MiB of
// comment-free blanks) at kMaxPgmBytes, before it is all in memory.
TEST(LenetPgm, ReadStopsAtWhatAPgmCanHold) {
  EXPECT_THROW(
      {
        try {
          read_pgm("/dev/zero");
        } catch (const Error& e) {
          EXPECT_NE(e.message().find("not a PGM"), std::string::npos) << e.message();
          throw;
        }
      },
      Error);
  const auto path =
      std::filesystem::temp_directory_path() / ("byo_pgm_" + std::to_string(::getpid()) + ".pgm");
  {
    std::ofstream out(path, std::ios::binary);
    out << "P2 28 28 255\n";
    const std::string blanks(1 << 20, ' ');
    for (int i = 0; i < 129; ++i) out << blanks;
  }
  try {
    read_pgm(path.string());
    ADD_FAILURE() << "read a 129 MiB PGM";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("more than any image this reader accepts"), std::string::npos)
        << e.message();
  }
  std::filesystem::remove(path);
}

TEST(LenetTerminal, DrawsTwoCharactersPerPixel) {
  const std::vector<uint8_t> pixels{0, 255, 128, 30};
  const auto rows = draw_image(pixels, 2, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "  @@");  // black is blank, white is the densest character
  EXPECT_EQ(rows[1], "++..");  // 128·10/256 = 5 → '+', 30·10/256 = 1 → '.'
}

TEST(LenetTerminal, BarsFillInEighths) {
  EXPECT_EQ(bar(0.0, 4), "    ");
  EXPECT_EQ(bar(1.0, 4), "████");
  EXPECT_EQ(bar(0.5, 4), "██  ");
  EXPECT_EQ(bar(1.0 / 32, 4), "▏   ");  // one eighth of one cell
}

TEST(LenetTerminal, PanelMarksThePrediction) {
  const std::vector<uint8_t> pixels(4, 0);
  const std::vector<float> p{0.1f, 0.7f, 0.2f};
  const std::vector<std::string> names{"a", "b", "c"};
  const std::string panel = prediction_panel(pixels, 2, 2, p, names);
  // 0.7 of 20 cells is 14 full cells, then 6 blank ones, then the percentage.
  std::string expected = "b ";
  for (int i = 0; i < 14; ++i) expected += "█";
  expected += std::string(6, ' ') + "  70.00%  <- prediction";
  EXPECT_NE(panel.find(expected), std::string::npos) << panel;
  EXPECT_EQ(panel.find("a") < panel.find("b"), true);
}

}  // namespace
}  // namespace byo::lenet
