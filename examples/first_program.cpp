// Your first program with byotorch: define a model, load data, train, save, reload, predict.
//
//     first_program --data data/mnist [--limit 6000] [--steps 300] [--out net.npz]
//
// The same five steps as a first PyTorch script, in the same words: an nn::Module subclass
// whose constructor registers its layers and whose forward() says how they connect; a
// DataLoader over MNIST; Adam on cross-entropy; the state dict saved (as NumPy's .npz, so
// PyTorch can read it too) and loaded into a fresh model that then predicts.
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/conv.h"
#include "byo/data/dataloader.h"
#include "byo/data/mnist.h"
#include "byo/gemm.h"
#include "byo/nn.h"
#include "byo/nn/conv.h"
#include "byo/npz.h"
#include "byo/ops.h"
#include "byo/optim.h"

namespace nn = byo::nn;

// 1. The model: one convolution, max pooling, two linear layers.
//    (N,1,28,28) -conv 3x3, pad 1-> (N,8,28,28) -relu, pool 2-> (N,8,14,14)
//    -flatten-> (N,1568) -fc1-> (N,64) -relu-> -fc2-> (N,10) logits
class Net : public nn::Module {
 public:
  explicit Net(byo::Generator& gen) {
    // register_module names the layer: its parameters are "conv1.weight", "conv1.bias", ...
    conv1 = register_module(
        "conv1", std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 8, 3).padding(1), gen));
    fc1 = register_module("fc1",
                          std::make_shared<nn::Linear>(nn::LinearOptions(8 * 14 * 14, 64), gen));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(nn::LinearOptions(64, 10), gen));
  }

  byo::Tensor forward(const byo::Tensor& x) override {
    byo::Tensor h = byo::max_pool2d(byo::relu(conv1->forward(x)), {2, 2});
    h = byo::relu(fc1->forward(byo::flatten(h, 1)));
    return fc2->forward(h);
  }

  std::string type_name() const override { return "Net"; }

  std::shared_ptr<nn::Conv2d> conv1;
  std::shared_ptr<nn::Linear> fc1, fc2;
};

// The predicted class of each row of (N,10) logits.
std::vector<int64_t> predict(Net& model, const byo::Tensor& images) {
  byo::NoGradGuard no_grad;  // no graph: nothing will call backward()
  model.eval();
  const byo::NDArray classes = model.forward(images).data().argmax(1);
  std::vector<int64_t> out;
  for (const float c : classes.to_vector()) out.push_back(static_cast<int64_t>(c));
  return out;
}

// Accuracy on the first `count` test images, and the predictions.
double accuracy(Net& model, const byo::data::MNIST& test, int64_t count) {
  std::vector<int64_t> indices;
  for (int64_t i = 0; i < count; ++i) indices.push_back(i);
  const byo::data::Batch batch = test.get_batch(indices);
  const std::vector<int64_t> predicted = predict(model, batch.images);
  int64_t correct = 0;
  for (int64_t i = 0; i < count; ++i) correct += predicted[i] == test.label(i);
  return static_cast<double>(correct) / static_cast<double>(count);
}

int main(int argc, char** argv) {
  std::string data_dir = "data/mnist", out = "net.npz";
  int64_t limit = 6000, steps = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--data")
      data_dir = value;
    else if (flag == "--out")
      out = value;
    else if (flag == "--limit")
      limit = std::stoll(value);
    else if (flag == "--steps")
      steps = std::stoll(value);
    else {
      std::cerr << "usage: first_program [--data DIR] [--limit N] [--steps N] [--out FILE]\n";
      return 2;
    }
  }
  try {
    byo::use_fast_kernels();  // chapter 7's im2col + GEMM instead of chapter 6's loops

    // 2. The data: MNIST's IDX files, normalised; batches of 64 in a seeded random order.
    const byo::data::MNIST train(data_dir, "train");
    const byo::data::MNIST test(data_dir, "test");
    byo::data::DataLoader loader(train,
                                 {.batch_size = 64, .shuffle = true, .seed = 0, .limit = limit});

    // 3. Training: forward, loss, backward, step — PyTorch's loop, line for line.
    byo::Generator gen(0);
    Net model(gen);
    std::cout << model << "\n";
    byo::optim::Adam optimizer(model.parameters(), byo::optim::AdamOptions(1e-3));
    nn::CrossEntropyLoss criterion;
    model.train();
    int64_t step = 0;
    for (int64_t epoch = 0; step < steps; ++epoch) {
      for (const byo::data::Batch& batch : loader.epoch(epoch)) {
        optimizer.zero_grad();
        const byo::Tensor loss = criterion(model.forward(batch.images), batch.labels);
        loss.backward();
        optimizer.step();
        if (++step % 100 == 0) {
          std::cout << "step " << step << "  loss " << std::fixed << std::setprecision(4)
                    << loss.item() << "\n";
        }
        if (step == steps) break;
      }
    }
    const double trained = accuracy(model, test, 1000);

    // 4. Save the state dict: conv1.weight, conv1.bias, fc1.weight, ... as NumPy's .npz.
    byo::save_npz(model, out);
    std::cout << "saved " << model.state_dict().size() << " tensors to " << out << "\n";

    // 5. A fresh model (other random weights), the saved ones loaded into it, predictions.
    byo::Generator other(42);
    Net reloaded(other);
    byo::load_npz(reloaded, out);
    const double again = accuracy(reloaded, test, 1000);
    const std::vector<int64_t> first =
        predict(reloaded, test.get_batch(std::vector<int64_t>{0, 1, 2}).images);
    std::cout << "the reloaded model predicts " << first[0] << " " << first[1] << " " << first[2]
              << " for the first three test digits (labels " << test.label(0) << " "
              << test.label(1) << " " << test.label(2) << ")\n";
    std::cout << "test accuracy (first 1000 images): " << std::fixed << std::setprecision(1)
              << 100.0 * again << "%\n";
    if (again != trained) {
      std::cerr << "the reloaded model disagrees with the trained one (" << trained << " vs "
                << again << ")\n";
      return 1;
    }
    return 0;
  } catch (const byo::Error& e) {
    std::cerr << "error: " << e.message() << "\n";
    return 1;
  }
}
