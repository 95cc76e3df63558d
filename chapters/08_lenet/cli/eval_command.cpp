/// @file
/// @brief `lenet eval`: test accuracy and confusion matrix of a checkpoint.
#include <iostream>

#include "byo/lenet/checkpoint.h"
#include "byo/lenet/datasets.h"
#include "byo/lenet/runtime.h"
#include "byo/lenet/trainer.h"
#include "byo/table.h"
#include "byo/timer.h"
#include "commands.h"

namespace byo::lenet::cli {
namespace {

struct EvalFlags {
  std::string checkpoint;
  std::string data_dir;
  int64_t limit = 0;
  int64_t batch_size = 1000;
  std::optional<int> threads;
};

int run_eval(const EvalFlags& f) {
  if (f.threads) set_num_threads(*f.threads);
  const Checkpoint checkpoint = read_checkpoint(f.checkpoint);
  Generator gen(0);
  models::LeNet5 model(models::parse_variant(checkpoint.info.variant), gen);
  load_weights(model, checkpoint, f.checkpoint);
  const auto test = open_dataset(checkpoint.info.dataset, f.data_dir, "test");

  Timer timer;
  const EvalResult r = evaluate(model, *test, f.limit, f.batch_size);
  const double seconds = timer.seconds();
  std::cout << f.checkpoint << ": LeNet-5 " << checkpoint.info.variant << ", "
            << checkpoint.info.epoch << " epoch" << (checkpoint.info.epoch == 1 ? "" : "s")
            << " on " << checkpoint.info.dataset << "\n"
            << "test accuracy: " << format_fixed(100 * r.accuracy(), 2) << "% (" << r.correct << "/"
            << r.total << "), loss " << format_fixed(r.loss, 4) << ", " << format_fixed(seconds, 2)
            << " s\n\n"
            << "confusion matrix (rows: true class, columns: predicted)\n";
  const auto names = class_names(checkpoint.info.dataset);
  Table table;
  table.add_column("true", Align::left);
  for (const std::string& name : names) table.add_column(name, Align::right);
  table.add_column("recall", Align::right);
  for (size_t t = 0; t < 10; ++t) {
    std::vector<std::string> row{names[t]};
    int64_t total = 0;
    for (size_t p = 0; p < 10; ++p) {
      row.push_back(std::to_string(r.confusion[t][p]));
      total += r.confusion[t][p];
    }
    const double recall = total > 0 ? static_cast<double>(r.confusion[t][t]) / total : 0.0;
    row.push_back(format_fixed(100 * recall, 1) + "%");
    table.add_row(row);
  }
  table.print(std::cout);
  return 0;
}

}  // namespace

Command add_eval(CLI::App& app) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* cmd = app.add_subcommand("eval", "Test accuracy and confusion matrix of a checkpoint");
  cmd->add_option("--checkpoint", flags->checkpoint, "a checkpoint written by lenet train")
      ->required();
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  cmd->add_option("--limit", flags->limit, "the first N test images only (default: all)")
      ->check(kWholeNumber)
      ->check(kNonNegative);
  cmd->add_option("--batch-size", flags->batch_size, "images per forward pass (default 1000)")
      ->check(kWholeNumber)
      ->check(kPositive);
  cmd->add_option("--threads", flags->threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  return [flags] { return run_eval(*flags); };
}

}  // namespace byo::lenet::cli
