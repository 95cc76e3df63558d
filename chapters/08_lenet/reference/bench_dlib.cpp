/// @file
/// @brief dlib's side of chapter 8's speed table: the LeNet of dlib's own MNIST example,
///        trained with dlib's SGD and timed the way reference/bench_torch.py times PyTorch.
///
///     ./build/bench_dlib --data data/mnist --batch-size 128 --threads 2 --epochs 3 --json
///
/// One line per epoch, then the median epoch time, inference over the test set and peak
/// memory, then (with --json) one JSON object with bench_torch.py's keys but variant.
/// The network is that example's, not byotorch's LeNet5: ReLU and max pooling, no padding,
/// and dlib's input layer divides the bytes by 256.
#include <dlfcn.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <dlib/data_io.h>
#include <dlib/dnn.h>
#include <dlib/revision.h>

#if defined(__SSE2__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

namespace {

template <long Filters, typename Subnet>
using ConvReluPool = dlib::max_pool<2, 2, 2, 2, dlib::relu<dlib::con<Filters, 5, 5, 1, 1, Subnet>>>;
using Image = dlib::matrix<unsigned char>;
using LeNet = dlib::loss_multiclass_log<dlib::fc<
    10,
    dlib::relu<dlib::fc<
        84, dlib::relu<dlib::fc<120, ConvReluPool<16, ConvReluPool<6, dlib::input<Image>>>>>>>>>;

std::string default_data_dir() {
  const char* env = std::getenv("BYO_MNIST_DIR");
  return env && *env ? env : "data/mnist";
}

struct Flags {
  std::string data_dir = default_data_dir();
  long epochs = 1, batch_size = 128, limit = 0, threads = 1;
  bool json = false;
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "bench_dlib: " << message
            << "\nusage: bench_dlib [--data DIR] [--epochs N] [--batch-size N] [--limit N]"
               " [--threads N] [--json]\n";
  std::exit(2);
}

Flags parse_flags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--json") {
      f.json = true;
      continue;
    }
    long* number = flag == "--epochs"       ? &f.epochs
                   : flag == "--batch-size" ? &f.batch_size
                   : flag == "--limit"      ? &f.limit
                   : flag == "--threads"    ? &f.threads
                                            : nullptr;
    if (!number && flag != "--data") usage_error("unknown flag " + flag);
    if (i + 1 == argc) usage_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (!number) {
      f.data_dir = value;
      continue;
    }
    const long min = number == &f.limit ? 0 : 1;  // --limit 0: every training image
    const char* end = value.data() + value.size();
    const auto [stop, err] = std::from_chars(value.data(), end, *number);
    if (err != std::errc() || stop != end || *number < min)
      usage_error(flag + " wants an integer >= " + std::to_string(min) + ", got '" + value + "'");
  }
  return f;
}

// Threads: dlib's CPU layers are single-threaded loops, run on the trainer's own thread
// while ours turns the next batch into a tensor (cheap: about one core in all). Only the
// matrix products (each sample's im2col x filters in the convolutions, batch x weights in
// the fc layers) go to the BLAS dlib links, Debian's libblas.so.3: OpenBLAS (pthreads) by
// default. OpenBLAS reads OPENBLAS_NUM_THREADS once, at load, so the count is set through
// its API, looked up at run time because another BLAS behind that link has no such call.
std::string set_blas_threads(long threads) {
  using SetThreads = void (*)(int);
  using GetThreads = int (*)();
  using GetConfig = char* (*)();
  const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  const auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  const auto config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  if (!set || !get)
    return "the BLAS is not OpenBLAS: --threads " + std::to_string(threads) + " has no effect";
  set(static_cast<int>(threads));
  return std::string(config ? config() : "OpenBLAS") + " with " + std::to_string(get()) +
         " thread(s) for the matrix products; dlib's own layer code runs on one trainer thread";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(const Flags& f) {
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    const std::filesystem::path file = std::filesystem::path(f.data_dir) / name;
    if (!std::filesystem::is_regular_file(file)) {
      std::cerr << "bench_dlib: " << file.string() << " not found (MNIST folder: --data DIR or "
                << "$BYO_MNIST_DIR; `cmake --build build --target mnist` downloads it)\n";
      return 1;
    }
  }
  std::vector<Image> train_x, test_x;
  std::vector<unsigned long> train_y, test_y;
  try {
    dlib::load_mnist_dataset(f.data_dir, train_x, train_y, test_x, test_y);
  } catch (const dlib::error& e) {  // a truncated or foreign file: its message lacks the folder
    std::cerr << "bench_dlib: " << f.data_dir << ": " << e.what() << "\n";
    return 1;
  }
  const size_t n =
      f.limit ? std::min(train_x.size(), static_cast<size_t>(f.limit)) : train_x.size();
  const std::string threads_note = set_blas_threads(f.threads);
  const std::string framework =
      "dlib " + std::to_string(DLIB_MAJOR_VERSION) + "." + std::to_string(DLIB_MINOR_VERSION);

  std::srand(0);  // dlib's layers draw their initial weights from std::rand()
  LeNet net;
  dlib::dnn_trainer<LeNet> trainer(net);  // default solver: sgd(weight decay 5e-4, momentum 0.9)
  trainer.set_learning_rate(0.01);
  trainer.set_mini_batch_size(static_cast<unsigned long>(f.batch_size));
  std::cout << "bench_dlib: " << framework << " LeNet, batch " << f.batch_size << ", sgd lr 0.01, "
            << n << " training images per epoch\nthreads: " << threads_note << "\n";

  const auto evaluate = [&](LeNet& model, double& test_accuracy) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<unsigned long> predicted = model(test_x, 1000);
    const double s = seconds_since(start);
    size_t correct = 0;
    for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == test_y[i];
    test_accuracy = static_cast<double>(correct) / static_cast<double>(test_x.size());
    return s;
  };

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937 rng(0);
  std::vector<Image> batch_x;
  std::vector<unsigned long> batch_y;
  std::vector<double> epoch_seconds;
  double accuracy = 0;
  for (long epoch = 1; epoch <= f.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    trainer.clear_average_loss();
    const auto start = std::chrono::steady_clock::now();
    for (size_t b = 0; b < n; b += static_cast<size_t>(f.batch_size)) {
      batch_x.clear();
      batch_y.clear();
      for (size_t i = b; i < std::min(n, b + static_cast<size_t>(f.batch_size)); ++i) {
        batch_x.push_back(train_x[order[i]]);
        batch_y.push_back(train_y[order[i]]);
      }
      trainer.train_one_step(batch_x, batch_y);
    }
    // The trainer steps on its own thread, one batch behind: wait for the last one.
    LeNet& trained = trainer.get_net();
    const double s = seconds_since(start);
    epoch_seconds.push_back(s);
    evaluate(trained, accuracy);
    std::printf("epoch %ld: train loss %.4f  test accuracy %.4f  %.2f s  %.0f images/s\n", epoch,
                trainer.get_average_loss(), accuracy, s, static_cast<double>(n) / s);
    std::fflush(stdout);
  }

  LeNet& trained = trainer.get_net();
  evaluate(trained, accuracy);  // warm-up, as bench_torch.py
  std::vector<double> inference;
  for (int r = 0; r < 3; ++r) inference.push_back(evaluate(trained, accuracy));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  std::printf("median epoch %.2f s; inference over %zu test images %.3f s; peak RSS %.0f MB\n",
              median(epoch_seconds), test_x.size(), median(inference), peak_mb);
  if (f.json) {
    std::string list;
    for (double s : epoch_seconds) list += (list.empty() ? "" : ", ") + std::to_string(s);
    std::printf(
        "{\"framework\": \"%s\", \"batch_size\": %ld, \"threads\": %ld, \"images\": %zu, "
        "\"epoch_seconds_median\": %.6f, \"epoch_seconds\": [%s], "
        "\"inference_seconds_median\": %.6f, \"test_accuracy\": %.4f, \"peak_rss_mb\": %.1f}\n",
        framework.c_str(), f.batch_size, f.threads, n, median(epoch_seconds), list.c_str(),
        median(inference), accuracy, peak_mb);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = parse_flags(argc, argv);
  // Denormal floats read and written as zero, as lenet and bench_torch.py run: the same
  // arithmetic, without a slow microcode assist for each number below 1.2e-38.
#if defined(__SSE2__)
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
#endif
  try {
    return run(flags);
  } catch (const std::exception& e) {
    std::cerr << "bench_dlib: " << e.what() << "\n";
    return 1;
  }
}
