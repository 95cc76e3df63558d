/// @file
/// @brief LeNet checkpoints: the model's state dict plus what a run needs to resume.
///
/// A checkpoint is an ordinary byotorch state-dict file (byo/serialize.h: magic "BYOT",
/// checksum, written to a temporary file and renamed) holding the model's tensors under
/// their usual names (conv1.weight ... fc3.bias) and, beside them, the run's metadata as
/// tensors whose names start with "meta.". Each metadata value is text, stored as a 1-D
/// tensor of its byte values (every byte is exact in float32):
///
///     meta.format       "byotorch-lenet 2" (1: before the whole run was kept; refused)
///     meta.variant      "classic" | "modern"      refused by a model of the other variant
///     meta.dataset      "mnist" | "fashion"
///     meta.epoch        completed epochs, e.g. "3"
///     meta.batch        batches done of the next epoch ("0" unless Ctrl-C stopped a run)
///     meta.epochs, meta.limit, meta.test_limit, meta.seed, meta.batch_size, meta.optimizer,
///     meta.lr, meta.momentum, meta.weight_decay, meta.lr_step, meta.lr_gamma
///                       the run's `RunSettings`, one key per field
///     meta.loss_sum, meta.correct, meta.seen
///                       running sums of the batches done of the next epoch, so that a
///                       resumed epoch reports its loss and accuracy over all its batches
///     meta.first_loss   epoch 1's mean training loss ("" before it ends): what divergence
///                       is measured against
///     meta.best_accuracy  the run's best test accuracy so far ("" before the first)
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

/// @brief Running sums of one epoch's training batches.
struct EpochTally {
  double loss_sum = 0;  ///< Sum over images of the cross-entropy.
  int64_t correct = 0;  ///< Images classified right.
  int64_t seen = 0;     ///< Images trained on.
  /// @brief Mean loss so far (0 before the first batch).
  double loss() const { return seen > 0 ? loss_sum / static_cast<double>(seen) : 0.0; }
  /// @brief Accuracy so far (0 before the first batch).
  double accuracy() const { return seen > 0 ? static_cast<double>(correct) / seen : 0.0; }
};

/// @brief The run metadata stored beside the weights.
struct CheckpointInfo {
  std::string variant = "modern";  ///< "classic" or "modern".
  std::string dataset = "mnist";   ///< "mnist" or "fashion".
  int64_t epoch = 0;               ///< Epochs completed.
  int64_t batch = 0;               ///< Batches completed of epoch `epoch` + 1 (after Ctrl-C).
  RunSettings run;                 ///< Epochs, images, seed, batches, optimiser, schedule.
  EpochTally tally;                ///< Sums of the `batch` batches done of the next epoch.
  double first_loss = -1.0;        ///< Epoch 1's mean training loss; negative before it ends.
  double best_accuracy = -1.0;     ///< Best test accuracy of the run; negative if none.
  double test_accuracy = -1.0;     ///< Test accuracy after the last epoch; negative if none.
};

/// @brief Where the best epoch of a run saved at `path` is kept: "lenet.byot" →
///        "lenet.best.byot" (`path` + ".best" if it has no extension).
std::string best_checkpoint_path(const std::string& path);

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
///        if it is missing, damaged (checksum, truncation), not a LeNet checkpoint, of an
///        older format, or holds a weight that is NaN or infinite.
Checkpoint read_checkpoint(const std::string& path);

/// @brief Loads `checkpoint`'s weights into `model`; refuses one of another variant.
void load_weights(models::LeNet5& model, const Checkpoint& checkpoint, const std::string& path);

}  // namespace byo::lenet
