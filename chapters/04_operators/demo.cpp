// Chapter 4 demo: autograd on Tensors.
//
// 1. One small expression, its gradients, and its graph (--dot FILE writes it for Graphviz).
// 2. A two-layer MLP learns a generated three-armed spiral by plain gradient descent,
//    with every op timed by the profiler, whose table ends the run.
//
//     ch04_demo [--dot graph.dot] [--steps 2000]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/graph.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/profiler.h"
#include "byo/random.h"
#include "byo/timer.h"

namespace {

using byo::NDArray;
using byo::Tensor;

// Three spiral arms of `per_class` points each in the plane; labels 0, 1, 2 as floats.
void make_spiral(int64_t per_class, byo::Generator& gen, Tensor& points, Tensor& labels) {
  const int64_t classes = 3;
  std::vector<float> xy;
  std::vector<float> y;
  for (int64_t c = 0; c < classes; ++c) {
    for (int64_t i = 0; i < per_class; ++i) {
      const double r = static_cast<double>(i) / static_cast<double>(per_class);
      const double angle = 4.0 * c + 4.0 * r + gen.normal(0.0, 0.2);
      xy.push_back(static_cast<float>(r * std::sin(angle)));
      xy.push_back(static_cast<float>(r * std::cos(angle)));
      y.push_back(static_cast<float>(c));
    }
  }
  points = byo::from_vector(xy, {classes * per_class, 2});
  labels = byo::from_vector(y, {classes * per_class});
}

// A weight of shape (out, in) drawn as PyTorch's Linear does: uniform in ±1/sqrt(in).
Tensor init_weight(int64_t out, int64_t in, byo::Generator& gen) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(in));
  NDArray w = NDArray::rand({out, in}, gen) * (2.0f * bound) - bound;
  return Tensor(w, /*requires_grad=*/true);
}

// The fraction of rows whose largest logit is the label.
float accuracy(const Tensor& logits, const Tensor& labels) {
  const std::vector<float> predicted = logits.data().argmax(1).to_vector();
  const std::vector<float> truth = labels.data().to_vector();
  int64_t right = 0;
  for (size_t i = 0; i < truth.size(); ++i) right += predicted[i] == truth[i] ? 1 : 0;
  return static_cast<float>(right) / static_cast<float>(truth.size());
}

void small_expression(const char* dot_path) {
  std::cout << "== One expression: loss = mse(sigmoid(x·w + b), y) + 0.01·sum(w·w)\n";
  Tensor x = byo::from_vector({1.0f, 2.0f}, {1, 2});
  Tensor w = byo::from_vector({0.5f, -0.25f}, {2, 1}, true);
  Tensor b = byo::from_vector({0.1f}, {1}, true);
  Tensor y = byo::from_vector({1.0f}, {1, 1});
  // w is used three times: the engine sums the three gradients before they reach w.grad.
  Tensor loss = byo::mse_loss((x.matmul(w) + b).sigmoid(), y) + 0.01f * (w * w).sum();
  std::cout << "loss   = " << loss << "\n";
  if (dot_path != nullptr) {
    std::ofstream(dot_path) << byo::to_dot(loss);
    std::cout << "graph  written to " << dot_path << " (render: dot -Tsvg " << dot_path
              << " -o graph.svg)\n";
  }
  loss.backward();
  std::cout << "w.grad = " << w.grad() << "\n";
  std::cout << "b.grad = " << b.grad() << "\n\n";
}

void train_mlp(int steps) {
  std::cout << "== A 2-64-3 MLP on a generated spiral, full-batch gradient descent\n";
  byo::Generator gen(0);
  Tensor points, labels;
  make_spiral(100, gen, points, labels);
  const int64_t hidden = 64;
  Tensor w1 = init_weight(hidden, 2, gen);
  Tensor b1 = byo::zeros({hidden}, true);
  Tensor w2 = init_weight(3, hidden, gen);
  Tensor b2 = byo::zeros({3}, true);
  const std::vector<Tensor> parameters = {w1, b1, w2, b2};
  const float learning_rate = 1.0f;

  byo::profiler::reset();
  byo::profiler::enable();
  byo::Timer timer;
  for (int step = 0; step <= steps; ++step) {
    Tensor logits = byo::linear(byo::linear(points, w1, b1).relu(), w2, b2);
    Tensor loss = byo::cross_entropy(logits, labels);
    for (const Tensor& p : parameters) const_cast<Tensor&>(p).zero_grad();
    loss.backward();
    {
      // The update changes the parameters in place and must not be recorded.
      byo::NoGradGuard no_grad;
      for (const Tensor& p : parameters) {
        NDArray data = p.data();  // shares storage with the parameter
        data -= p.grad().data() * learning_rate;
      }
    }
    if (step % (steps / 10) == 0) {
      // Three decimals and whole percents: the last bits of a float op may differ between
      // CPUs and C libraries (exp, log), and 2000 steps turn that into the fourth decimal.
      std::printf("step %5d   loss %.3f   accuracy %3.0f%%\n", step, loss.item(),
                  100.0f * accuracy(logits, labels));
    }
  }
  byo::profiler::enable(false);
  std::printf("%d steps in %.2f s\n\nOp profile (all steps):\n", steps, timer.seconds());
  byo::profiler::report(std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  const char* dot_path = nullptr;
  int steps = 2000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--dot") == 0 && i + 1 < argc) {
      dot_path = argv[++i];
    } else if (std::strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
      steps = std::max(10, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--dot FILE] [--steps N]\n", argv[0]);
      return 2;
    }
  }
  try {
    small_expression(dot_path);
    train_mlp(steps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
