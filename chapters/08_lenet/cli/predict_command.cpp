/// @file
/// @brief `lenet predict`: one image drawn in the terminal beside the ten probabilities.
#include <iostream>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/pgm.h"
#include "byo/lenet/terminal.h"
#include "byo/ops.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct PredictFlags {
  std::string checkpoint;
  std::optional<int64_t> index;
  std::string image;
  bool invert = false;
  std::string data_dir;
};

int run_predict(const PredictFlags& f) {
  const Checkpoint checkpoint = read_checkpoint(f.checkpoint);
  Generator gen(0);
  models::LeNet5 model(models::parse_variant(checkpoint.info.variant), gen);
  load_weights(model, checkpoint, f.checkpoint);
  const auto test = open_dataset(checkpoint.info.dataset, f.data_dir, "test");

  std::vector<uint8_t> pixels;
  std::string title;
  if (f.index) {
    BYO_CHECK(*f.index >= 0 && *f.index < test->size())
        << "lenet predict: --index " << *f.index << " is not a test image (0 to "
        << test->size() - 1 << ")";
    const auto bytes = test->image_bytes(*f.index);
    pixels.assign(bytes.begin(), bytes.end());
    title = "test image " + std::to_string(*f.index) + " (label " +
            class_names(checkpoint.info.dataset)[static_cast<size_t>(test->label(*f.index))] + ")";
  } else {
    const Grayscale image = read_pgm(f.image);
    BYO_CHECK(image.width == 28 && image.height == 28)
        << "lenet predict: " << f.image << " is " << image.width << "x" << image.height
        << "; LeNet-5 reads 28x28 images";
    pixels = image.pixels;
    if (f.invert) {
      for (uint8_t& p : pixels) p = static_cast<uint8_t>(255 - p);
    }
    title = f.image;
  }

  // The same normalisation as training: x = (byte/255 - mean) / std.
  const data::Normalization norm = test->normalization();
  std::vector<float> values;
  for (uint8_t p : pixels)
    values.push_back((static_cast<float>(p) / 255.0f - norm.mean) / norm.std);
  NoGradGuard no_grad;
  model.eval();
  const Tensor probabilities = softmax(model.forward(from_vector(values, {1, 1, 28, 28})), 1);
  const std::vector<float> p = probabilities.data().to_vector();
  const auto names = class_names(checkpoint.info.dataset);
  std::cout << title << "\n" << prediction_panel(pixels, 28, 28, p, names);
  return 0;
}

}  // namespace

Command add_predict(CLI::App& app) {
  auto flags = std::make_shared<PredictFlags>();
  CLI::App* cmd = app.add_subcommand("predict", "Classify one image and draw it in the terminal");
  cmd->add_option("--checkpoint", flags->checkpoint, "a checkpoint written by lenet train")
      ->required();
  auto* index = cmd->add_option("--index", flags->index, "a test-set image, 0..9999");
  auto* image = cmd->add_option("--image", flags->image, "a 28x28 PGM file (P2 or P5)");
  index->excludes(image);
  cmd->add_flag("--invert", flags->invert,
                "invert the PGM (for dark ink on white; MNIST is white on black)")
      ->needs(image);
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  cmd->require_option(1, 4);
  cmd->callback([cmd] {
    if (cmd->count("--index") + cmd->count("--image") == 0) {
      // The two-argument form: the one-argument one appends " is required".
      throw CLI::RequiredError("lenet predict needs --index I or --image FILE.pgm",
                               CLI::ExitCodes::RequiredError);
    }
  });
  return [flags] { return run_predict(*flags); };
}

}  // namespace byo::lenet::cli
