#include "byo/table.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>

#include "byo/check.h"

namespace byo {

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(decimals, 0, 17), value);
  if (n >= 0 && n < static_cast<int>(sizeof buffer)) return buffer;
  // Only huge values (|value| > 1e46 or so) get here; give them their full length.
  std::string big(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), "%.*f", std::clamp(decimals, 0, 17), value);
  big.pop_back();
  return big;
}

int64_t display_width(const std::string& text) {
  // Every UTF-8 code point has exactly one byte that is not a continuation byte (10xxxxxx).
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

namespace {

// "12", "-3.5", ".5", "+1e-3", "7.1 ms", "98.2%": a number, possibly with a unit after it.
bool looks_numeric(const std::string& cell) {
  size_t i = 0;
  if (i < cell.size() && (cell[i] == '-' || cell[i] == '+')) ++i;
  if (i < cell.size() && cell[i] == '.') ++i;
  return i < cell.size() && std::isdigit(static_cast<unsigned char>(cell[i]));
}

// Cells that say "no value" do not decide a column's alignment.
bool is_placeholder(const std::string& cell) { return cell.empty() || cell == "-"; }

std::string pad(const std::string& text, int64_t width, bool right) {
  const auto fill = static_cast<size_t>(std::max<int64_t>(width - display_width(text), 0));
  return right ? std::string(fill, ' ') + text : text + std::string(fill, ' ');
}

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

}  // namespace

Table::Table(const std::vector<std::string>& headers) {
  for (const std::string& header : headers) add_column(header);
}

Table& Table::add_column(std::string header, Align align) {
  BYO_CHECK(rows_.empty()) << "Table::add_column: column \"" << header
                           << "\" added after rows; add every column first";
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
  return *this;
}

Table& Table::add_row(std::vector<std::string> cells) {
  BYO_CHECK(cells.size() == headers_.size() && !cells.empty())
      << "Table::add_row: the row has " << cells.size() << " cells but the table has "
      << headers_.size() << " columns";
  rows_.push_back(std::move(cells));
  return *this;
}

Table& Table::add_separator() {
  rows_.emplace_back();
  return *this;
}

int64_t Table::rows() const {
  return std::count_if(rows_.begin(), rows_.end(), [](const auto& row) { return !row.empty(); });
}

bool Table::right_aligned(size_t column) const {
  if (aligns_[column] != Align::automatic) return aligns_[column] == Align::right;
  bool any_number = false;
  for (const auto& row : rows_) {
    if (row.empty() || is_placeholder(row[column])) continue;
    if (!looks_numeric(row[column])) return false;
    any_number = true;
  }
  return any_number;
}

std::string Table::str(TableStyle style) const {
  const bool markdown = style == TableStyle::markdown;
  // In Markdown a '|' inside a cell would end the cell.
  auto text = [markdown](const std::string& cell) {
    if (!markdown || cell.find('|') == std::string::npos) return cell;
    std::string escaped;
    for (const char ch : cell) {
      if (ch == '|') escaped += '\\';
      escaped += ch;
    }
    return escaped;
  };
  const size_t n = headers_.size();
  std::vector<int64_t> widths(n);
  std::vector<bool> right(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = display_width(text(headers_[c]));
    for (const auto& row : rows_) {
      if (!row.empty()) widths[c] = std::max(widths[c], display_width(text(row[c])));
    }
    right[c] = right_aligned(c);
  }

  std::string out;
  const char* gap = markdown ? " | " : "  ";
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line = markdown ? "| " : "";
    for (size_t c = 0; c < n; ++c) {
      if (c > 0) line += gap;
      line += pad(text(cells[c]), widths[c], right[c]);
    }
    if (markdown) line += " |";
    trim_right(line);
    out += line + '\n';
  };
  auto rule = [&] {
    std::string line = markdown ? "|" : "";
    for (size_t c = 0; c < n; ++c) {
      if (markdown) {
        // Markdown's marker: the colon is on the side the column is aligned to.
        const auto dashes = static_cast<size_t>(widths[c] + 1);
        line += right[c] ? "" : ":";
        line.append(dashes, '-');
        line += right[c] ? ":|" : "|";
      } else {
        if (c > 0) line += gap;
        line += std::string(static_cast<size_t>(widths[c]), '-');
      }
    }
    out += line + '\n';
  };

  emit(headers_);
  rule();
  for (const auto& row : rows_) {
    if (!row.empty()) {
      emit(row);
    } else if (!markdown) {
      rule();
    }
  }
  return out;
}

void Table::print(std::ostream& out, TableStyle style) const { out << str(style); }

}  // namespace byo
