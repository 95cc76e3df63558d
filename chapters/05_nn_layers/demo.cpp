// ch05_demo: an MLP (784-256-10) learns MNIST with nn::Module, a DataLoader and Adam or SGD.
//
//     cmake --build build --target mnist ch05_demo
//     ./build/chapters/05_nn_layers/ch05_demo                  # Adam, 3 epochs
//     ./build/chapters/05_nn_layers/ch05_demo --optimizer sgd --lr 0.05 --save mlp.byot
//
// Prints, per epoch, the mean training loss, the test accuracy and the seconds taken, and
// ends with `test accuracy: 0.9xxx`.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/data/dataloader.h"
#include "byo/data/mnist.h"
#include "byo/mnist_files.h"
#include "byo/nn.h"
#include "byo/optim.h"
#include "byo/progress.h"
#include "byo/serialize.h"
#include "byo/timer.h"

namespace {

struct Settings {
  std::string data_dir;
  std::string optimizer = "adam";
  double lr = 0.0;  // 0: the optimiser's default below
  int64_t epochs = 3;
  int64_t batch_size = 64;
  int64_t hidden = 256;
  int64_t step_size = 2;  // StepLR: decay the learning rate every step_size epochs ...
  double gamma = 0.1;     // ... by this factor
  uint64_t seed = 0;
  int64_t limit = 0;  // use only the first `limit` training images (0: all)
  std::string save_path;
};

void usage() {
  std::cout << "usage: ch05_demo [options]\n"
               "  --data DIR        MNIST directory (default $BYO_MNIST_DIR, else data/mnist)\n"
               "  --optimizer NAME  adam (default) or sgd (momentum 0.9)\n"
               "  --lr X            learning rate (default 1e-3 for adam, 0.05 for sgd)\n"
               "  --epochs N        default 3\n"
               "  --batch-size N    default 64\n"
               "  --hidden N        hidden units (default 256)\n"
               "  --step-size N     StepLR: multiply the lr by gamma every N epochs (default 2)\n"
               "  --gamma X         StepLR factor (default 0.1)\n"
               "  --seed N          initialisation and shuffling seed (default 0)\n"
               "  --limit N         train on the first N images only\n"
               "  --save PATH       write the trained model to a checkpoint\n";
}

Settings parse(int argc, char** argv) {
  Settings s;
  if (const char* env = std::getenv(std::string(byo::kMnistDirEnvVar).c_str())) s.data_dir = env;
  if (s.data_dir.empty()) s.data_dir = std::string(byo::kMnistDefaultDir);
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      usage();
      std::exit(0);
    }
    BYO_CHECK(i + 1 < argc) << "ch05_demo: " << flag << " needs a value (see --help)";
    const std::string value = argv[++i];
    if (flag == "--data") {
      s.data_dir = value;
    } else if (flag == "--optimizer") {
      s.optimizer = value;
    } else if (flag == "--lr") {
      s.lr = std::stod(value);
    } else if (flag == "--epochs") {
      s.epochs = std::stoll(value);
    } else if (flag == "--batch-size") {
      s.batch_size = std::stoll(value);
    } else if (flag == "--hidden") {
      s.hidden = std::stoll(value);
    } else if (flag == "--step-size") {
      s.step_size = std::stoll(value);
    } else if (flag == "--gamma") {
      s.gamma = std::stod(value);
    } else if (flag == "--seed") {
      s.seed = std::stoull(value);
    } else if (flag == "--limit") {
      s.limit = std::stoll(value);
    } else if (flag == "--save") {
      s.save_path = value;
    } else {
      BYO_CHECK(false) << "ch05_demo: unknown option " << flag << " (see --help)";
    }
  }
  BYO_CHECK(s.optimizer == "adam" || s.optimizer == "sgd")
      << "ch05_demo: --optimizer must be adam or sgd, not " << s.optimizer;
  if (s.lr == 0.0) s.lr = s.optimizer == "adam" ? 1e-3 : 0.05;
  return s;
}

// Fraction of `dataset` that `model` classifies correctly, in evaluation mode, no graph.
double accuracy(byo::nn::Module& model, const byo::data::Dataset& dataset) {
  byo::NoGradGuard no_grad;
  model.eval();
  byo::data::DataLoader loader(dataset, {.batch_size = 1000});
  int64_t correct = 0;
  for (const byo::data::Batch& batch : loader.epoch(0)) {
    const byo::NDArray predicted = model.forward(batch.images).data().argmax(1);
    const float* p = predicted.data();
    const std::vector<float> labels = batch.labels.data().to_vector();
    for (size_t i = 0; i < labels.size(); ++i) correct += p[i] == labels[i] ? 1 : 0;
  }
  model.train();
  return static_cast<double>(correct) / static_cast<double>(dataset.size());
}

int run(const Settings& s) {
  namespace nn = byo::nn;
  namespace optim = byo::optim;

  const byo::data::MNIST train(s.data_dir, "train");
  const byo::data::MNIST test(s.data_dir, "test");

  byo::Generator gen(s.seed);
  auto model = std::make_shared<nn::Sequential>(
      std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(28 * 28, s.hidden), gen),
      std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(s.hidden, 10), gen));
  std::cout << *model << "\n";

  std::unique_ptr<optim::Optimizer> optimizer;
  if (s.optimizer == "adam") {
    optimizer = std::make_unique<optim::Adam>(model->parameters(), optim::AdamOptions(s.lr));
  } else {
    optimizer =
        std::make_unique<optim::SGD>(model->parameters(), optim::SGDOptions(s.lr).momentum(0.9));
  }
  optim::StepLR scheduler(*optimizer, s.step_size, s.gamma);
  nn::CrossEntropyLoss criterion;

  byo::data::DataLoader loader(
      train, {.batch_size = s.batch_size, .shuffle = true, .seed = s.seed, .limit = s.limit});
  std::cout << s.optimizer << " lr " << s.lr << ", batch " << s.batch_size << ", "
            << loader.num_examples() << " training images, StepLR(" << s.step_size << ", "
            << s.gamma << ")\n";

  double test_accuracy = 0.0;
  for (int64_t epoch = 0; epoch < s.epochs; ++epoch) {
    byo::Timer timer;
    byo::ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(s.epochs),
                         loader.num_examples());
    double loss_sum = 0.0;
    int64_t seen = 0;
    for (const byo::data::Batch& batch : loader.epoch(epoch)) {
      optimizer->zero_grad();
      const byo::Tensor loss = criterion(model->forward(batch.images), batch.labels);
      loss.backward();
      optimizer->step();
      const int64_t n = batch.labels.size(0);
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(n);
      seen += n;
      std::ostringstream extra;
      // Three decimals: the fourth can differ between CPUs (see the README's "Run it").
      extra << "loss " << std::fixed << std::setprecision(3)
            << loss_sum / static_cast<double>(seen);
      bar.update(seen, extra.str());
    }
    bar.finish();
    const double train_seconds = timer.seconds();
    test_accuracy = accuracy(*model, test);
    std::cout << "epoch " << epoch + 1 << "  lr " << optimizer->lr() << "  train loss "
              << std::fixed << std::setprecision(3) << loss_sum / static_cast<double>(seen)
              << "  test accuracy " << test_accuracy << "  " << std::setprecision(1)
              << train_seconds << " s train, " << timer.seconds() - train_seconds << " s test\n"
              << std::defaultfloat;
    scheduler.step();
  }
  if (!s.save_path.empty()) {
    byo::save(*model, s.save_path);
    std::cout << "saved " << s.save_path << "\n";
  }
  std::cout << "test accuracy: " << std::fixed << std::setprecision(3) << test_accuracy << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Settings settings = parse(argc, argv);
    const std::filesystem::path images =
        std::filesystem::path(settings.data_dir) / "train-images-idx3-ubyte";
    if (!std::filesystem::exists(images) && !std::filesystem::exists(images.string() + ".gz")) {
      std::cerr << "ch05_demo: MNIST is not in " << settings.data_dir << ". Fetch it with:\n  "
                << byo::kMnistFetchCommand << "\n";
      return 1;
    }
    return run(settings);
  } catch (const byo::Error& e) {
    std::cerr << e.message() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ch05_demo: " << e.what() << "\n";
    return 1;
  }
}
