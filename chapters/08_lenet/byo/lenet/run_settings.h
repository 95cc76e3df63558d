/// @file
/// @brief The settings that define a training run, shared by `TrainConfig` and a checkpoint.
///
/// A resumed run must train exactly as the saved one did, so the checkpoint stores these
/// settings and `lenet train --resume` restores them. Keeping them in one struct, held by
/// both `TrainConfig` and `CheckpointInfo`, makes each direction a single assignment: a
/// setting added here is saved and restored without a second list to keep in step.
/// (The variant and the data set shape the run too; they are kept beside it, because
/// they also decide which model and which files a checkpoint goes with.)
#pragma once

#include <cstdint>
#include <string>

namespace byo::lenet {

/// @brief How a run trains: its length, the images, the seed, the batches and the optimiser
///        with its schedule. The defaults of each variant are in `default_config`.
struct RunSettings {
  int64_t epochs = 5;              ///< Epochs in all (a resumed run counts the done ones).
  int64_t limit = 0;               ///< Train on the first `limit` images only; 0: all.
  int64_t test_limit = 0;          ///< Test on the first `test_limit` images only; 0: all.
  uint64_t seed = 0;               ///< Fixes the initial weights and every epoch's order.
  int64_t batch_size = 64;         ///< Images per optimiser step.
  std::string optimizer = "adam";  ///< "sgd" or "adam".
  double lr = 1e-3;                ///< Learning rate.
  double momentum = 0.0;           ///< SGD momentum (ignored by Adam).
  double weight_decay = 0.0;       ///< L2 weight decay.
  int64_t lr_step = 0;    ///< StepLR: multiply the lr by lr_gamma every lr_step epochs; 0: never.
  double lr_gamma = 1.0;  ///< StepLR's factor.
};

}  // namespace byo::lenet
