/// @file
/// @brief `lenet bench`: training epochs and inference over the test set, timed, with the
///        process's peak memory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "byo/autograd.h"
#include "byo/data/dataloader.h"
#include "byo/fast_kernels.h"
#include "byo/kernel_profile.h"
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
  int64_t latency_runs = 200;
  int64_t limit = 0;
  std::optional<int> threads;
  std::string data_dir;
  bool profile = false;
  std::string roofline;
  bool fixed_threads = false;
};

// The last epoch's kernel profile, its table and, if asked, its roofline picture. With
// replicas, each runs its shard on one thread while the others run theirs: the rows add
// up the threads' seconds, so they are shares of `replicas` × the epoch, and each row is
// judged against one thread's roofs.
void report_profile(const BenchFlags& f, const KernelProfile& profile,
                    const AllocatorCounts& before, double epoch_seconds, int64_t images,
                    int64_t steps, int replicas) {
  const AllocatorCounts after = allocator_counts();
  const auto rows = profile.rows();
  const int threads = num_threads();
  if (replicas > 1) set_num_threads(1);
  const Roofs roofs = measure_roofs();
  set_num_threads(threads);
  const double thread_seconds = epoch_seconds * replicas;
  std::cout << "\nkernel profile of the last epoch (" << images << " images, " << steps
            << " steps): buffers of 64 KB or more " << after.cached - before.cached
            << " from the cache and " << after.fresh - before.fresh << " fresh ("
            << format_fixed(static_cast<double>(after.fresh_bytes - before.fresh_bytes) / (1 << 20),
                            1)
            << " MiB), smaller ones " << after.small - before.small << "\n";
  if (replicas > 1) {
    std::cout << replicas << " replicas, one thread each: seconds are summed over the threads, "
              << "out of " << replicas << " × " << format_fixed(epoch_seconds, 3) << " s\n";
  }
  print_profile(std::cout, rows, roofs, thread_seconds);
  if (f.roofline.empty()) return;
  const std::string title =
      "LeNet-5 " + f.variant + ", one training epoch, " +
      (replicas > 1 ? std::to_string(replicas) + " replicas of one thread"
                    : std::to_string(threads) + " thread" + (threads == 1 ? "" : "s"));
  std::ofstream picture(f.roofline, std::ios::binary | std::ios::trunc);
  picture << roofline_svg(rows, roofs, thread_seconds, title);
  picture.close();
  BYO_CHECK(picture.good()) << "cannot write the roofline picture to " << f.roofline;
  std::cout << "wrote " << f.roofline << "\n";
}

// The latency `predict` feels: one image through the model, as it classifies it.
double one_image_seconds(models::LeNet5& model, const data::MNIST& test_set, int64_t runs) {
  const int64_t first = 0;
  const Tensor image = test_set.get_batch({&first, 1}).images;  // (1, 1, 28, 28), normalised
  NoGradGuard no_grad;
  model.eval();
  std::vector<double> seconds;
  for (int64_t run = -10; run < runs; ++run) {  // ten untimed runs warm the caches up
    Timer timer;
    const Tensor probabilities = softmax(model.forward(image), 1);
    if (run >= 0) seconds.push_back(timer.seconds());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

int run_bench(const BenchFlags& f) {
  if (f.threads) set_num_threads(*f.threads);
  if (f.fixed_threads) set_thread_adaptation(false);
  // A path that cannot be written fails now, not after the epochs; opened to append, so
  // that an existing file is only replaced once the picture is ready.
  if (!f.roofline.empty()) {
    const bool existed = std::filesystem::exists(f.roofline);
    BYO_CHECK(std::ofstream(f.roofline, std::ios::app).is_open())
        << "cannot write the roofline picture to " << f.roofline;
    if (!existed) std::filesystem::remove(f.roofline);
  }
  TrainConfig c = default_config(models::parse_variant(f.variant));
  if (f.batch_size) c.run.batch_size = *f.batch_size;
  c.run.limit = f.limit;
  const auto train_set = open_dataset("mnist", f.data_dir, "train");
  const auto test_set = open_dataset("mnist", f.data_dir, "test");
  Generator gen(c.run.seed);
  models::LeNet5 model(c.variant, gen);
  const auto optimizer = make_optimizer(c, model);
  DataParallel parallel = data_parallel(model, num_threads());
  data::DataLoader loader(
      *train_set,
      {.batch_size = c.run.batch_size, .shuffle = true, .seed = c.run.seed, .limit = c.run.limit});
  std::cout << "lenet bench: LeNet-5 " << f.variant << ", batch " << c.run.batch_size << ", "
            << c.run.optimizer << ", " << num_threads() << " thread"
            << (num_threads() == 1    ? ""
                : thread_adaptation() ? "s (fewer while other processes keep cores busy)"
                                      : "s (fixed)")
            << (parallel.shards() > 1 ? ", one replica each" : "") << ", " << loader.num_examples()
            << " training images per epoch\n";

  Table table({"what", "seconds", "images/s"});
  std::vector<double> epoch_seconds;
  std::unique_ptr<KernelProfile> profile;
  AllocatorCounts before;
  int64_t steps = 0;
  for (int64_t epoch = 0; epoch < f.epochs; ++epoch) {
    // The last epoch is profiled, after the earlier ones (if any) warmed the caches up.
    if ((f.profile || !f.roofline.empty()) && epoch + 1 == f.epochs) {
      profile = std::make_unique<KernelProfile>();
      before = allocator_counts();
    }
    steps = 0;
    Timer timer;
    const data::DataLoader::Epoch batches = loader.epoch(epoch);
    for (auto it = batches.begin(); it != batches.end(); ++it) {
      ++steps;
      optimizer->zero_grad();
      parallel.train_step(*train_set, it.indices(), *optimizer);  // each shard loads its examples
    }
    const double s = timer.seconds();
    epoch_seconds.push_back(s);
    table.add_row({"train epoch " + std::to_string(epoch + 1), format_fixed(s, 3),
                   format_fixed(static_cast<double>(loader.num_examples()) / s, 0)});
  }
  if (f.epochs > 1) {
    std::vector<double> sorted = epoch_seconds;
    std::sort(sorted.begin(), sorted.end());
    const size_t mid = sorted.size() / 2;  // as Python's statistics.median, for bench_torch.py
    const double median =
        sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    table.add_row({"train epoch (median)", format_fixed(median, 3),
                   format_fixed(static_cast<double>(loader.num_examples()) / median, 0)});
  }
  if (profile) {
    table.print(std::cout);
    report_profile(f, *profile, before, epoch_seconds.back(), loader.num_examples(), steps,
                   parallel.shards());
    profile.reset();
    table = Table({"what", "seconds", "images/s"});
    std::cout << "\n";
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
  const double latency = one_image_seconds(model, *test_set, f.latency_runs);
  table.add_row({"one test image (batch 1, median of " + std::to_string(f.latency_runs) + ")",
                 format_fixed(latency, 6), format_fixed(1.0 / latency, 0)});
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
  cmd->add_option("--latency-runs", flags->latency_runs,
                  "timed one-image forward passes after ten warm-ups; the median is shown "
                  "(default 200)")
      ->check(kPositive);
  cmd->add_option("--limit", flags->limit, "first N training images only (default: all)")
      ->check(kNonNegative);
  cmd->add_option("--threads", flags->threads, "OpenMP threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--data", flags->data_dir,
                  "folder of the IDX files (default: $BYO_MNIST_DIR or data/mnist)");
  cmd->add_flag("--fixed-threads", flags->fixed_threads,
                "always use --threads threads, even when other processes keep cores busy");
  cmd->add_flag("--profile", flags->profile,
                "time every kernel of the last epoch: seconds, GFLOP/s, GB/s per layer and pass");
  cmd->add_option("--roofline", flags->roofline,
                  "profile as --profile does, and draw it as a roofline picture (SVG) here");
  return [flags] { return run_bench(*flags); };
}

}  // namespace byo::lenet::cli
