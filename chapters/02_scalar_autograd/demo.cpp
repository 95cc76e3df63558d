/// @file
/// @brief Chapter 2 demo: one neuron's graph and gradients, then an MLP learning two moons.
///
///     ch02_demo [--dot neuron.dot] [--steps 100] [--samples 100] [--lr 1.0] [--seed 0]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "byo/check.h"
#include "byo/micro_nn.h"
#include "byo/moons.h"
#include "byo/scalar.h"
#include "byo/timer.h"

namespace {

using byo::scalar::Scalar;

struct Options {
  std::string dot_path;
  int steps = 100;
  int samples = 100;
  double lr = 1.0;
  uint64_t seed = 0;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    BYO_CHECK(i + 1 < argc) << "ch02_demo: " << arg << " needs a value";
    const std::string value = argv[++i];
    if (arg == "--dot") {
      options.dot_path = value;
    } else if (arg == "--steps") {
      options.steps = std::stoi(value);
    } else if (arg == "--samples") {
      options.samples = std::stoi(value);
    } else if (arg == "--lr") {
      options.lr = std::stod(value);
    } else if (arg == "--seed") {
      options.seed = std::stoull(value);
    } else {
      BYO_CHECK(false) << "ch02_demo: unknown option " << arg
                       << " (use --dot FILE, --steps N, --samples N, --lr X, --seed S)";
    }
  }
  return options;
}

// o = tanh(x1 w1 + x2 w2 + b), every value named so that the picture reads like the formula.
void show_neuron(const std::string& dot_path) {
  Scalar x1(2.0, "x1"), x2(-1.0, "x2");
  Scalar w1(-0.5, "w1"), w2(1.5, "w2");
  Scalar b(3.0, "b");
  Scalar x1w1 = (x1 * w1).set_label("x1*w1");
  Scalar x2w2 = (x2 * w2).set_label("x2*w2");
  Scalar sum = (x1w1 + x2w2).set_label("x1*w1 + x2*w2");
  Scalar n = (sum + b).set_label("n");
  Scalar o = tanh(n).set_label("o");
  o.backward();

  std::printf("One neuron: o = tanh(x1*w1 + x2*w2 + b)\n");
  std::printf("  o = %.6f   do/dn = 1 - o^2 = %.6f\n", o.data(), n.grad());
  for (const Scalar& v : {x1, w1, x2, w2, b}) {
    std::printf("  %-2s = %5.2f   do/d%-2s = %9.6f\n", v.label().c_str(), v.data(),
                v.label().c_str(), v.grad());
  }
  if (!dot_path.empty()) {
    std::ofstream file(dot_path);
    file << byo::scalar::to_dot(o);
    BYO_CHECK(file.good()) << "ch02_demo: could not write " << dot_path;
    std::printf("  graph written to %s (render: dot -Tsvg %s -o neuron.svg)\n", dot_path.c_str(),
                dot_path.c_str());
  }
}

// The plane as text: the model's class for each character cell ('-' for the upper moon's
// side, '+' for the lower's), with the training points drawn on top (o upper, x lower).
void print_decision_map(const byo::scalar::MLP& model, const byo::scalar::Moons& moons) {
  constexpr int kCols = 64, kRows = 20;
  constexpr double kLeft = -1.5, kRight = 2.5, kTop = 1.5, kBottom = -1.0;
  std::vector<std::string> map(kRows, std::string(kCols, ' '));
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kCols; ++c) {
      const double x = kLeft + (c + 0.5) * (kRight - kLeft) / kCols;
      const double y = kTop - (r + 0.5) * (kTop - kBottom) / kRows;
      const std::vector<Scalar> input{x, y};
      map[r][c] = model(input)[0].data() > 0.0 ? '+' : '-';
    }
  }
  for (size_t i = 0; i < moons.points.size(); ++i) {
    const auto [x, y] = moons.points[i];
    const int c = static_cast<int>((x - kLeft) / (kRight - kLeft) * kCols);
    const int r = static_cast<int>((kTop - y) / (kTop - kBottom) * kRows);
    if (c >= 0 && c < kCols && r >= 0 && r < kRows) map[r][c] = moons.labels[i] == 0 ? 'o' : 'x';
  }
  std::printf("\nThe trained model's decision regions (- upper moon, + lower):\n");
  for (const std::string& row : map) std::printf("  %s\n", row.c_str());
}

// Full-batch gradient descent on the hinge loss, with a little L2 regularisation and a
// learning rate that decays linearly from lr to lr / 10.
double train_moons(const Options& options) {
  byo::Generator gen(options.seed);
  const byo::scalar::Moons moons = byo::scalar::make_moons(options.samples, 0.1, gen);
  const byo::scalar::MLP model(2, {16, 16, 1}, gen);
  std::vector<Scalar> params = model.parameters();
  std::printf("\nTwo moons: %d points, noise 0.1; %s\n", options.samples,
              model.to_string().c_str());

  double acc = 0.0;
  size_t nodes = 0;
  const byo::Timer timer;
  const std::clock_t cpu_start = std::clock();  // CPU time too: the wall clock counts other jobs
  for (int step = 0; step <= options.steps; ++step) {
    std::vector<Scalar> scores;
    for (const auto& [x, y] : moons.points) {
      const std::vector<Scalar> input{x, y};
      scores.push_back(model(input)[0]);
    }
    Scalar l2 = 0.0;
    for (const Scalar& p : params) l2 = l2 + p * p;
    const Scalar loss = byo::scalar::hinge_loss(scores, moons.labels) + 1e-4 * l2;
    acc = byo::scalar::accuracy(scores, moons.labels);
    if (step == 0) nodes = byo::scalar::topological_sort(loss.node()).size();
    if (step % 10 == 0 || step == options.steps) {
      std::printf("  step %3d   loss %.4f   accuracy %5.1f%%\n", step, loss.data(), 100 * acc);
    }
    if (step == options.steps) break;  // the last line reports the trained model

    model.zero_grad();
    loss.backward();
    const double lr = options.lr * (1.0 - 0.9 * step / options.steps);
    for (Scalar& p : params) p.set_data(p.data() - lr * p.grad());
  }
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf("%d steps in %.2f s (CPU %.2f s); each step's graph has %zu nodes\n", options.steps,
              timer.seconds(), cpu_seconds, nodes);
  print_decision_map(model, moons);
  return acc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    show_neuron(options.dot_path);
    const double acc = train_moons(options);
    std::printf("final train accuracy: %.1f%%\n", 100 * acc);
    // Fails if training did not reach 100%, so that a regression cannot go unnoticed.
    return options.steps == 0 || acc == 1.0 ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return EXIT_FAILURE;
  }
}
