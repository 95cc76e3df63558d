/// @file
/// @brief `byo::Table`: a text table with aligned columns, for profilers, graders and benchmarks.
///
///     byo::Table table({"op", "calls", "forward ms"});
///     table.add_row({"conv2d", "10", byo::format_fixed(1.2345, 3)});
///     std::cout << table.str();
///
/// prints (numbers right-aligned, text left-aligned, found from the cells themselves):
///
///     op      calls  forward ms
///     ------  -----  ----------
///     conv2d     10       1.235
///
/// `str(TableStyle::markdown)` gives the same table as GitHub Markdown, for READMEs.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace byo {

/// @brief How a column's cells line up.
enum class Align {
  automatic,  ///< Right if every cell looks like a number ("12", "-3.5", "7.1 ms"), else left.
  left,       ///< Text: padded on the right.
  right,      ///< Numbers: padded on the left, so the digits line up.
};

/// @brief How `Table::str` draws the table.
enum class TableStyle {
  plain,     ///< Columns two spaces apart, a dashed line under the headers.
  markdown,  ///< A GitHub Markdown table with alignment markers.
};

/// @brief `value` with `decimals` digits after the point ("%.*f"), for table cells.
std::string format_fixed(double value, int decimals);

/// @brief The number of characters `text` shows as (UTF-8 code points, not bytes).
int64_t display_width(const std::string& text);

/// @brief A table of text cells: columns with headers, then rows, printed aligned.
class Table {
 public:
  /// @brief A table without columns; add them with `add_column`.
  Table() = default;
  /// @brief A table with these column headers, each aligned automatically.
  explicit Table(const std::vector<std::string>& headers);

  /// @brief Adds a column; only allowed before the first row.
  Table& add_column(std::string header, Align align = Align::automatic);
  /// @brief Adds a row; it must have one cell per column.
  Table& add_row(std::vector<std::string> cells);
  /// @brief Adds a dashed line across the table (e.g. above a total); plain style only.
  Table& add_separator();

  int64_t columns() const { return static_cast<int64_t>(headers_.size()); }
  /// @brief The number of rows added (separators not counted).
  int64_t rows() const;

  /// @brief The table as text, one line per row, each ending in '\n'.
  std::string str(TableStyle style = TableStyle::plain) const;
  void print(std::ostream& out, TableStyle style = TableStyle::plain) const;

 private:
  bool right_aligned(size_t column) const;

  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;  // An empty row is a separator.
};

}  // namespace byo
