/// @file
/// @brief LeNet checkpoints: the model's state dict plus what a run needs to resume.
///
/// A checkpoint is an ordinary byotorch state-dict file (byo/serialize.h: magic "BYOT",
/// checksum, written to a temporary file and renamed) holding the model's tensors under
/// their usual names (conv1.weight ... fc3.bias) and, beside them, the run's metadata as
/// tensors whose names start with "meta.". Each metadata value is text, stored as a 1-D
/// tensor of its byte values (every byte is exact in float32):
///
///     meta.format       "byotorch-lenet 1"
///     meta.variant      "classic" | "modern"      refused by a model of the other variant
///     meta.dataset      "mnist" | "fashion"
///     meta.epoch        completed epochs, e.g. "3"
///     meta.batch        batches done of the next epoch ("0" unless Ctrl-C stopped a run)
///     meta.seed, meta.batch_size, meta.optimizer, meta.lr, meta.momentum, meta.weight_decay,
///     meta.lr_step, meta.lr_gamma       the run's `RunSettings`, one key per field
///     meta.test_accuracy  after the last completed epoch ("" before the first)
///
/// The optimiser's state (SGD's momentum buffers, Adam's moments and step counts) follows
/// under "optim." + the names of `Optimizer::state_dict()` ("optim.exp_avg.3"), so a
/// resumed run continues bit for bit where the saved one stopped.
#pragma once

#include <cstdint>
#include <string>

#include "byo/lenet/run_settings.h"
#include "byo/models/lenet.h"
#include "byo/nn/state_dict.h"
#include "byo/optim/optimizer.h"

namespace byo::lenet {

/// @brief The run metadata stored beside the weights.
struct CheckpointInfo {
  std::string variant = "modern";  ///< "classic" or "modern".
  std::string dataset = "mnist";   ///< "mnist" or "fashion".
  int64_t epoch = 0;               ///< Epochs completed.
  int64_t batch = 0;               ///< Batches completed of epoch `epoch` + 1 (after Ctrl-C).
  RunSettings run;                 ///< Seed, batch size, optimiser and its schedule.
  double test_accuracy = -1.0;     ///< Test accuracy after the last epoch; negative if none.
};

/// @brief A checkpoint read back: its metadata and the model's tensors.
struct Checkpoint {
  CheckpointInfo info;
  nn::StateDict weights;  ///< conv1.weight ... fc3.bias.
  nn::StateDict
      optimizer_state;  ///< The optimiser's state dict (the "optim." entries, unprefixed).
};

/// @brief Writes `model`'s weights, `info` and, if given, `optimizer`'s state to `path`
///        atomically (temporary file + rename). Refuses (throws, writes nothing) if a weight
///        is NaN or infinite.
void save_checkpoint(const nn::Module& model, const CheckpointInfo& info, const std::string& path,
                     const optim::Optimizer* optimizer = nullptr);

/// @brief Reads and validates the checkpoint at `path`. Throws `byo::Error` naming the path
///        if it is missing, damaged (checksum, truncation) or not a LeNet checkpoint.
Checkpoint read_checkpoint(const std::string& path);

/// @brief Loads `checkpoint`'s weights into `model`; refuses one of another variant.
void load_weights(models::LeNet5& model, const Checkpoint& checkpoint, const std::string& path);

}  // namespace byo::lenet
