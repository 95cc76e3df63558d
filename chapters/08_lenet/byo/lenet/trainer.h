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
/// with the forward and backward of each batch cut into one shard per thread, each on a
/// replica of the model (byo/data_parallel.h): the same seed and thread count give the
/// same bits.
///
/// plus what makes it a program: a progress bar, a divergence check after every batch and
/// every test (see `kDivergenceFactor`: a run that blows up stops before it saves over a
/// good model), a stop flag checked after every batch (Ctrl-C), a checkpoint after every
/// epoch with the best epoch kept beside it, and a line of metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "byo/data/dataset.h"
#include "byo/data_parallel.h"
#include "byo/lenet/checkpoint.h"
#include "byo/models/lenet.h"
#include "byo/optim.h"

namespace byo::lenet {

/// @brief A run stops as diverged when its mean training loss so far in an epoch exceeds
///        this many times the first epoch's (before the first epoch ends: ln 10, the loss of
///        a uniform guess over ten classes), or when its test accuracy falls to chance
///        (kChanceAccuracy or less) after it had reached kLearnedAccuracy. A loss of 1e37 is
///        finite, so a NaN check alone lets such a run save over a good model.
inline constexpr double kDivergenceFactor = 10.0;
/// @brief A test accuracy this low is a guess (ten classes: 10%, with room for noise).
inline constexpr double kChanceAccuracy = 0.2;
/// @brief A test accuracy that shows the model had learned something.
inline constexpr double kLearnedAccuracy = 0.5;

/// @brief Everything `lenet train` can set.
struct TrainConfig {
  models::LeNetVariant variant = models::LeNetVariant::modern;  ///< Which LeNet-5.
  std::string dataset = "mnist";                                ///< "mnist" or "fashion".
  std::string data_dir;      ///< Folder of the IDX files; empty: the default.
  RunSettings run;           ///< Epochs, images, seed, batches, optimiser and its schedule.
  std::string save_path;     ///< Checkpoint written after every epoch, the best epoch beside
                             ///< it (best_checkpoint_path); empty: none.
  std::string metrics_path;  ///< JSON Lines file appended after every epoch; empty: none.
  bool progress = true;      ///< Show the progress bar on stderr.
};

/// @brief The defaults of `variant`, chosen so that a plain `lenet train` learns well
///        (the chapter README explains them). The one place they are written down: the
///        command line's help is made from them.
TrainConfig default_config(models::LeNetVariant variant);
/// @brief Checks every setting of `config` (positive sizes, known names, finite lr > 0 ...).
void check_config(const TrainConfig& config);
/// @brief Checks `config` against the data before the first batch: the sets are not empty,
///        the limits fit them, and the checkpoint's path can be written (byo::save_target).
void check_run(const TrainConfig& config, const data::Dataset& train, const data::Dataset& test);
/// @brief The optimiser `config` asks for, over `model`'s parameters.
std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& config, nn::Module& model);
/// @brief `model` and shards − 1 replicas of its variant: `train` and `lenet bench` cut each
///        batch into as many shards as there are threads (byo/data_parallel.h).
DataParallel data_parallel(models::LeNet5& model, int shards);

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
///        images of `dataset` (0: all), `batch_size` at a time. Throws if that is no image
///        at all: an accuracy of nothing is not 0%.
EvalResult evaluate(models::LeNet5& model, const data::Dataset& dataset, int64_t limit = 0,
                    int64_t batch_size = 1000);

/// @brief How a training run ended.
enum class TrainStatus {
  finished,     ///< Every epoch ran.
  interrupted,  ///< The stop flag was raised; the checkpoint holds the position.
  diverged,     ///< The loss blew up or the accuracy fell to chance; nothing was saved after.
};

/// @brief What `train` reports back.
struct TrainOutcome {
  TrainStatus status = TrainStatus::finished;  ///< How it ended.
  int64_t epochs_done = 0;                     ///< Completed epochs (resumed ones included).
  double test_accuracy = -1;                   ///< After the last completed epoch; -1 if none.
  std::string message;                         ///< For interrupted / diverged: what happened.
};

/// @brief Where a run starts: all zero for a new run, a checkpoint's position, sums and
///        optimiser state to resume (resume_from).
struct TrainStart {
  int64_t epoch = 0;              ///< Epochs already completed.
  int64_t batch = 0;              ///< Batches of the next epoch already done (skipped).
  EpochTally tally;               ///< Their sums, so that the epoch reports all its batches.
  double first_loss = -1;         ///< Epoch 1's mean loss; negative before it ends.
  double best_accuracy = -1;      ///< The best test accuracy so far; negative if none.
  double test_accuracy = -1;      ///< After the last completed epoch; negative if none.
  nn::StateDict optimizer_state;  ///< Loaded into the new optimiser; empty: a fresh one.
};

/// @brief The start that continues the run saved in `checkpoint`.
TrainStart resume_from(const Checkpoint& checkpoint);

/// @brief Trains `model` as `config` says, from `start`, testing on `test` after every
///        epoch; prints one result line per epoch to `out`. Checks the run (check_run)
///        before the first batch. Stops after the current batch once `*stop` becomes true
///        (saving the position), and when the run diverges (kDivergenceFactor).
TrainOutcome train(models::LeNet5& model, const TrainConfig& config, const data::Dataset& train,
                   const data::Dataset& test, std::ostream& out, TrainStart start = {},
                   const std::atomic<bool>* stop = nullptr);

}  // namespace byo::lenet
