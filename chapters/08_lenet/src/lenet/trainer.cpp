/// @file
/// @brief The epoch loop, evaluation and the settings of `lenet train`.
#include "byo/lenet/trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <ostream>
#include <sstream>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/data/dataloader.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/metrics.h"
#include "byo/lenet/runtime.h"
#include "byo/ops.h"
#include "byo/progress.h"
#include "byo/serialize.h"
#include "byo/timer.h"

namespace byo::lenet {

TrainConfig default_config(models::LeNetVariant variant) {
  TrainConfig c;
  c.variant = variant;
  RunSettings& r = c.run;
  if (variant == models::LeNetVariant::classic) {
    r.epochs = 10;
    r.batch_size = 128;
    r.optimizer = "adam";
    r.lr = 3e-3;
    r.lr_step = 4;
    r.lr_gamma = 0.3;
  } else {
    r.epochs = 5;
    r.batch_size = 64;
    r.optimizer = "adam";
    r.lr = 2e-3;
    r.lr_step = 2;
    r.lr_gamma = 0.3;
  }
  return c;
}

void check_config(const TrainConfig& c) {
  check_dataset_name(c.dataset);
  const RunSettings& r = c.run;
  BYO_CHECK(r.epochs >= 1) << "lenet train: --epochs must be at least 1, got " << r.epochs;
  BYO_CHECK(r.batch_size >= 1) << "lenet train: --batch-size must be at least 1, got "
                               << r.batch_size;
  BYO_CHECK(r.optimizer == "sgd" || r.optimizer == "adam")
      << "lenet train: --optimizer must be sgd or adam, not '" << r.optimizer << "'";
  BYO_CHECK(std::isfinite(r.lr)) << "lenet train: --lr must be finite, got " << r.lr;
  BYO_CHECK(r.lr > 0) << "lenet train: --lr must be greater than 0, got " << r.lr;
  BYO_CHECK(std::isfinite(r.momentum) && r.momentum >= 0 && r.momentum < 1)
      << "lenet train: --momentum must be in [0, 1), got " << r.momentum;
  BYO_CHECK(std::isfinite(r.weight_decay) && r.weight_decay >= 0)
      << "lenet train: --weight-decay must be finite and 0 or more, got " << r.weight_decay;
  BYO_CHECK(r.lr_step >= 0) << "lenet train: --lr-step must be 0 (never) or more, got "
                            << r.lr_step;
  BYO_CHECK(std::isfinite(r.lr_gamma) && r.lr_gamma > 0 && r.lr_gamma <= 1)
      << "lenet train: --lr-gamma must be in (0, 1], got " << r.lr_gamma;
  BYO_CHECK(r.limit >= 0) << "lenet train: --limit must be 0 (all) or more, got " << r.limit;
  BYO_CHECK(r.test_limit >= 0) << "lenet train: --test-limit must be 0 (all) or more, got "
                               << r.test_limit;
}

void check_run(const TrainConfig& c, const data::Dataset& train, const data::Dataset& test) {
  check_config(c);
  const RunSettings& r = c.run;
  BYO_CHECK(train.size() > 0) << "lenet train: the training set holds no images: there is "
                                 "nothing to train on";
  BYO_CHECK(test.size() > 0) << "lenet train: the test set holds no images: a test accuracy "
                                "over no images means nothing";
  BYO_CHECK(r.limit <= train.size()) << "lenet train: --limit " << r.limit << " is more than the "
                                     << train.size() << " images of the training set";
  BYO_CHECK(r.test_limit <= test.size())
      << "lenet train: --test-limit " << r.test_limit << " is more than the " << test.size()
      << " images of the test set";
  if (!c.save_path.empty()) {
    save_target(best_checkpoint_path(save_target(c.save_path).string()));
  }
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

DataParallel data_parallel(models::LeNet5& model, int shards) {
  return DataParallel(model, shards, [variant = model.variant()] {
    Generator gen(0);  // the weights are the model's, copied in at every step
    return std::make_unique<models::LeNet5>(variant, gen);
  });
}

TrainStart resume_from(const Checkpoint& checkpoint) {
  const CheckpointInfo& info = checkpoint.info;
  TrainStart start;
  start.epoch = info.epoch;
  start.batch = info.batch;
  start.tally = info.tally;
  start.first_loss = info.first_loss;
  start.best_accuracy = info.best_accuracy;
  start.test_accuracy = info.test_accuracy;
  start.optimizer_state = checkpoint.optimizer_state;
  return start;
}

EvalResult evaluate(models::LeNet5& model, const data::Dataset& dataset, int64_t limit,
                    int64_t batch_size) {
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  data::DataLoader loader(dataset, {.batch_size = batch_size, .limit = limit});
  BYO_CHECK(loader.num_examples() > 0)
      << "evaluate: the test set holds no images: an accuracy over no images means nothing";
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
  result.loss = loss_sum / static_cast<double>(result.total);
  model.train(was_training);
  return result;
}

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string number(double value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

// One run of `train`: the model, its optimiser and schedule, the data, and what the run
// has reached (position, sums, best accuracy). The loop itself is `train_epoch`; the rest
// are the program around it.
class Run {
 public:
  Run(models::LeNet5& model, const TrainConfig& config, const data::Dataset& train,
      const data::Dataset& test, std::ostream& out, TrainStart start, const std::atomic<bool>* stop)
      : model_(model),
        config_(config),
        test_(test),
        out_(out),
        stop_(stop),
        start_(std::move(start)),
        optimizer_(make_optimizer(config, model)),
        parallel_(data_parallel(model, num_threads())),
        loader_(train, {.batch_size = config.run.batch_size,
                        .shuffle = true,
                        .seed = config.run.seed,
                        .limit = config.run.limit}) {
    if (!start_.optimizer_state.empty()) optimizer_->load_state_dict(start_.optimizer_state);
    // The schedule, wound forward to the epoch the run starts at.
    if (config.run.lr_step > 0) {
      scheduler_.emplace(*optimizer_, config.run.lr_step, config.run.lr_gamma);
      for (int64_t e = 0; e < start_.epoch; ++e) scheduler_->step();
    }
    BYO_CHECK(start_.batch >= 0 && start_.batch < loader_.size())
        << "lenet train: cannot resume at batch " << start_.batch << " of an epoch of "
        << loader_.size() << " batches (was the checkpoint made with another --batch-size or "
        << "--limit?)";
    outcome_.epochs_done = start_.epoch;
    outcome_.test_accuracy = start_.test_accuracy;
    first_loss_ = start_.first_loss;
    best_accuracy_ = start_.best_accuracy;
    // Beside the file the checkpoint really goes to (a symbolic link's target).
    if (!config.save_path.empty()) {
      best_path_ = best_checkpoint_path(save_target(config.save_path).string());
    }
  }

  TrainOutcome run() {
    model_.train();
    for (int64_t epoch = start_.epoch; epoch < config_.run.epochs; ++epoch) {
      if (stopping()) return interrupted_before(epoch);
      const bool resumed = epoch == start_.epoch;
      EpochTally tally = resumed ? start_.tally : EpochTally{};
      if (auto end = train_epoch(epoch, resumed ? start_.batch : 0, tally)) return *end;
      if (auto end = finish_epoch(epoch, tally)) return *end;
      if (scheduler_) scheduler_->step();
    }
    return outcome_;
  }

 private:
  // The loop of every PyTorch program. Returns how the run ended if it ended here.
  std::optional<TrainOutcome> train_epoch(int64_t epoch, int64_t skip, EpochTally& tally) {
    ProgressBar bar = progress_bar(epoch);
    timer_.reset();
    seen_now_ = 0;
    const data::DataLoader::Epoch batches = loader_.epoch(epoch);
    int64_t b = 0;
    for (auto it = batches.begin(); it != batches.end(); ++it, ++b) {
      if (b < skip) continue;  // trained before the stop this run resumes from
      // The batch's examples: each shard loads its own part (byo/data_parallel.h).
      const std::span<const int64_t> examples = it.indices();

      optimizer_->zero_grad();
      // Forward, backward and the optimiser's update; no update if the loss is not finite.
      const StepResult step = parallel_.train_step(loader_.dataset(), examples, *optimizer_);
      const double loss_value = step.loss;
      if (!std::isfinite(loss_value)) return diverged(not_finite(loss_value) + at(epoch, b));

      const auto n = static_cast<int64_t>(examples.size());
      tally.loss_sum += loss_value * static_cast<double>(n);
      tally.correct += step.correct;
      tally.seen += n;
      seen_now_ += n;
      bar.update(tally.seen, summary(tally));
      if (tally.loss() > divergence_limit()) return diverged(loss_too_high(tally) + at(epoch, b));
      if (stopping() && b + 1 < loader_.size()) {
        bar.finish("loss " + fixed(tally.loss(), 4) + "  (interrupted)");
        return interrupted_at(epoch, b + 1, tally);
      }
    }
    bar.finish(summary(tally));
    return std::nullopt;
  }

  // The test after an epoch, its line of output, the checkpoints and the metrics.
  std::optional<TrainOutcome> finish_epoch(int64_t epoch, const EpochTally& tally) {
    const double seconds = timer_.seconds();
    const EvalResult result = evaluate(model_, test_, config_.run.test_limit);
    const double accuracy = result.accuracy();
    out_ << "epoch " << epoch + 1 << "/" << config_.run.epochs << "  train loss "
         << fixed(tally.loss(), 4) << "  train acc " << fixed(100 * tally.accuracy(), 2)
         << "%  test acc " << fixed(100 * accuracy, 2) << "%  " << fixed(seconds, 1) << " s  "
         << fixed(rate(seconds), 0) << " img/s  lr " << optimizer_->lr() << std::endl;
    if (best_accuracy_ >= kLearnedAccuracy && accuracy <= kChanceAccuracy) {
      return diverged("the test accuracy fell to " + fixed(100 * accuracy, 2) +
                      "%, a guess, after it had reached " + fixed(100 * best_accuracy_, 2) +
                      "%, at the end of epoch " + std::to_string(epoch + 1));
    }
    if (first_loss_ < 0) first_loss_ = tally.loss();
    const bool best = accuracy > best_accuracy_;
    if (best) best_accuracy_ = accuracy;
    outcome_.test_accuracy = accuracy;
    outcome_.epochs_done = epoch + 1;
    if (!config_.save_path.empty()) {
      save(config_.save_path, epoch + 1, 0, {});
      if (best) save(best_path_, epoch + 1, 0, {});
      saved_epoch_ = epoch + 1;
    }
    if (!config_.metrics_path.empty()) {
      EpochMetrics m;
      m.epoch = epoch + 1;
      m.variant = models::variant_name(config_.variant);
      m.train_loss = tally.loss();
      m.train_accuracy = tally.accuracy();
      m.test_accuracy = accuracy;
      m.epoch_seconds = seconds;
      m.images_per_second = rate(seconds);
      m.lr = optimizer_->lr();
      append_metrics(config_.metrics_path, m);
    }
    return std::nullopt;
  }

  void save(const std::string& path, int64_t epoch, int64_t batch, const EpochTally& tally) {
    CheckpointInfo info;
    info.variant = models::variant_name(config_.variant);
    info.dataset = config_.dataset;
    info.epoch = epoch;
    info.batch = batch;
    info.run = config_.run;
    info.tally = tally;
    info.first_loss = first_loss_;
    info.best_accuracy = best_accuracy_;
    info.test_accuracy = outcome_.test_accuracy;
    save_checkpoint(model_, info, path, optimizer_.get());
  }

  // Before the first epoch ends, ln 10 (a uniform guess) stands in for its loss.
  double divergence_limit() const {
    return kDivergenceFactor * (first_loss_ > 0 ? first_loss_ : std::log(10.0));
  }
  std::string not_finite(double loss) const {
    return "the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite");
  }
  std::string loss_too_high(const EpochTally& tally) const {
    return "the mean loss rose to " + number(tally.loss()) + ", more than " +
           number(kDivergenceFactor) + " times " +
           (first_loss_ > 0 ? "the first epoch's (" + fixed(first_loss_, 4) + ")"
                            : std::string("that of a uniform guess (ln 10)"));
  }

  std::string at(int64_t epoch, int64_t b) const {
    return " at epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(b + 1) + " of " +
           std::to_string(loader_.size());
  }

  TrainOutcome diverged(const std::string& what) {
    outcome_.status = TrainStatus::diverged;
    outcome_.message =
        what + " (is lr " + number(config_.run.lr) + " too large?); " + what_was_kept();
    return outcome_;
  }

  // What a stopped run leaves on disk, in words.
  std::string what_was_kept() const {
    const std::string& save = config_.save_path;
    if (save.empty()) return "nothing was saved (no --save)";
    std::string kept = saved_epoch_ > 0
                           ? save + " still holds epoch " + std::to_string(saved_epoch_) +
                                 " and was not overwritten"
                           : "no epoch had finished, so nothing was saved";
    std::error_code ec;
    if (std::filesystem::exists(best_path_, ec)) kept += "; the best epoch is in " + best_path_;
    return kept;
  }

  TrainOutcome interrupted_before(int64_t epoch) {
    outcome_.status = TrainStatus::interrupted;
    outcome_.message = "interrupted before epoch " + std::to_string(epoch + 1) +
                       (config_.save_path.empty()
                            ? ""
                            : "; " + config_.save_path + " holds epoch " + std::to_string(epoch));
    return outcome_;
  }

  TrainOutcome interrupted_at(int64_t epoch, int64_t batches_done, const EpochTally& tally) {
    outcome_.status = TrainStatus::interrupted;
    const std::string where = "interrupted at epoch " + std::to_string(epoch + 1) + ", batch " +
                              std::to_string(batches_done);
    const std::string& save = config_.save_path;
    if (save.empty()) {
      outcome_.message = where + "; nothing saved (no --save)";
    } else {
      this->save(save, epoch, batches_done, tally);
      outcome_.message = where + " of " + std::to_string(loader_.size()) + "; saved " + save +
                         " (continue with: lenet train --resume " + save + ")";
    }
    return outcome_;
  }

  ProgressBar progress_bar(int64_t epoch) const {
    ProgressOptions options;
    if (!config_.progress) options.interactive = false;
    return ProgressBar(
        "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(config_.run.epochs),
        loader_.num_examples(), options);
  }
  std::string summary(const EpochTally& tally) const {
    return "loss " + fixed(tally.loss(), 4) + "  acc " + fixed(100 * tally.accuracy(), 1) + "%  " +
           fixed(rate(timer_.seconds()), 0) + " img/s";
  }
  // Images per second of the batches this process trained (not those before a resume).
  double rate(double seconds) const {
    return static_cast<double>(seen_now_) / std::max(seconds, 1e-9);
  }
  bool stopping() const { return stop_ != nullptr && stop_->load(); }

  models::LeNet5& model_;
  const TrainConfig& config_;
  const data::Dataset& test_;
  std::ostream& out_;
  const std::atomic<bool>* stop_;
  const TrainStart start_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  DataParallel parallel_;
  std::optional<optim::StepLR> scheduler_;
  data::DataLoader loader_;
  TrainOutcome outcome_;
  double first_loss_ = -1;
  double best_accuracy_ = -1;
  std::string best_path_;    // where the best epoch goes; empty: no --save
  int64_t saved_epoch_ = 0;  // the last epoch this run saved; 0: none yet
  int64_t seen_now_ = 0;
  Timer timer_;
};

}  // namespace

TrainOutcome train(models::LeNet5& model, const TrainConfig& config, const data::Dataset& train,
                   const data::Dataset& test, std::ostream& out, TrainStart start,
                   const std::atomic<bool>* stop) {
  check_run(config, train, test);
  return Run(model, config, train, test, out, std::move(start), stop).run();
}

}  // namespace byo::lenet
