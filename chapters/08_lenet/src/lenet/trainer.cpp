/// @file
/// @brief The epoch loop, evaluation and the settings of `lenet train`.
#include "byo/lenet/trainer.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <sstream>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/data/dataloader.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/metrics.h"
#include "byo/ops.h"
#include "byo/progress.h"
#include "byo/timer.h"

namespace byo::lenet {

TrainConfig default_config(models::LeNetVariant variant) {
  TrainConfig c;
  c.variant = variant;
  if (variant == models::LeNetVariant::classic) {
    c.epochs = 10;
    c.run.batch_size = 128;
    c.run.optimizer = "adam";
    c.run.lr = 3e-3;
    c.run.lr_step = 4;
    c.run.lr_gamma = 0.3;
  } else {
    c.epochs = 5;
    c.run.batch_size = 64;
    c.run.optimizer = "adam";
    c.run.lr = 2e-3;
    c.run.lr_step = 2;
    c.run.lr_gamma = 0.3;
  }
  return c;
}

void check_config(const TrainConfig& c) {
  check_dataset_name(c.dataset);
  const RunSettings& r = c.run;
  BYO_CHECK(c.epochs >= 1) << "lenet train: --epochs must be at least 1, got " << c.epochs;
  BYO_CHECK(r.batch_size >= 1) << "lenet train: --batch-size must be at least 1, got "
                               << r.batch_size;
  BYO_CHECK(r.optimizer == "sgd" || r.optimizer == "adam")
      << "lenet train: --optimizer must be sgd or adam, not '" << r.optimizer << "'";
  BYO_CHECK(std::isfinite(r.lr) && r.lr > 0) << "lenet train: --lr must be positive, got " << r.lr;
  BYO_CHECK(std::isfinite(r.momentum) && r.momentum >= 0 && r.momentum < 1)
      << "lenet train: --momentum must be in [0, 1), got " << r.momentum;
  BYO_CHECK(std::isfinite(r.weight_decay) && r.weight_decay >= 0)
      << "lenet train: --weight-decay must be 0 or more, got " << r.weight_decay;
  BYO_CHECK(r.lr_step >= 0) << "lenet train: --lr-step must be 0 (never) or more, got "
                            << r.lr_step;
  BYO_CHECK(std::isfinite(r.lr_gamma) && r.lr_gamma > 0 && r.lr_gamma <= 1)
      << "lenet train: --lr-gamma must be in (0, 1], got " << r.lr_gamma;
  BYO_CHECK(c.limit >= 0) << "lenet train: --limit must be 0 (all) or more, got " << c.limit;
  BYO_CHECK(c.test_limit >= 0) << "lenet train: --test-limit must be 0 (all) or more, got "
                               << c.test_limit;
}

std::unique_ptr<optim::Optimizer> make_optimizer(const TrainConfig& c, nn::Module& model) {
  const RunSettings& r = c.run;
  if (r.optimizer == "sgd") {
    return std::make_unique<optim::SGD>(
        model.parameters(),
        optim::SGDOptions(r.lr).momentum(r.momentum).weight_decay(r.weight_decay));
  }
  return std::make_unique<optim::Adam>(model.parameters(),
                                       optim::AdamOptions(r.lr).weight_decay(r.weight_decay));
}

CheckpointInfo checkpoint_info(const TrainConfig& c, int64_t epoch, int64_t batch,
                               double test_accuracy) {
  CheckpointInfo info;
  info.variant = models::variant_name(c.variant);
  info.dataset = c.dataset;
  info.epoch = epoch;
  info.batch = batch;
  info.run = c.run;
  info.test_accuracy = test_accuracy;
  return info;
}

EvalResult evaluate(models::LeNet5& model, const data::Dataset& dataset, int64_t limit,
                    int64_t batch_size) {
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  data::DataLoader loader(dataset, {.batch_size = batch_size, .limit = limit});
  EvalResult result;
  double loss_sum = 0;
  for (const data::Batch& batch : loader.epoch(0)) {
    const Tensor logits = model.forward(batch.images);
    const int64_t n = batch.labels.size(0);
    loss_sum += static_cast<double>(cross_entropy(logits, batch.labels).item()) * n;
    const NDArray predicted = logits.data().argmax(1);
    const std::vector<float> p = predicted.to_vector();
    const std::vector<float> labels = batch.labels.data().to_vector();
    for (int64_t i = 0; i < n; ++i) {
      const auto truth = static_cast<size_t>(labels[static_cast<size_t>(i)]);
      const auto guess = static_cast<size_t>(p[static_cast<size_t>(i)]);
      BYO_CHECK(truth < 10 && guess < 10) << "evaluate: label " << truth << " is not 0..9";
      ++result.confusion[truth][guess];
      result.correct += truth == guess ? 1 : 0;
    }
    result.total += n;
  }
  result.loss = result.total > 0 ? loss_sum / static_cast<double>(result.total) : 0.0;
  model.train(was_training);
  return result;
}

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Running sums of one epoch.
struct EpochTally {
  double loss_sum = 0;
  int64_t correct = 0;
  int64_t seen = 0;
  double loss() const { return seen > 0 ? loss_sum / static_cast<double>(seen) : 0.0; }
  double accuracy() const { return seen > 0 ? static_cast<double>(correct) / seen : 0.0; }
};

std::string number(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

int64_t count_correct(const Tensor& logits, const Tensor& labels) {
  const std::vector<float> p = logits.data().argmax(1).to_vector();
  const std::vector<float> l = labels.data().to_vector();
  int64_t correct = 0;
  for (size_t i = 0; i < l.size(); ++i) correct += p[i] == l[i] ? 1 : 0;
  return correct;
}

}  // namespace

TrainOutcome train(models::LeNet5& model, const TrainConfig& config, const data::Dataset& train,
                   const data::Dataset& test, std::ostream& out, TrainStart start,
                   const std::atomic<bool>* stop) {
  check_config(config);
  const auto stopping = [&] { return stop != nullptr && stop->load(); };
  std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(config, model);
  if (!start.optimizer_state.empty()) optimizer->load_state_dict(start.optimizer_state);
  // The schedule, wound forward to the epoch the run starts at.
  std::optional<optim::StepLR> scheduler;
  if (config.run.lr_step > 0) {
    scheduler.emplace(*optimizer, config.run.lr_step, config.run.lr_gamma);
    for (int64_t e = 0; e < start.epoch; ++e) scheduler->step();
  }
  data::DataLoader loader(train, {.batch_size = config.run.batch_size,
                                  .shuffle = true,
                                  .seed = config.run.seed,
                                  .limit = config.limit});
  const int64_t batches = loader.size();
  BYO_CHECK(start.batch >= 0 && start.batch < batches)
      << "lenet train: cannot resume at batch " << start.batch << " of an epoch of " << batches
      << " batches (was the checkpoint made with another --batch-size or --limit?)";

  TrainOutcome outcome;
  outcome.epochs_done = start.epoch;
  const std::string& save = config.save_path;
  const std::string kept = save.empty()
                               ? "nothing was saved (no --save)"
                               : save + " still holds the last good epoch and was not overwritten";
  model.train();
  for (int64_t epoch = start.epoch; epoch < config.epochs; ++epoch) {
    if (stopping()) {
      outcome.status = TrainStatus::interrupted;
      outcome.message = "interrupted before epoch " + std::to_string(epoch + 1) +
                        (save.empty() ? "" : "; " + save + " holds epoch " + std::to_string(epoch));
      return outcome;
    }
    const int64_t skip = epoch == start.epoch ? start.batch : 0;
    ProgressOptions bar_options;
    if (!config.progress) bar_options.interactive = false;
    ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(config.epochs),
                    loader.num_examples(), bar_options);
    EpochTally tally;
    Timer timer;
    const data::DataLoader::Epoch batches_of_epoch = loader.epoch(epoch);
    int64_t b = 0;
    int64_t examples_done = 0;
    for (auto it = batches_of_epoch.begin(); it != batches_of_epoch.end(); ++it, ++b) {
      if (b < skip) {  // resumed mid-epoch: these batches were trained before the stop
        examples_done += std::min(config.run.batch_size, loader.num_examples() - examples_done);
        continue;
      }
      const data::Batch& batch = *it;
      optimizer->zero_grad();
      const Tensor logits = model.forward(batch.images);
      const Tensor loss = cross_entropy(logits, batch.labels);
      const double loss_value = loss.item();
      if (!std::isfinite(loss_value)) {
        outcome.status = TrainStatus::diverged;
        outcome.message =
            "the loss became " + std::string(std::isnan(loss_value) ? "NaN" : "infinite") +
            " at epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) + " of " +
            std::to_string(batches) + " (is lr " + number(config.run.lr) + " too large?); " + kept;
        return outcome;
      }
      loss.backward();
      optimizer->step();
      const int64_t n = batch.labels.size(0);
      tally.loss_sum += loss_value * static_cast<double>(n);
      tally.correct += count_correct(logits, batch.labels);
      tally.seen += n;
      examples_done += n;
      const double rate = static_cast<double>(tally.seen) / std::max(timer.seconds(), 1e-9);
      bar.update(examples_done, "loss " + fixed(tally.loss(), 4) + "  acc " +
                                    fixed(100 * tally.accuracy(), 1) + "%  " + fixed(rate, 0) +
                                    " img/s");
      if (stopping() && b + 1 < batches) {
        bar.finish("loss " + fixed(tally.loss(), 4) + "  (interrupted)");
        outcome.status = TrainStatus::interrupted;
        if (save.empty()) {
          outcome.message = "interrupted at epoch " + std::to_string(epoch + 1) + ", batch " +
                            std::to_string(b + 1) + "; nothing saved (no --save)";
        } else {
          save_checkpoint(model, checkpoint_info(config, epoch, b + 1, outcome.test_accuracy), save,
                          optimizer.get());
          outcome.message = "interrupted at epoch " + std::to_string(epoch + 1) + ", batch " +
                            std::to_string(b + 1) + " of " + std::to_string(batches) + "; saved " +
                            save + " (continue with: lenet train --resume " + save + ")";
        }
        return outcome;
      }
    }
    const double seconds = timer.seconds();
    const double rate = static_cast<double>(tally.seen) / std::max(seconds, 1e-9);
    bar.finish("loss " + fixed(tally.loss(), 4) + "  acc " + fixed(100 * tally.accuracy(), 1) +
               "%  " + fixed(rate, 0) + " img/s");

    const EvalResult result = evaluate(model, test, config.test_limit);
    outcome.test_accuracy = result.accuracy();
    outcome.epochs_done = epoch + 1;
    out << "epoch " << epoch + 1 << "/" << config.epochs << "  train loss "
        << fixed(tally.loss(), 4) << "  train acc " << fixed(100 * tally.accuracy(), 2)
        << "%  test acc " << fixed(100 * result.accuracy(), 2) << "%  " << fixed(seconds, 1)
        << " s  " << fixed(rate, 0) << " img/s  lr " << optimizer->lr() << std::endl;
    if (!save.empty()) {
      save_checkpoint(model, checkpoint_info(config, epoch + 1, 0, result.accuracy()), save,
                      optimizer.get());
    }
    if (!config.metrics_path.empty()) {
      EpochMetrics m;
      m.epoch = epoch + 1;
      m.variant = models::variant_name(config.variant);
      m.train_loss = tally.loss();
      m.train_accuracy = tally.accuracy();
      m.test_accuracy = result.accuracy();
      m.epoch_seconds = seconds;
      m.images_per_second = rate;
      m.lr = optimizer->lr();
      append_metrics(config.metrics_path, m);
    }
    if (scheduler) scheduler->step();
  }
  return outcome;
}

}  // namespace byo::lenet
