/// @file
/// @brief `lenet import`: weights from a NumPy .npz (saved from PyTorch) as a checkpoint.
///
///     # in Python, from a PyTorch LeNet with the same layer names:
///     np.savez("w.npz", **{k: v.detach().numpy() for k, v in model.state_dict().items()})
///
///     lenet import --weights w.npz --variant modern --out lenet-torch.byot
///     lenet eval --checkpoint lenet-torch.byot
#include <iostream>

#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/models/lenet.h"
#include "byo/npz.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct ImportFlags {
  std::string weights;
  std::string variant = "modern";
  std::string dataset = "mnist";
  std::string out;
};

int run_import(const ImportFlags& f) {
  check_dataset_name(f.dataset);
  Generator gen(0);
  models::LeNet5 model(models::parse_variant(f.variant), gen);
  // Every key of the model must be in the file with its shape, and nothing else: a
  // mismatch is an error naming the key, and the model is left untouched.
  load_npz(model, f.weights);
  CheckpointInfo info;
  info.variant = f.variant;
  info.dataset = f.dataset;
  save_checkpoint(model, info, f.out);
  std::cout << "wrote the " << f.variant << " LeNet-5 with the weights of " << f.weights << " to "
            << f.out << "\n";
  return 0;
}

}  // namespace

Command add_import(CLI::App& app) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Make a checkpoint from weights in a NumPy .npz (saved from PyTorch)");
  cmd->add_option("--weights", flags->weights, "the .npz file: conv1.weight ... fc3.bias")
      ->required();
  cmd->add_option("--variant", flags->variant,
                  "classic (sigmoid, average pooling) or modern (ReLU, max pooling)")
      ->check(CLI::IsMember({"classic", "modern"}));
  cmd->add_option("--dataset", flags->dataset, "what the weights were trained on: mnist or fashion")
      ->check(CLI::IsMember({"mnist", "fashion"}));
  cmd->add_option("--out", flags->out, "the checkpoint to write")->required();
  return [flags] { return run_import(*flags); };
}

}  // namespace byo::lenet::cli
