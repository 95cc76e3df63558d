/// @file
/// @brief The roofs of a roofline measured on this machine, the profile's table, and its
///        picture.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <ostream>
#include <sstream>
#include <vector>

#include "byo/kernel_profile.h"
#include "byo/table.h"
#include "byo/timer.h"
#include "threads.h"

namespace byo {
namespace {

// Best of a few runs: a roof is what the machine can do, not what it did once while a
// neighbour was busy.
template <class Body>
double best_seconds(int runs, Body&& body) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    Timer timer;
    body();
    best = std::min(best, timer.seconds());
  }
  return best;
}

// What limits a row: the lower of the two roofs at its intensity.
double attainable(const Roofs& roofs, double intensity) {
  return std::min(roofs.gflops, intensity * roofs.gbytes_per_second);
}

// "conv grad input 6×14×14", "max pool fwd 16×10×10": short enough to sit beside a dot.
std::string label(const KernelRow& row) {
  const std::string input = row.shape.substr(0, row.shape.find(' '));
  std::string pass;
  if (row.kernel.find("grad") == std::string::npos && row.pass != "other") {
    pass = row.pass == "forward" ? " fwd" : " bwd";
  }
  return row.kernel + pass + " " + input;
}

std::string fmt(double v, int decimals) { return format_fixed(v, decimals); }

}  // namespace

Roofs measure_roofs() {
  Roofs roofs;
  roofs.threads = detail::thread_count();
  // Arithmetic: the installed GEMM on a product large enough to run at its best.
  constexpr int64_t n = 768;
  std::vector<float> a(n * n, 1.0f), b(n * n, 0.5f), c(n * n);
  const ConstMatrixView av{a.data(), n, n, n, 1}, bv{b.data(), n, n, n, 1};
  const MatrixView cv{c.data(), n, n, n, 1};
  const double gemm_s = best_seconds(5, [&] { kernels().gemm(av, bv, cv, false); });
  roofs.gflops = 2.0 * n * n * n / gemm_s / 1e9;
  // Bandwidth: copying 64 MiB, far more than the caches, in one slice per thread.
  constexpr int64_t floats = int64_t{16} << 20;
  std::vector<float> src(floats, 1.0f), dst(floats, 0.0f);
  const int threads = roofs.threads;
  const double copy_s = best_seconds(5, [&] {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (int t = 0; t < threads; ++t) {
      const int64_t begin = floats * t / threads, end = floats * (t + 1) / threads;
      std::memcpy(dst.data() + begin, src.data() + begin, sizeof(float) * (end - begin));
    }
  });
  roofs.gbytes_per_second = 2.0 * sizeof(float) * floats / copy_s / 1e9;
  return roofs;
}

void print_profile(std::ostream& os, const std::vector<KernelRow>& rows, const Roofs& roofs,
                   double total_seconds) {
  Table table({"pass", "kernel", "shape (one image)", "calls", "seconds", "share", "GFLOP/s",
               "GB/s", "FLOP/B", "of roof"});
  double kernel_seconds = 0;
  KernelRow rest;
  int64_t rest_rows = 0;
  for (const KernelRow& row : rows) {
    kernel_seconds += row.seconds;
    // Rows under half a percent are summed into one, so that the table shows the layers.
    if (row.seconds < 0.005 * total_seconds) {
      rest.calls += row.calls;
      rest.seconds += row.seconds;
      ++rest_rows;
      continue;
    }
    const double roof = attainable(roofs, row.intensity());
    table.add_row({row.pass, row.kernel, row.shape, std::to_string(row.calls), fmt(row.seconds, 3),
                   fmt(100 * row.seconds / total_seconds, 1) + "%", fmt(row.gflops(), 1),
                   fmt(row.gbytes_per_second(), 1), fmt(row.intensity(), 2),
                   roof > 0 ? fmt(100 * row.gflops() / roof, 0) + "%" : "-"});
  }
  if (rest_rows > 0) {
    table.add_row({"", std::to_string(rest_rows) + " smaller rows", "", std::to_string(rest.calls),
                   fmt(rest.seconds, 3), fmt(100 * rest.seconds / total_seconds, 1) + "%", "", "",
                   "", ""});
  }
  table.add_row({"", "all kernels", "", "", fmt(kernel_seconds, 3),
                 fmt(100 * kernel_seconds / total_seconds, 1) + "%", "", "", "", ""});
  table.add_row({"", "outside the kernels", "", "", fmt(total_seconds - kernel_seconds, 3),
                 fmt(100 * (total_seconds - kernel_seconds) / total_seconds, 1) + "%", "", "", "",
                 ""});
  table.print(os);
  os << "roofs (" << roofs.threads << " thread" << (roofs.threads == 1 ? "" : "s")
     << "): " << fmt(roofs.gflops, 1) << " GFLOP/s (GEMM 768³), " << fmt(roofs.gbytes_per_second, 1)
     << " GB/s (64 MiB copy); ridge at " << fmt(roofs.gflops / roofs.gbytes_per_second, 1)
     << " FLOP/B\n";
}

std::string roofline_svg(const std::vector<KernelRow>& rows, const Roofs& roofs,
                         double total_seconds, const std::string& title) {
  constexpr double kWidth = 760, kHeight = 480, kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;
  // Whole decades around the dots and the ridge point.
  const double ridge = roofs.gflops / roofs.gbytes_per_second;
  double x_lo = ridge / 10, x_hi = ridge * 10, y_lo = roofs.gflops / 100, y_hi = roofs.gflops;
  for (const KernelRow& r : rows) {
    if (r.intensity() <= 0 || r.gflops() <= 0) continue;
    x_lo = std::min(x_lo, r.intensity());
    x_hi = std::max(x_hi, 8 * r.intensity());  // room for labels on the right
    y_lo = std::min(y_lo, r.gflops());
  }
  const double dx_lo = std::floor(std::log10(x_lo)), dx_hi = std::ceil(std::log10(x_hi)),
               dy_lo = std::floor(std::log10(y_lo)), dy_hi = std::ceil(std::log10(y_hi * 1.5));
  const auto px = [&](double x) {
    return kLeft + (std::log10(x) - dx_lo) / (dx_hi - dx_lo) * (kWidth - kLeft - kRight);
  };
  const auto py = [&](double y) {
    return kHeight - kBottom -
           (std::log10(y) - dy_lo) / (dy_hi - dy_lo) * (kHeight - kTop - kBottom);
  };

  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
    << "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << kWidth / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">" << title
    << "</text>\n";
  // Grid and ticks, one per decade.
  for (double d = dx_lo; d <= dx_hi; ++d) {
    const double x = px(std::pow(10.0, d));
    s << "<line x1=\"" << x << "\" y1=\"" << kTop << "\" x2=\"" << x << "\" y2=\""
      << kHeight - kBottom << "\" stroke=\"#ddd\"/>\n"
      << "<text x=\"" << x << "\" y=\"" << kHeight - kBottom + 16 << "\" text-anchor=\"middle\">"
      << std::pow(10.0, d) << "</text>\n";
  }
  for (double d = dy_lo; d <= dy_hi; ++d) {
    const double y = py(std::pow(10.0, d));
    s << "<line x1=\"" << kLeft << "\" y1=\"" << y << "\" x2=\"" << kWidth - kRight << "\" y2=\""
      << y << "\" stroke=\"#ddd\"/>\n"
      << "<text x=\"" << kLeft - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
      << std::pow(10.0, d) << "</text>\n";
  }
  s << "<text x=\"" << (kLeft + kWidth - kRight) / 2 << "\" y=\"" << kHeight - 12
    << "\" text-anchor=\"middle\">arithmetic intensity (FLOP per byte moved)</text>\n"
    << "<text transform=\"translate(16," << (kTop + kHeight - kBottom) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">GFLOP/s</text>\n";
  // The roofs: the slope of memory bandwidth up to the ridge, then the flat peak.
  const double x0 = std::pow(10.0, dx_lo), x1 = std::pow(10.0, dx_hi);
  const double y0 = std::max(x0 * roofs.gbytes_per_second, std::pow(10.0, dy_lo));
  const double x_start = y0 / roofs.gbytes_per_second;
  s << "<polyline fill=\"none\" stroke=\"#b22\" stroke-width=\"2\" points=\"" << px(x_start) << ","
    << py(y0) << " " << px(ridge) << "," << py(roofs.gflops) << " " << px(x1) << ","
    << py(roofs.gflops) << "\"/>\n"
    << "<text x=\"" << px(x1) - 4 << "\" y=\"" << py(roofs.gflops) - 6
    << "\" text-anchor=\"end\" fill=\"#b22\">peak " << fmt(roofs.gflops, 0) << " GFLOP/s</text>\n"
    << "<text x=\"" << px(x_start) + 6 << "\" y=\"" << py(y0) - 8 << "\" fill=\"#b22\">"
    << fmt(roofs.gbytes_per_second, 0) << " GB/s</text>\n";
  // One dot per row, its area its share of the time; the larger ones labelled, each label
  // moved down until it clears the ones placed before it.
  std::vector<std::array<double, 4>> placed;  // x0, y0, x1, y1 of each label
  for (const KernelRow& r : rows) {
    if (r.intensity() <= 0 || r.gflops() <= 0) continue;
    const double share = r.seconds / total_seconds;
    const double x = px(r.intensity()), y = py(r.gflops()), radius = 2 + 30 * std::sqrt(share);
    const char* colour = r.pass == "backward" ? "#2a6" : r.pass == "forward" ? "#36c" : "#888";
    s << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"" << radius << "\" fill=\"" << colour
      << "\" fill-opacity=\"0.55\"/>\n";
    if (share < 0.03) continue;
    const std::string text = label(r) + " (" + fmt(100 * share, 0) + "%)";
    const double width = 6.0 * static_cast<double>(display_width(text));  // DejaVu Sans 11
    const bool left = x + radius + width > kWidth - kRight;               // no room on the right
    const double x0 = left ? x - radius - 3 - width : x + radius + 3;
    double y0 = y - 6;
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& b : placed) {
        if (x0 < b[2] && b[0] < x0 + width && y0 < b[3] && b[1] < y0 + 13) {
          y0 = b[3] + 1;
          moved = true;
        }
      }
    }
    placed.push_back({x0, y0, x0 + width, y0 + 13});
    s << "<text x=\"" << x0 << "\" y=\"" << y0 + 10 << "\">" << text << "</text>\n";
  }
  s << "<text x=\"" << kLeft + 8 << "\" y=\"" << kTop + 14
    << "\"><tspan fill=\"#36c\">● forward</tspan>  <tspan fill=\"#2a6\">● backward</tspan>  "
       "<tspan fill=\"#888\">● other</tspan>  (area: share of the time)</text>\n"
    << "</svg>\n";
  return s.str();
}

}  // namespace byo
