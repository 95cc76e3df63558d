/// @file
/// @brief `lenet train`: the settings (variant defaults, or a checkpoint's when resuming),
///        Ctrl-C handling, and the run itself.
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>

#include "byo/check.h"
#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "byo/profiler.h"
#include "byo/progress.h"
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
  std::optional<int64_t> epochs, batch_size;
  std::optional<double> lr, momentum, weight_decay, lr_gamma;
  std::optional<int64_t> lr_step;
  std::optional<uint64_t> seed;
  int64_t limit = 0;
  int64_t test_limit = 0;
  std::optional<std::string> save;
  bool no_save = false;
  std::string resume;
  std::string metrics_out;
  bool profile = false;
  std::optional<int> threads;
};

template <typename T>
void refuse_change(const std::optional<T>& flag, const T& stored, const std::string& name,
                   const std::string& path) {
  BYO_CHECK(!flag || *flag == stored)
      << "lenet train: " << path << " was trained with --" << name << " " << stored << ", not "
      << *flag << "; leave --" << name << " out to continue it";
}

int run_train(const TrainFlags& f) {
  std::optional<Checkpoint> checkpoint;
  if (!f.resume.empty()) checkpoint = read_checkpoint(f.resume);

  // The variant and the data set decide the defaults, so they come first.
  std::string variant = f.variant.value_or("modern");
  std::string dataset = f.dataset.value_or("mnist");
  if (checkpoint) {
    const CheckpointInfo& info = checkpoint->info;
    refuse_change(f.variant, info.variant, "variant", f.resume);
    refuse_change(f.dataset, info.dataset, "dataset", f.resume);
    variant = info.variant;
    dataset = info.dataset;
  }
  TrainConfig c = default_config(models::parse_variant(variant));
  c.dataset = dataset;
  if (checkpoint) {  // continue the same run: its settings, unless overridden
    const CheckpointInfo& info = checkpoint->info;
    refuse_change(f.seed, info.run.seed, "seed", f.resume);
    refuse_change(f.batch_size, info.run.batch_size, "batch-size", f.resume);
    c.run = info.run;
  }
  if (f.epochs) c.epochs = *f.epochs;
  if (f.batch_size) c.run.batch_size = *f.batch_size;
  if (f.optimizer) c.run.optimizer = *f.optimizer;
  if (f.lr) c.run.lr = *f.lr;
  if (f.momentum) c.run.momentum = *f.momentum;
  if (f.weight_decay) c.run.weight_decay = *f.weight_decay;
  if (f.seed) c.run.seed = *f.seed;
  if (f.lr_step) c.run.lr_step = *f.lr_step;
  if (f.lr_gamma) c.run.lr_gamma = *f.lr_gamma;
  c.data_dir = f.data_dir;
  c.limit = f.limit;
  c.test_limit = f.test_limit;
  c.metrics_path = f.metrics_out;
  if (!f.no_save) {
    c.save_path = f.save.value_or(checkpoint ? f.resume : "lenet-" + variant + ".byot");
  }
  check_config(c);
  if (f.threads) set_num_threads(*f.threads);

  const auto train_set = open_dataset(c.dataset, c.data_dir, "train");
  const auto test_set = open_dataset(c.dataset, c.data_dir, "test");
  Generator gen(c.run.seed);
  models::LeNet5 model(c.variant, gen);
  TrainStart start;
  if (checkpoint) {
    load_weights(model, *checkpoint, f.resume);
    start.epoch = checkpoint->info.epoch;
    start.batch = checkpoint->info.batch;
    // The saved optimiser's moments continue the run exactly; another optimiser (or
    // checkpoint without them) starts afresh.
    if (c.run.optimizer == checkpoint->info.run.optimizer) {
      start.optimizer_state = checkpoint->optimizer_state;
    }
    if (start.epoch >= c.epochs) {
      std::cout << f.resume << " has already trained " << start.epoch
                << " epochs; ask for more with --epochs N (N > " << start.epoch << ")\n";
      return 0;
    }
  }

  // Installed before the first line of output, so that whoever waits for that line (a
  // user, a test) can interrupt safely from then on.
  std::signal(SIGINT, on_sigint);
  std::cout << "LeNet-5 " << variant << " on " << c.dataset << ": " << count_parameters(model)
            << " parameters, " << c.run.optimizer << " lr " << c.run.lr;
  if (c.run.optimizer == "sgd") std::cout << " momentum " << c.run.momentum;
  if (c.run.weight_decay > 0) std::cout << " weight decay " << c.run.weight_decay;
  if (c.run.lr_step > 0) {
    std::cout << " (x" << c.run.lr_gamma << " every " << c.run.lr_step << " epoch"
              << (c.run.lr_step == 1 ? "" : "s") << ")";
  }
  std::cout << ", batch " << c.run.batch_size << ", seed " << c.run.seed << ", " << num_threads()
            << " thread" << (num_threads() == 1 ? "" : "s") << "\n";
  if (checkpoint) {
    std::cout << "resuming " << f.resume << " after epoch " << start.epoch;
    if (start.batch > 0) std::cout << " and " << start.batch << " batches";
    std::cout << (start.optimizer_state.empty() ? " (optimiser state starts afresh)\n"
                                                : " (optimiser state restored)\n");
  }
  std::cout << "training on "
            << (c.limit > 0 ? std::min(c.limit, train_set->size()) : train_set->size())
            << " images, testing on "
            << (c.test_limit > 0 ? std::min(c.test_limit, test_set->size()) : test_set->size())
            << std::endl;

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
  switch (outcome.status) {
    case TrainStatus::diverged:
      std::cerr << "lenet train: stopped: " << outcome.message << "\n";
      return 1;
    case TrainStatus::interrupted:
      std::cerr << "lenet train: " << outcome.message << "\n";
      return 130;  // the shell's convention for "ended by SIGINT"
    case TrainStatus::finished:
      break;
  }
  if (!c.save_path.empty()) std::cout << "saved " << c.save_path << "\n";
  std::cout << "test accuracy: " << format_fixed(100 * outcome.test_accuracy, 2) << "%\n";
  return 0;
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
  cmd->add_option("--epochs", flags->epochs, "epochs in all (default 5 modern, 10 classic)")
      ->check(kPositive);
  cmd->add_option("--batch-size", flags->batch_size, "default 64 modern, 128 classic")
      ->check(kPositive);
  cmd->add_option("--optimizer", flags->optimizer, "sgd or adam (default adam)")
      ->check(CLI::IsMember({"sgd", "adam"}));
  cmd->add_option("--lr", flags->lr, "learning rate (default 2e-3 modern, 3e-3 classic)")
      ->check(kPositive);
  cmd->add_option("--momentum", flags->momentum, "SGD momentum (default 0)")
      ->check(CLI::Range(0.0, 0.999999));
  cmd->add_option("--weight-decay", flags->weight_decay, "L2 weight decay (default 0)")
      ->check(kNonNegative);
  cmd->add_option(
         "--lr-step", flags->lr_step,
         "multiply the lr by --lr-gamma every N epochs; 0: never (default 2 modern, 4 classic)")
      ->check(kNonNegative);
  cmd->add_option("--lr-gamma", flags->lr_gamma, "the factor of --lr-step (default 0.3)")
      ->check(CLI::Range(1e-9, 1.0));
  cmd->add_option("--seed", flags->seed, "initial weights and shuffling (default 0)");
  cmd->add_option("--threads", flags->threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--limit", flags->limit, "train on the first N images only (default: all)")
      ->check(kNonNegative);
  cmd->add_option("--test-limit", flags->test_limit,
                  "test on the first N test images only (default: all)")
      ->check(kNonNegative);
  auto* save = cmd->add_option("--save", flags->save,
                               "checkpoint written after every epoch (default lenet-VARIANT.byot; "
                               "with --resume, the resumed file)");
  cmd->add_flag("--no-save", flags->no_save, "write no checkpoint")->excludes(save);
  cmd->add_option("--resume", flags->resume, "continue the run saved in this checkpoint")
      ->check(CLI::ExistingFile);
  cmd->add_option("--metrics-out", flags->metrics_out,
                  "write one JSON line per epoch to this file (a resumed run appends)");
  cmd->add_flag("--profile", flags->profile, "print the time of every op at the end");
  return [flags] { return run_train(*flags); };
}

}  // namespace byo::lenet::cli
