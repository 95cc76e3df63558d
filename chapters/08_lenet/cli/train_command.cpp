/// @file
/// @brief `lenet train`: the settings (variant defaults, or a checkpoint's when resuming),
///        Ctrl-C handling, and the run itself (trainer.h).
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "byo/profiler.h"
#include "byo/progress.h"
#include "byo/serialize.h"
#include "byo/table.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

// Set by the SIGINT handler, read after every batch. A lock-free atomic is one of the few
// things a signal handler may touch.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) {
  g_stop.store(true);
  // A second Ctrl-C kills at once, as users expect when a save hangs.
  std::signal(SIGINT, SIG_DFL);
}

// What the command line said; unset options take the variant's defaults or, when
// resuming, the checkpoint's.
struct TrainFlags {
  std::optional<std::string> variant, dataset, optimizer;
  std::string data_dir;
  std::optional<int64_t> epochs, batch_size, limit, test_limit;
  std::optional<double> lr, momentum, weight_decay, lr_gamma;
  std::optional<int64_t> lr_step;
  std::optional<uint64_t> seed;
  std::optional<std::string> save;
  bool no_save = false;
  std::string resume;
  std::string metrics_out;
  bool profile = false;
  std::optional<int> threads;
};

// A resumed run is the saved run: a flag may repeat the checkpoint's value, not change it.
template <typename T>
void refuse_change(const std::optional<T>& flag, const T& stored, const std::string& name,
                   const std::string& path) {
  BYO_CHECK(!flag || *flag == stored)
      << "lenet train: " << path << " is a run with --" << name << " " << stored << ", not "
      << *flag << "; leave --" << name << " out to continue it (or start a new run without "
      << "--resume)";
}

// The run's settings: the checkpoint's when resuming (only --epochs may grow), else the
// variant's defaults with the flags on top.
TrainConfig settings(const TrainFlags& f, const Checkpoint* checkpoint) {
  if (checkpoint != nullptr) {
    const CheckpointInfo& info = checkpoint->info;
    const RunSettings& r = info.run;
    const std::string& path = f.resume;
    refuse_change(f.variant, info.variant, "variant", path);
    refuse_change(f.dataset, info.dataset, "dataset", path);
    refuse_change(f.limit, r.limit, "limit", path);
    refuse_change(f.test_limit, r.test_limit, "test-limit", path);
    refuse_change(f.seed, r.seed, "seed", path);
    refuse_change(f.batch_size, r.batch_size, "batch-size", path);
    refuse_change(f.optimizer, r.optimizer, "optimizer", path);
    refuse_change(f.lr, r.lr, "lr", path);
    refuse_change(f.momentum, r.momentum, "momentum", path);
    refuse_change(f.weight_decay, r.weight_decay, "weight-decay", path);
    refuse_change(f.lr_step, r.lr_step, "lr-step", path);
    refuse_change(f.lr_gamma, r.lr_gamma, "lr-gamma", path);
    TrainConfig c = default_config(models::parse_variant(info.variant));
    c.dataset = info.dataset;
    c.run = r;
    if (f.epochs) c.run.epochs = *f.epochs;  // to train further than the run first planned
    return c;
  }
  TrainConfig c = default_config(models::parse_variant(f.variant.value_or("modern")));
  c.dataset = f.dataset.value_or("mnist");
  RunSettings& r = c.run;
  if (f.epochs) r.epochs = *f.epochs;
  if (f.limit) r.limit = *f.limit;
  if (f.test_limit) r.test_limit = *f.test_limit;
  if (f.batch_size) r.batch_size = *f.batch_size;
  if (f.optimizer) r.optimizer = *f.optimizer;
  if (f.lr) r.lr = *f.lr;
  if (f.momentum) r.momentum = *f.momentum;
  if (f.weight_decay) r.weight_decay = *f.weight_decay;
  if (f.seed) r.seed = *f.seed;
  if (f.lr_step) r.lr_step = *f.lr_step;
  if (f.lr_gamma) r.lr_gamma = *f.lr_gamma;
  return c;
}

void print_header(const TrainConfig& c, const models::LeNet5& model, const data::Dataset& train,
                  const data::Dataset& test) {
  const RunSettings& r = c.run;
  std::cout << "LeNet-5 " << models::variant_name(c.variant) << " on " << c.dataset << ": "
            << count_parameters(model) << " parameters, " << r.optimizer << " lr " << r.lr;
  if (r.optimizer == "sgd") std::cout << " momentum " << r.momentum;
  if (r.weight_decay > 0) std::cout << " weight decay " << r.weight_decay;
  if (r.lr_step > 0) {
    std::cout << " (x" << r.lr_gamma << " every " << r.lr_step << " epoch"
              << (r.lr_step == 1 ? "" : "s") << ")";
  }
  std::cout << ", batch " << r.batch_size << ", seed " << r.seed << ", " << num_threads()
            << " thread" << (num_threads() == 1 ? "" : "s, one replica each") << "\n";
  std::cout << "training on " << (r.limit > 0 ? r.limit : train.size()) << " images, testing on "
            << (r.test_limit > 0 ? r.test_limit : test.size()) << std::endl;
}

int report(const TrainOutcome& outcome, const TrainConfig& c) {
  switch (outcome.status) {
    case TrainStatus::diverged:
      std::cerr << "error: lenet train: stopped: " << outcome.message << "\n";
      return 1;
    case TrainStatus::interrupted:
      std::cerr << "lenet train: " << outcome.message << "\n";
      return 130;  // the shell's convention for "ended by SIGINT"
    case TrainStatus::finished:
      break;
  }
  if (!c.save_path.empty()) {
    std::cout << "saved " << c.save_path
              << " (best epoch: " << best_checkpoint_path(save_target(c.save_path).string())
              << ")\n";
  }
  std::cout << "test accuracy: " << format_fixed(100 * outcome.test_accuracy, 2) << "%\n";
  return 0;
}

int run_train(const TrainFlags& f) {
  BYO_CHECK(!f.save || !f.save->empty())
      << "lenet train: --save needs a file name (--no-save writes no checkpoint)";
  std::optional<Checkpoint> checkpoint;
  if (!f.resume.empty()) checkpoint = read_checkpoint(f.resume);
  TrainConfig c = settings(f, checkpoint ? &*checkpoint : nullptr);
  c.data_dir = f.data_dir;
  c.metrics_path = f.metrics_out;
  if (!f.no_save) {
    c.save_path = f.save.value_or(
        checkpoint ? f.resume : "lenet-" + models::variant_name(c.variant) + ".byot");
  }
  check_config(c);
  if (f.threads) set_num_threads(*f.threads);

  const auto train_set = open_dataset(c.dataset, c.data_dir, "train");
  const auto test_set = open_dataset(c.dataset, c.data_dir, "test");
  check_run(c, *train_set, *test_set);  // before any work: a bad path or limit fails now
  Generator gen(c.run.seed);
  models::LeNet5 model(c.variant, gen);
  TrainStart start;
  if (checkpoint) {
    load_weights(model, *checkpoint, f.resume);
    start = resume_from(*checkpoint);
    if (start.epoch >= c.run.epochs) {
      std::cout << f.resume << " has already trained " << start.epoch << " epoch"
                << (start.epoch == 1 ? "" : "s") << "; ask for more with --epochs N (N > "
                << start.epoch << ")\n";
      return 0;
    }
  }

  // Installed before the first line of output, so that whoever waits for that line (a
  // user, a test) can interrupt safely from then on.
  std::signal(SIGINT, on_sigint);
  print_header(c, model, *train_set, *test_set);
  if (checkpoint) {
    std::cout << "resuming " << f.resume << " after epoch " << start.epoch;
    if (start.batch > 0) std::cout << " and " << start.batch << " batches";
    std::cout << (start.optimizer_state.empty()
                      ? " (it holds no optimiser state: starting afresh)\n"
                      : " (optimiser state restored)\n");
  }
  // A new run starts its metrics log afresh; a resumed one appends to it.
  if (!checkpoint && !c.metrics_path.empty()) {
    std::ofstream truncate(c.metrics_path, std::ios::trunc);
    BYO_CHECK(truncate.is_open()) << "lenet train: cannot write the metrics file "
                                  << c.metrics_path;
  }
  if (f.profile) profiler::enable(true);
  const TrainOutcome outcome = train(model, c, *train_set, *test_set, std::cout, start, &g_stop);
  std::signal(SIGINT, SIG_DFL);
  if (f.profile) {
    profiler::enable(false);
    std::cout << "\nop profile (all epochs):\n";
    profiler::report(std::cout);
  }
  return report(outcome, c);
}

// "default 5 modern, 10 classic": a help text made from default_config, so that the
// defaults are written in one place.
template <typename Field>
std::string defaults(Field field) {
  std::ostringstream os;
  os << "default " << field(default_config(models::LeNetVariant::modern).run) << " modern, "
     << field(default_config(models::LeNetVariant::classic).run) << " classic";
  return os.str();
}

}  // namespace

Command add_train(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train LeNet-5; test after every epoch");
  cmd->add_option("--variant", flags->variant,
                  "classic (sigmoid, avg pool) or modern (ReLU, "
                  "max pool); default modern")
      ->check(CLI::IsMember({"classic", "modern"}));
  cmd->add_option("--dataset", flags->dataset, "mnist or fashion; default mnist")
      ->check(CLI::IsMember({"mnist", "fashion"}));
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  cmd->add_option("--epochs", flags->epochs,
                  "epochs in all (" + defaults([](const RunSettings& r) { return r.epochs; }) +
                      "; the one setting a resumed run may change, to train further)")
      ->check(kWholeNumber)
      ->check(kPositive);
  cmd->add_option("--batch-size", flags->batch_size,
                  defaults([](const RunSettings& r) { return r.batch_size; }))
      ->check(kWholeNumber)
      ->check(kPositive);
  cmd->add_option("--optimizer", flags->optimizer, "sgd or adam (default adam)")
      ->check(CLI::IsMember({"sgd", "adam"}));
  cmd->add_option("--lr", flags->lr,
                  "learning rate (" + defaults([](const RunSettings& r) { return r.lr; }) + ")")
      ->check(kPositive);
  cmd->add_option("--momentum", flags->momentum, "SGD momentum (default 0)")
      ->check(CLI::Range(0.0, 0.999999));
  cmd->add_option("--weight-decay", flags->weight_decay, "L2 weight decay (default 0)")
      ->check(kNonNegative);
  cmd->add_option("--lr-step", flags->lr_step,
                  "multiply the lr by --lr-gamma every N epochs; 0: never (" +
                      defaults([](const RunSettings& r) { return r.lr_step; }) + ")")
      ->check(kWholeNumber)
      ->check(kNonNegative);
  cmd->add_option("--lr-gamma", flags->lr_gamma,
                  "the factor of --lr-step (" +
                      defaults([](const RunSettings& r) { return r.lr_gamma; }) + ")")
      ->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--seed", flags->seed, "initial weights and shuffling (default 0)")
      ->check(kUnsignedWholeNumber);
  cmd->add_option("--threads", flags->threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--limit", flags->limit, "train on the first N images only (default: all)")
      ->check(kWholeNumber)
      ->check(kNonNegative);
  cmd->add_option("--test-limit", flags->test_limit,
                  "test on the first N test images only (default: all)")
      ->check(kWholeNumber)
      ->check(kNonNegative);
  auto* save = cmd->add_option("--save", flags->save,
                               "checkpoint written after every epoch, the best epoch beside it as "
                               "NAME.best.byot (default lenet-VARIANT.byot; with --resume, the "
                               "resumed file)");
  cmd->add_flag("--no-save", flags->no_save, "write no checkpoint")->excludes(save);
  cmd->add_option("--resume", flags->resume,
                  "continue the run saved in this checkpoint, with its settings")
      ->check(CLI::ExistingFile);
  cmd->add_option("--metrics-out", flags->metrics_out,
                  "write one JSON line per epoch to this file (a resumed run appends)");
  cmd->add_flag("--profile", flags->profile, "print the time of every op at the end");
  return [flags] { return run_train(*flags); };
}

}  // namespace byo::lenet::cli
