/// @file
/// @brief Printing in PyTorch's format (the rules of torch/_tensor_str.py, PyTorch 1.13).
///
/// One format is chosen for the whole array from its nonzero finite values:
/// - all integers: "3." (or scientific if max/min > 1000 or max > 1e8);
/// - otherwise fixed with 4 decimals, "0.1235" (or scientific "1.2346e-05" if max/min > 1000,
///   max > 1e8 or min < 1e-4).
/// Every element is right-aligned to the widest one. Above 1000 elements only the first and
/// last 3 entries of each dimension are shown, with "..." between; lines wrap at 80 columns.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "byo/ndarray.h"

namespace byo {

namespace {

constexpr int kPrecision = 4;         // digits after the point
constexpr int64_t kThreshold = 1000;  // more elements than this are summarised
constexpr int64_t kEdgeItems = 3;     // entries kept at each end when summarising
constexpr int64_t kLineWidth = 80;

// printf, but with Python's spelling of the non-finite values ("nan", never "-nan").
std::string format_number(double v, const char* spec, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, spec, precision, v);
  return buffer;
}

std::string pad_left(const std::string& s, int64_t width) {
  const int64_t missing = width - static_cast<int64_t>(s.size());
  if (missing <= 0) return s;
  std::string padded(missing, ' ');
  return padded.append(s);
}

// The format of one array: chosen once from its (shown) values, then applied to each.
class Formatter {
 public:
  explicit Formatter(const std::vector<float>& values) {
    std::vector<double> shown;  // |v| of the nonzero finite values, the ones that decide
    for (float v : values) {
      if (std::isfinite(v) && v != 0.0f) shown.push_back(v);
    }
    if (shown.empty()) return;  // zeros, infs and NaNs alone: "0.", "inf", "nan"
    double lo = std::fabs(shown[0]);
    double hi = lo;
    for (double v : shown) {
      lo = std::min(lo, std::fabs(v));
      hi = std::max(hi, std::fabs(v));
      if (v != std::ceil(v)) int_mode_ = false;
    }
    if (int_mode_) {
      sci_mode_ = hi / lo > 1000.0 || hi > 1e8;
    } else {
      sci_mode_ = hi / lo > 1000.0 || hi > 1e8 || lo < 1e-4;
    }
    for (double v : shown) width_ = std::max(width_, static_cast<int64_t>(raw(v).size()));
  }

  int64_t width() const { return width_; }

  std::string format(double v) const { return pad_left(raw(v), width_); }

 private:
  std::string raw(double v) const {
    if (sci_mode_) return format_number(v, "%.*e", kPrecision);
    if (int_mode_) {
      // The trailing point marks a float, as in "tensor([1., 2.])".
      std::string s = format_number(v, "%.*f", 0);
      if (std::isfinite(v)) s.push_back('.');
      return s;
    }
    return format_number(v, "%.*f", kPrecision);
  }

  bool int_mode_ = true;
  bool sci_mode_ = false;
  int64_t width_ = 1;
};

// Indices shown along a dimension of `size`: all, or the first and last kEdgeItems.
// -1 marks the "..." between them.
std::vector<int64_t> shown_indices(int64_t size, bool summarize) {
  std::vector<int64_t> indices;
  if (summarize && size > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) indices.push_back(i);
    indices.push_back(-1);
    for (int64_t i = size - kEdgeItems; i < size; ++i) indices.push_back(i);
  } else {
    for (int64_t i = 0; i < size; ++i) indices.push_back(i);
  }
  return indices;
}

// The values that will be printed (the formatter must not look at the hidden ones).
void collect_shown(const NDArray& a, bool summarize, std::vector<float>& out) {
  if (a.dim() == 0) {
    out.push_back(a.item());
    return;
  }
  for (int64_t i : shown_indices(a.size(0), summarize)) {
    if (i >= 0) collect_shown(a.select(0, i), summarize, out);
  }
}

std::string vector_str(const NDArray& a, int64_t indent, bool summarize, const Formatter& f) {
  const int64_t element_length = f.width() + 2;  // ", " between elements
  const int64_t per_line = std::max<int64_t>(1, (kLineWidth - indent) / element_length);
  std::vector<std::string> items;
  for (int64_t i : shown_indices(a.size(0), summarize)) {
    items.push_back(i < 0 ? " ..." : f.format(a.at({i})));
  }
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && i % per_line == 0) {
      s.append(",\n").append(indent + 1, ' ');
    } else if (i > 0) {
      s.append(", ");
    }
    s.append(items[i]);
  }
  return s.append("]");
}

// `indent` is the column of this level's "["; nested levels are indented one more.
std::string array_str(const NDArray& a, int64_t indent, bool summarize, const Formatter& f) {
  if (a.dim() == 0) return f.format(a.item());
  if (a.dim() == 1) return vector_str(a, indent, summarize, f);
  // Between sub-arrays: a comma, one blank line per dimension beyond the second, indent.
  std::string separator = ",";
  separator.append(a.dim() - 1, '\n').append(indent + 1, ' ');
  std::string s = "[";
  bool first = true;
  for (int64_t i : shown_indices(a.size(0), summarize)) {
    if (!first) s.append(separator);
    first = false;
    s.append(i < 0 ? "..." : array_str(a.select(0, i), indent + 1, summarize, f));
  }
  return s.append("]");
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const NDArray& a) {
  if (!a.defined()) return os << "tensor(undefined)";
  if (a.numel() == 0) {
    // As torch (and NumPy): the shape is spelled out unless it is the plain (0,).
    os << "tensor([]";
    if (a.dim() != 1) {
      os << ", size=(";
      for (int64_t d = 0; d < a.dim(); ++d) os << (d ? ", " : "") << a.size(d);
      os << ")";
    }
    return os << ")";
  }
  const bool summarize = a.numel() > kThreshold;
  std::vector<float> shown;
  collect_shown(a, summarize, shown);
  const Formatter formatter(shown);
  return os << "tensor(" << array_str(a, 7, summarize, formatter) << ")";
}

std::string to_string(const NDArray& a) {
  std::ostringstream os;
  os << a;
  return os.str();
}

}  // namespace byo
