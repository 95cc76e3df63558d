/// @file
/// @brief `lenet plot`: the training curve (train loss, test accuracy) as an SVG chart.
#include <fstream>
#include <iostream>

#include "byo/check.h"
#include "byo/lenet/metrics.h"
#include "byo/pictures.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct PlotFlags {
  std::vector<std::string> metrics;
  std::string out = "curve.svg";
  std::string title = "LeNet-5 on MNIST";
};

int run_plot(const PlotFlags& f) {
  pictures::Chart chart;
  chart.title = f.title;
  chart.x_label = "epoch";
  chart.left_label = "train loss";
  chart.right_label = "test accuracy (%)";
  for (const std::string& path : f.metrics) {
    const std::vector<EpochMetrics> rows = read_metrics(path);
    const std::string name = rows.front().variant.empty() ? path : rows.front().variant;
    pictures::Series loss{name + " train loss", {}, {}};
    pictures::Series accuracy{name + " test accuracy", {}, {}};
    for (const EpochMetrics& m : rows) {
      loss.x.push_back(static_cast<double>(m.epoch));
      loss.y.push_back(m.train_loss);
      accuracy.x.push_back(static_cast<double>(m.epoch));
      accuracy.y.push_back(100 * m.test_accuracy);
    }
    chart.left.push_back(std::move(loss));
    chart.right.push_back(std::move(accuracy));
  }
  const std::string svg = pictures::svg_chart(chart);
  std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
  BYO_CHECK(out.is_open()) << "lenet plot: cannot write " << f.out;
  out << svg;
  out.close();
  BYO_CHECK(out.good()) << "lenet plot: writing " << f.out << " failed";
  std::cout << "wrote " << f.out << "\n";
  return 0;
}

}  // namespace

Command add_plot(CLI::App& app) {
  auto flags = std::make_shared<PlotFlags>();
  CLI::App* cmd =
      app.add_subcommand("plot", "Draw the training curve of metrics files as an SVG chart");
  cmd->add_option("--metrics", flags->metrics,
                  "JSON Lines written by lenet train --metrics-out (one or more)")
      ->required();
  cmd->add_option("--out", flags->out, "the SVG file to write (default curve.svg)");
  cmd->add_option("--title", flags->title, "the chart's title");
  return [flags] { return run_plot(*flags); };
}

}  // namespace byo::lenet::cli
