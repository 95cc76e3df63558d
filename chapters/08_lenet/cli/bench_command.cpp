/// @file
/// @brief `lenet bench`: training epochs and inference over the test set, timed, with the
///        process's peak memory.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/data/dataloader.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "byo/ops.h"
#include "byo/table.h"
#include "byo/timer.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct BenchFlags {
  std::string variant = "modern";
  std::optional<int64_t> batch_size;
  int64_t epochs = 1;
  int64_t eval_batch_size = 1000;
  int64_t inference_runs = 5;
  int64_t limit = 0;
  std::optional<int> threads;
  std::string data_dir;
};

int run_bench(const BenchFlags& f) {
  if (f.threads) set_num_threads(*f.threads);
  TrainConfig c = default_config(models::parse_variant(f.variant));
  if (f.batch_size) c.run.batch_size = *f.batch_size;
  c.run.limit = f.limit;
  const auto train_set = open_dataset("mnist", f.data_dir, "train");
  const auto test_set = open_dataset("mnist", f.data_dir, "test");
  Generator gen(c.run.seed);
  models::LeNet5 model(c.variant, gen);
  const auto optimizer = make_optimizer(c, model);
  data::DataLoader loader(
      *train_set,
      {.batch_size = c.run.batch_size, .shuffle = true, .seed = c.run.seed, .limit = c.run.limit});
  std::cout << "lenet bench: LeNet-5 " << f.variant << ", batch " << c.run.batch_size << ", "
            << c.run.optimizer << ", " << num_threads() << " thread"
            << (num_threads() == 1 ? "" : "s") << ", " << loader.num_examples()
            << " training images per epoch\n";

  Table table({"what", "seconds", "images/s"});
  std::vector<double> epoch_seconds;
  for (int64_t epoch = 0; epoch < f.epochs; ++epoch) {
    Timer timer;
    for (const data::Batch& batch : loader.epoch(epoch)) {
      optimizer->zero_grad();
      const Tensor loss = cross_entropy(model.forward(batch.images), batch.labels);
      loss.backward();
      optimizer->step();
    }
    const double s = timer.seconds();
    epoch_seconds.push_back(s);
    table.add_row({"train epoch " + std::to_string(epoch + 1), format_fixed(s, 3),
                   format_fixed(static_cast<double>(loader.num_examples()) / s, 0)});
  }
  if (f.epochs > 1) {
    std::vector<double> sorted = epoch_seconds;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    table.add_row({"train epoch (median)", format_fixed(median, 3),
                   format_fixed(static_cast<double>(loader.num_examples()) / median, 0)});
  }
  // As PyTorch's reference/bench_torch.py does: one pass to warm up (its first batch
  // allocates every activation buffer), then the median of `inference_runs` timed passes.
  EvalResult r = evaluate(model, *test_set, 0, f.eval_batch_size);
  std::vector<double> inference_seconds;
  for (int64_t run = 0; run < f.inference_runs; ++run) {
    Timer timer;
    r = evaluate(model, *test_set, 0, f.eval_batch_size);
    inference_seconds.push_back(timer.seconds());
  }
  std::sort(inference_seconds.begin(), inference_seconds.end());
  const double s = inference_seconds[inference_seconds.size() / 2];
  table.add_row({"inference, " + std::to_string(r.total) + " test images (batch " +
                     std::to_string(f.eval_batch_size) + ", median of " +
                     std::to_string(f.inference_runs) + ")",
                 format_fixed(s, 3), format_fixed(static_cast<double>(r.total) / s, 0)});
  table.print(std::cout);
  std::cout << "test accuracy after " << f.epochs << " epoch" << (f.epochs == 1 ? "" : "s") << ": "
            << format_fixed(100 * r.accuracy(), 2) << "%\n"
            << "peak memory (max RSS): "
            << format_fixed(static_cast<double>(peak_memory_bytes()) / (1024.0 * 1024.0), 1)
            << " MiB\n";
  return 0;
}

}  // namespace

Command add_bench(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand("bench", "Time training epochs and test-set inference");
  cmd->add_option("--variant", flags->variant, "classic or modern (default modern)")
      ->check(CLI::IsMember({"classic", "modern"}));
  cmd->add_option("--batch-size", flags->batch_size, "default 64 modern, 128 classic")
      ->check(kPositive);
  cmd->add_option("--epochs", flags->epochs, "training epochs to time (default 1)")
      ->check(kPositive);
  cmd->add_option("--eval-batch-size", flags->eval_batch_size,
                  "images per inference forward pass (default 1000)")
      ->check(kPositive);
  cmd->add_option("--inference-runs", flags->inference_runs,
                  "timed inference passes after one warm-up; the median is shown (default 5)")
      ->check(kPositive);
  cmd->add_option("--limit", flags->limit, "first N training images only (default: all)")
      ->check(kNonNegative);
  cmd->add_option("--threads", flags->threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  return [flags] { return run_bench(*flags); };
}

}  // namespace byo::lenet::cli
