// Chapter 6 demo: where does a LeNet training step spend its time?
//
// Builds the classic LeNet-5 from this chapter's conv2d and avg_pool2d and chapter 4's ops,
// runs forward and backward on one batch of random images with the op profiler on, and
// prints the profile table of the original numpy project. The convolutions dominate.
//
//   ch06_demo [batch_size] [steps]      (defaults: 128 images, 3 steps)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "byo/conv.h"
#include "byo/operators.h"
#include "byo/ops.h"
#include "byo/optim/adam.h"
#include "byo/profiler.h"
#include "byo/timer.h"

namespace {

// A parameter of `shape` drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default.
byo::Tensor parameter(const byo::Shape& shape, int64_t fan_in, byo::Generator& gen) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  return byo::Tensor(byo::NDArray::rand(shape, gen) * (2 * bound) - bound, true);
}

int parse_positive(const char* text, const char* what) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value <= 0 || value > 100000) {
    std::fprintf(stderr, "ch06_demo: %s must be a positive integer, got '%s'\n", what, text);
    std::exit(2);
  }
  return static_cast<int>(value);
}

}  // namespace

int main(int argc, char** argv) {
  const int batch = argc > 1 ? parse_positive(argv[1], "batch_size") : 128;
  const int steps = argc > 2 ? parse_positive(argv[2], "steps") : 3;

  byo::Generator gen(0);
  // Classic LeNet-5: conv(1→6, 5, pad 2) sigmoid avgpool(2) conv(6→16, 5) sigmoid avgpool(2)
  // flatten linear(400→120) sigmoid linear(120→84) sigmoid linear(84→10).
  byo::Tensor c1w = parameter({6, 1, 5, 5}, 25, gen), c1b = parameter({6}, 25, gen);
  byo::Tensor c2w = parameter({16, 6, 5, 5}, 150, gen), c2b = parameter({16}, 150, gen);
  byo::Tensor f1w = parameter({120, 400}, 400, gen), f1b = parameter({120}, 400, gen);
  byo::Tensor f2w = parameter({84, 120}, 120, gen), f2b = parameter({84}, 120, gen);
  byo::Tensor f3w = parameter({10, 84}, 84, gen), f3b = parameter({10}, 84, gen);

  // Adam (chapter 5) takes a step after every backward, so the loss moves: the network
  // starts learning these random images' random labels by heart.
  byo::optim::Adam adam({c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b},
                        byo::optim::AdamOptions(1e-2));

  byo::Tensor images(byo::NDArray::randn({batch, 1, 28, 28}, gen));
  std::vector<float> label_values(static_cast<size_t>(batch));
  for (float& y : label_values) y = static_cast<float>(gen.below(10));
  byo::Tensor labels = byo::from_vector(label_values, {batch});

  std::printf("LeNet-5 (classic), batch %d, %d training steps (Adam, lr 0.01), %s conv kernels\n\n",
              batch, steps, "naive");
  byo::profiler::enable(true);
  byo::Timer timer;
  for (int step = 0; step < steps; ++step) {
    byo::Tensor h =
        byo::avg_pool2d(byo::conv2d(images, c1w, c1b, {1, 1}, {2, 2}).sigmoid(), {2, 2});
    h = byo::avg_pool2d(byo::conv2d(h, c2w, c2b).sigmoid(), {2, 2});
    h = byo::flatten(h, 1);
    h = byo::linear(h, f1w, f1b).sigmoid();
    h = byo::linear(h, f2w, f2b).sigmoid();
    byo::Tensor loss = byo::cross_entropy(byo::linear(h, f3w, f3b), labels);
    adam.zero_grad();
    loss.backward();
    adam.step();
    std::printf("step %d: loss %.4f\n", step + 1, loss.item());
  }
  const double seconds = timer.seconds();
  byo::profiler::enable(false);
  std::printf("\n%.3f s per step (forward, backward, Adam step)\n\n", seconds / steps);
  byo::profiler::report(std::cout);
  return 0;
}
