/// @file
/// @brief `lenet show`: what the network learned, as PNG pictures — conv1's six 5×5
///        filters, and one test image with its conv1 and conv2 feature maps.
#include <filesystem>
#include <iostream>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/pictures.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct ShowFlags {
  std::string checkpoint;
  int64_t index = 0;
  std::string out_dir = ".";
  std::string data_dir;
};

// Channel c of a (1, C, H, W) array as a grey tile, scaled from its own min to max.
pictures::GrayImage channel_tile(const NDArray& maps, int64_t c) {
  const NDArray contiguous = maps.contiguous();
  const int64_t h = maps.size(2), w = maps.size(3);
  return pictures::from_floats(contiguous.data() + c * h * w, h, w);
}

std::vector<pictures::GrayImage> channel_tiles(const NDArray& maps) {
  std::vector<pictures::GrayImage> tiles;
  for (int64_t c = 0; c < maps.size(1); ++c) tiles.push_back(channel_tile(maps, c));
  return tiles;
}

int run_show(const ShowFlags& f) {
  namespace fs = std::filesystem;
  BYO_CHECK(fs::is_directory(f.out_dir))
      << "lenet show: the folder " << f.out_dir << " does not exist";
  const Checkpoint checkpoint = read_checkpoint(f.checkpoint);
  Generator gen(0);
  models::LeNet5 model(models::parse_variant(checkpoint.info.variant), gen);
  load_weights(model, checkpoint, f.checkpoint);
  const auto test = open_dataset(checkpoint.info.dataset, f.data_dir, "test");
  BYO_CHECK(f.index >= 0 && f.index < test->size())
      << "lenet show: --index " << f.index << " is not a test image (0 to " << test->size() - 1
      << ")";

  const auto out = [&](const std::string& name) { return (fs::path(f.out_dir) / name).string(); };
  // conv1's weight is (6, 1, 5, 5): six 5×5 filters, each scaled from its min to max.
  pictures::write_png(
      out("conv1_filters.png"),
      pictures::grid(channel_tiles(model.conv1->weight.data().reshape({1, 6, 5, 5})), 6, 12, 4));
  // The image itself, then what conv1 and conv2 (after their activations) make of it.
  const auto bytes = test->image_bytes(f.index);
  pictures::GrayImage digit{28, 28, {bytes.begin(), bytes.end()}};
  pictures::write_png(out("input.png"), pictures::grid({digit}, 1, 4, 0));
  NoGradGuard no_grad;
  model.eval();
  const data::Example example = test->get(f.index);
  const models::LeNetActivations a = model.forward_all(example.image.reshape({1, 1, 28, 28}));
  pictures::write_png(out("conv1_maps.png"),
                      pictures::grid(channel_tiles(a.conv1.data()), 6, 3, 2));
  pictures::write_png(out("conv2_maps.png"),
                      pictures::grid(channel_tiles(a.conv2.data()), 8, 6, 2));
  std::cout << "test image " << f.index << " (label " << test->label(f.index) << "): wrote "
            << out("conv1_filters.png") << ", " << out("input.png") << ", " << out("conv1_maps.png")
            << ", " << out("conv2_maps.png") << "\n";
  return 0;
}

}  // namespace

Command add_show(CLI::App& app) {
  auto flags = std::make_shared<ShowFlags>();
  CLI::App* cmd = app.add_subcommand(
      "show", "Draw conv1's filters and one test image's feature maps as PNG files");
  cmd->add_option("--checkpoint", flags->checkpoint, "a checkpoint written by lenet train")
      ->required();
  cmd->add_option("--index", flags->index, "the test image whose feature maps to draw (default 0)");
  cmd->add_option("--out-dir", flags->out_dir, "where the PNG files go (default: here)");
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  return [flags] { return run_show(*flags); };
}

}  // namespace byo::lenet::cli
