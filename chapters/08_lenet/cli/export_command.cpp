/// @file
/// @brief `lenet export`: a checkpoint's weights as NumPy's .npz, for PyTorch.
///
///     lenet export --checkpoint lenet-modern.byot --out lenet-modern.npz
///
/// and in Python, into the PyTorch LeNet of chapters/08_lenet/reference/lenet_torch.py:
///
///     model.load_state_dict({k: torch.from_numpy(v) for k, v in np.load(f).items()})
#include <iostream>

#include "byo/lenet/checkpoint.h"
#include "byo/npz.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct ExportFlags {
  std::string checkpoint;
  std::string out;
};

int run_export(const ExportFlags& f) {
  // Only the model's tensors: the run's metadata and the optimiser's state stay behind.
  const Checkpoint checkpoint = read_checkpoint(f.checkpoint);
  save_npz(checkpoint.weights, f.out);
  int64_t values = 0;
  for (const auto& [name, array] : checkpoint.weights) values += array.numel();
  std::cout << "wrote " << checkpoint.weights.size() << " arrays (" << values
            << " float32 values) of the " << checkpoint.info.variant << " LeNet-5 to " << f.out
            << "\n";
  return 0;
}

}  // namespace

Command add_export(CLI::App& app) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* cmd =
      app.add_subcommand("export", "Write a checkpoint's weights as a NumPy .npz (for PyTorch)");
  cmd->add_option("--checkpoint", flags->checkpoint, "a checkpoint written by lenet train")
      ->required();
  cmd->add_option("--out", flags->out, "the .npz file to write")->required();
  return [flags] { return run_export(*flags); };
}

}  // namespace byo::lenet::cli
