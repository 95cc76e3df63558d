/// @file
/// @brief Training and evaluating LeNet-5: the settings, the epoch loop, the confusion matrix.
///
/// One epoch, as every PyTorch training loop writes it:
///
///     for batch in loader.epoch(e):            shuffled by seed and epoch, resumable
///         optimizer.zero_grad()
///         loss = cross_entropy(model(images), labels)
///         loss.backward()
///         optimizer.step()
///
/// plus what makes it a program: a progress bar, a NaN check after every batch (a loss that
/// is not finite stops the run before anything is saved), a stop flag checked after every
/// batch (Ctrl-C), a checkpoint after every epoch, and a line of metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "byo/data/dataset.h"
#include "byo/lenet/checkpoint.h"
#include "byo/models/lenet.h"
#include "byo/optim.h"

namespace byo::lenet {

/// @brief Everything `lenet train` can set.
struct TrainConfig {
  models::LeNetVariant variant = models::LeNetVariant::modern;  ///< Which LeNet-5.
  std::string dataset = "mnist";                                ///< "mnist" or "fashion".
  std::string data_dir;      ///< Folder of the IDX files; empty: the default.
  int64_t epochs = 5;        ///< Epochs in all (a resumed run counts the done ones).
  RunSettings run;           ///< Seed, batch size, optimiser and its schedule.
  int64_t limit = 0;         ///< Train on the first `limit` images only; 0: all.
  int64_t test_limit = 0;    ///< Test on the first `test_limit` images only; 0: all.
  std::string save_path;     ///< Checkpoint written after every epoch; empty: none.
  std::string metrics_path;  ///< JSON Lines file appended after every epoch; empty: none.
  bool progress = true;      ///< Show the progress bar on stderr.
};

/// @brief The defaults of `variant`, chosen so that a plain `lenet train` learns well
///        (the chapter README explains them).
TrainConfig default_config(models::LeNetVariant variant);
/// @brief Checks every setting of `config` (positive sizes, known names, lr > 0 ...).
void check_config(const TrainConfig& config);
/// @brief The optimiser `config` asks for, over `model`'s parameters.
std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& config, nn::Module& model);
/// @brief The checkpoint metadata of `config` after `epoch` epochs and `batch` more batches.
CheckpointInfo checkpoint_info(const TrainConfig& config, int64_t epoch, int64_t batch,
                               double test_accuracy);

/// @brief Accuracy and confusion matrix of a model on a data set.
struct EvalResult {
  int64_t correct = 0;  ///< Images classified right.
  int64_t total = 0;    ///< Images seen.
  double loss = 0;      ///< Mean cross-entropy.
  /// @brief confusion[true label][predicted label] counts.
  std::array<std::array<int64_t, 10>, 10> confusion{};
  /// @brief correct / total (0 if nothing was seen).
  double accuracy() const { return total > 0 ? static_cast<double>(correct) / total : 0.0; }
};

/// @brief Runs `model` in eval mode without recording a graph over the first `limit`
///        images of `dataset` (0: all), `batch_size` at a time.
EvalResult evaluate(models::LeNet5& model, const data::Dataset& dataset, int64_t limit = 0,
                    int64_t batch_size = 1000);

/// @brief How a training run ended.
enum class TrainStatus {
  finished,     ///< Every epoch ran.
  interrupted,  ///< The stop flag was raised; the checkpoint holds the position.
  diverged,     ///< The loss became NaN or infinite; nothing was saved after it.
};

/// @brief What `train` reports back.
struct TrainOutcome {
  TrainStatus status = TrainStatus::finished;  ///< How it ended.
  int64_t epochs_done = 0;                     ///< Completed epochs (resumed ones included).
  double test_accuracy = -1;                   ///< After the last completed epoch; -1 if none.
  std::string message;                         ///< For interrupted / diverged: what happened.
};

/// @brief Where a run starts: 0/0 for a new run, a checkpoint's epoch/batch (and its
///        optimiser state) to resume.
struct TrainStart {
  int64_t epoch = 0;              ///< Epochs already completed.
  int64_t batch = 0;              ///< Batches of the next epoch already done (skipped).
  nn::StateDict optimizer_state;  ///< Loaded into the new optimiser; empty: a fresh one.
};

/// @brief Trains `model` as `config` says, from `start`, testing on `test` after every
///        epoch; prints one result line per epoch to `out`. Stops after the current batch
///        once `*stop` becomes true (saving the position), and at the first non-finite loss.
TrainOutcome train(models::LeNet5& model, const TrainConfig& config, const data::Dataset& train,
                   const data::Dataset& test, std::ostream& out, TrainStart start = {},
                   const std::atomic<bool>* stop = nullptr);

}  // namespace byo::lenet
