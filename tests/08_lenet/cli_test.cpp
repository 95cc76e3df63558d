// The `lenet` program run as a user runs it: every bad input is one clear message and a
// non-zero exit status, never a crash; checkpoints save, resume, refuse, survive NaN and
// Ctrl-C. Each test name is cited by the chapter README's table of error cases.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "byo/idx.h"
#include "byo/lenet/checkpoint.h"
#include "data_dir.h"

namespace byo::lenet {
namespace {

namespace fs = std::filesystem;
using ::byo::lenet::testing::mnist_dir;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch folder per test, removed afterwards.
class LenetCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("byo_lenet_cli_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Result {
    int status = -1;  // exit status, or 128 + signal if killed
    std::string out, err;
    bool says(const std::string& text) const {
      return out.find(text) != std::string::npos || err.find(text) != std::string::npos;
    }
  };

  // Starts `lenet args...` with stdout and stderr going to files in the scratch folder.
  pid_t spawn(const std::vector<std::string>& args, bool as_nobody = false) {
    std::vector<std::string> argv_storage{BYO_TEST_LENET};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    const pid_t pid = fork();
    if (pid == 0) {  // child: only async-signal-safe calls until exec
      const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      // root reads every file; "permission denied" needs an ordinary user.
      if (as_nobody && geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(126);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }

  Result wait_for(pid_t pid) {
    int raw = 0;
    waitpid(pid, &raw, 0);
    Result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = read_file(dir_ / "stdout");
    r.err = read_file(dir_ / "stderr");
    return r;
  }

  Result run(const std::vector<std::string>& args, bool as_nobody = false) {
    return wait_for(spawn(args, as_nobody));
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A small, fast run: 256 images, tested on 200.
  std::vector<std::string> quick_train(const std::string& save, const std::string& variant,
                                       const std::string& epochs = "1") {
    return {"train",    "--data",    mnist_dir(), "--variant", variant,
            "--epochs", epochs,      "--limit",   "256",       "--test-limit",
            "200",      "--threads", "1",         "--save",    save};
  }

  fs::path dir_;
};

// ---- Bad data --------------------------------------------------------------------------

TEST_F(LenetCli, MissingDataNamesFetchCommand) {
  const Result r = run({"train", "--data", path("nowhere")});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(r.says("cmake --build build --target mnist")) << r.err;
  EXPECT_TRUE(r.says("nowhere")) << r.err;
}

TEST_F(LenetCli, CorruptDataNamesFileAndFetchCommand) {
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    std::ofstream(path(name)) << "this is not an IDX file";
  }
  const Result r = run({"train", "--data", dir_.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(r.says("train-images-idx3-ubyte")) << r.err;
  EXPECT_TRUE(r.says("cmake --build build --target mnist")) << r.err;
}

// ---- Nonsense command lines: status 2 and the option named ----------------------------

TEST_F(LenetCli, UnknownFlagIsRefused) {
  const Result r = run({"train", "--epoch", "3"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.says("--epoch")) << r.err;
}

TEST_F(LenetCli, NonsenseValuesAreRefused) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"train", "--epochs", "-3"},
                                               {"train", "--lr", "fast"},
                                               {"train", "--variant", "lenet7"},
                                               {"train", "--optimizer", "rmsprop"},
                                               {"train", "--threads", "0"},
                                               {"bench", "--batch-size", "0"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.status, 2) << args[1] << " " << args[2];
    EXPECT_TRUE(r.says(args[1])) << r.err;
  }
}

TEST_F(LenetCli, NoSubcommandShowsUsage) {
  const Result r = run({});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.says("train")) << r.err;
}

TEST_F(LenetCli, PredictNeedsIndexOrImage) {
  const Result r = run({"predict", "--checkpoint", path("c.byot")});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.says("lenet predict needs --index I or --image FILE.pgm")) << r.err;
  EXPECT_FALSE(r.says("is required")) << r.err;  // one sentence, not CLI11's suffix
}

// ---- Checkpoints -----------------------------------------------------------------------

TEST_F(LenetCli, MissingCheckpointIsNamed) {
  const Result r = run({"eval", "--checkpoint", path("missing.byot"), "--data", mnist_dir()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("missing.byot")) << r.err;
}

TEST_F(LenetCli, ForeignFileIsNotACheckpoint) {
  std::ofstream(path("notes.txt")) << "hello";
  const Result r = run({"eval", "--checkpoint", path("notes.txt"), "--data", mnist_dir()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("not a byotorch checkpoint")) << r.err;
}

TEST_F(LenetCli, DamagedCheckpointFailsItsChecksum) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  {
    std::fstream f(path("c.byot"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5000);
    f.put('\x7f');
  }
  const Result r = run({"eval", "--checkpoint", path("c.byot"), "--data", mnist_dir()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("checksum")) << r.err;
}

TEST_F(LenetCli, OtherVariantIsRefused) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "classic")).status, 0);
  auto args = quick_train(path("c.byot"), "modern", "2");
  args.insert(args.end(), {"--resume", path("c.byot")});
  const Result r = run(args);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("classic")) << r.err;
  EXPECT_EQ(read_checkpoint(path("c.byot")).info.variant, "classic");  // left alone
}

TEST_F(LenetCli, SaveThenResumeContinuesTheRun) {
  const Result first = run(quick_train(path("c.byot"), "classic"));
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(read_checkpoint(path("c.byot")).info.epoch, 1);
  // No --variant: the checkpoint's settings continue.
  const Result second =
      run({"train", "--data", mnist_dir(), "--resume", path("c.byot"), "--epochs", "2", "--limit",
           "256", "--test-limit", "200", "--threads", "1", "--metrics-out", path("m.jsonl")});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_TRUE(second.says("resuming")) << second.out;
  EXPECT_TRUE(second.says("optimiser state restored")) << second.out;
  EXPECT_TRUE(second.says("epoch 2/2")) << second.out;
  EXPECT_EQ(second.out.find("epoch 1/2"), std::string::npos) << second.out;
  const Checkpoint c = read_checkpoint(path("c.byot"));
  EXPECT_EQ(c.info.epoch, 2);
  EXPECT_EQ(c.info.variant, "classic");
  EXPECT_NE(read_file(path("m.jsonl")).find("\"epoch\":2"), std::string::npos);
}

// A new run whose first epoch blows up has nothing to keep: it says so, and the file it
// was told to save to (here a good checkpoint of an earlier run) is left alone.
TEST_F(LenetCli, NanLossOnAFreshRunSavesNothing) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const std::string good = read_file(path("c.byot"));
  auto args = quick_train(path("c.byot"), "modern", "3");
  args.insert(args.end(), {"--optimizer", "sgd", "--lr", "1e30"});
  const Result r = run(args);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(r.says("epoch 1, batch")) << r.err;
  EXPECT_TRUE(r.says("no epoch had finished, so nothing was saved")) << r.err;
  EXPECT_FALSE(r.says("still holds")) << r.err;
  EXPECT_EQ(read_file(path("c.byot")), good);
}

TEST_F(LenetCli, SigintFinishesTheBatchAndSaves) {
  // A full epoch on one thread takes many seconds; the signal arrives in the middle.
  const pid_t pid = spawn({"train", "--data", mnist_dir(), "--threads", "1", "--epochs", "1",
                           "--save", path("c.byot")});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read_file(dir_ / "stdout").find("training on") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "lenet never started training";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  const Result r = wait_for(pid);
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_TRUE(r.says("interrupted at epoch 1, batch")) << r.err;
  const Checkpoint c = read_checkpoint(path("c.byot"));  // complete and valid
  EXPECT_EQ(c.info.epoch, 0);
  EXPECT_GT(c.info.batch, 0);
  EXPECT_FALSE(fs::exists(path("c.byot.tmp")));
}

// ---- Saving never replaces what it should not -------------------------------------------

// The save follows a symbolic link to its file: the link stays a link, its target moves on.
TEST_F(LenetCli, SaveWritesThroughASymlink) {
  fs::create_symlink("real.byot", path("link.byot"));
  ASSERT_EQ(run(quick_train(path("link.byot"), "modern")).status, 0);
  EXPECT_TRUE(fs::is_symlink(path("link.byot")));
  EXPECT_EQ(read_checkpoint(path("real.byot")).info.epoch, 1);
  EXPECT_TRUE(fs::exists(path("real.best.byot")));  // the best epoch beside the real file
  EXPECT_FALSE(fs::exists(path("link.best.byot")));
  const Result r = run({"train", "--data", mnist_dir(), "--resume", path("link.byot"), "--epochs",
                        "2", "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(path("link.byot")));
  EXPECT_EQ(read_checkpoint(path("real.byot")).info.epoch, 2);
}

// A directory, a pipe, a device, a missing directory and an empty name are refused by name,
// before the first batch, and left as they were.
TEST_F(LenetCli, SaveRefusesWhatIsNotARegularFileBeforeTraining) {
  fs::create_directories(path("folder"));
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  std::vector<std::pair<std::string, std::string>> cases = {
      {path("folder"), "is a directory"},
      {path("fifo"), "not a regular file"},
      {path("missing/c.byot"), "does not exist"},
      {"", "--save needs a file name"}};
  if (::mknod(path("null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {  // as root only
    cases.push_back({path("null"), "not a regular file"});
  }
  for (const auto& [save, says] : cases) {
    const Result r = run(quick_train(save, "modern"));
    EXPECT_EQ(r.status, 1) << save;
    EXPECT_TRUE(r.says(says)) << save << ": " << r.err;
    EXPECT_FALSE(r.says("epoch 1/1")) << save << ": refused only after training";
  }
  EXPECT_TRUE(fs::is_fifo(path("fifo")));
  if (fs::exists(path("null"))) {
    EXPECT_TRUE(fs::is_character_file(path("null")));
  }
  EXPECT_FALSE(fs::exists(path("fifo.tmp")));
}

// ---- A checkpoint is the whole run -------------------------------------------------------

// `--resume F` alone continues the run F was: its --epochs, --limit and --test-limit too.
TEST_F(LenetCli, ResumeAloneContinuesTheSameRun) {
  // A two-epoch run stopped after its first epoch (as Ctrl-C between epochs leaves it).
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  {
    Checkpoint c = read_checkpoint(path("c.byot"));
    c.info.run.epochs = 2;
    Generator gen(0);
    models::LeNet5 model(models::LeNetVariant::modern, gen);
    load_weights(model, c, path("c.byot"));
    save_checkpoint(model, c.info, path("c.byot"));
  }
  const Result r = run({"train", "--data", mnist_dir(), "--resume", path("c.byot"), "--threads",
                        "1", "--metrics-out", path("m.jsonl")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.says("training on 256 images, testing on 200")) << r.out;
  EXPECT_TRUE(r.says("epoch 2/2")) << r.out;
  EXPECT_EQ(read_checkpoint(path("c.byot")).info.epoch, 2);
  // Done: resuming again trains nothing.
  const Result again = run({"train", "--data", mnist_dir(), "--resume", path("c.byot")});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(again.says("has already trained 2 epochs")) << again.out;
}

// A flag that would make the resumed run another run is refused, by name.
TEST_F(LenetCli, ResumeRefusesFlagsThatContradictTheCheckpoint) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const std::string saved = read_file(path("c.byot"));
  for (const std::vector<std::string>& flag : {std::vector<std::string>{"--limit", "19200"},
                                               {"--test-limit", "100"},
                                               {"--lr", "1e6"},
                                               {"--optimizer", "sgd"},
                                               {"--seed", "3"},
                                               {"--batch-size", "32"}}) {
    std::vector<std::string> args = {"train",        "--data",   mnist_dir(), "--resume",
                                     path("c.byot"), "--epochs", "2"};
    args.insert(args.end(), flag.begin(), flag.end());
    const Result r = run(args);
    EXPECT_EQ(r.status, 1) << flag[0];
    EXPECT_TRUE(r.says("is a run with " + flag[0])) << r.err;
    EXPECT_TRUE(r.says("leave " + flag[0] + " out")) << r.err;
  }
  // Repeating the checkpoint's own value is no contradiction.
  const Result same = run({"train", "--data", mnist_dir(), "--resume", path("c.byot"), "--epochs",
                           "2", "--limit", "256", "--threads", "1"});
  EXPECT_EQ(same.status, 0) << same.err;
  EXPECT_NE(read_file(path("c.byot")), saved);
}

// ---- Bad input, found before any work ---------------------------------------------------

TEST_F(LenetCli, CheckpointThatIsNotARegularFileIsRefusedUnread) {
  Result r = run({"eval", "--checkpoint", "/dev/zero", "--data", mnist_dir()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("/dev/zero' is a device, a pipe or a socket")) << r.err;
  r = run({"eval", "--checkpoint", dir_.string(), "--data", mnist_dir()});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says(dir_.string() + "' is a directory")) << r.err;
}

TEST_F(LenetCli, ImageFromADeviceIsRefusedUnread) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const Result r = run(
      {"predict", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--image", "/dev/zero"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("not a PGM")) << r.err;
}

TEST_F(LenetCli, TestLimitAboveTheTestSetIsRefusedBeforeTraining) {
  const Result r = run({"train", "--data", mnist_dir(), "--epochs", "1", "--limit", "256",
                        "--test-limit", "20000", "--threads", "1", "--save", path("c.byot")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("--test-limit 20000 is more than the 10000 images")) << r.err;
  EXPECT_FALSE(r.says("epoch 1/1")) << r.out;
  EXPECT_FALSE(fs::exists(path("c.byot")));
}

// Data sets of no images: there is nothing to train on, and an accuracy over no images is not
// 0%.
TEST_F(LenetCli, EmptyDataSetsAreRefusedInWords) {
  const IdxArray no_images{{0, 28, 28}, {}};
  const IdxArray no_labels{{0}, {}};
  fs::create_directories(path("empty_train"));
  fs::create_directories(path("empty_test"));
  for (const char* split : {"train", "t10k"}) {
    const std::string prefix = split;
    const bool empty_train = prefix == "train";
    for (const auto& [folder, empty] : {std::pair{path("empty_train"), empty_train},
                                        std::pair{path("empty_test"), !empty_train}}) {
      if (empty) {
        write_idx(folder + "/" + prefix + "-images-idx3-ubyte", no_images);
        write_idx(folder + "/" + prefix + "-labels-idx1-ubyte", no_labels);
      } else {
        for (const std::string kind : {"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
          fs::create_symlink(fs::absolute(mnist_dir() + "/" + prefix + kind),
                             folder + "/" + prefix + kind);
        }
      }
    }
  }
  Result r = run({"train", "--data", path("empty_train"), "--no-save"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("the training set holds no images")) << r.err;
  EXPECT_FALSE(r.says("cannot resume")) << r.err;
  r = run({"train", "--data", path("empty_test"), "--no-save", "--limit", "64"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("the test set holds no images")) << r.err;
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  r = run({"eval", "--checkpoint", path("c.byot"), "--data", path("empty_test")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("holds no images")) << r.err;
  EXPECT_FALSE(r.says("0.00%")) << r.out;
}

// ---- Messages that say what is wrong -----------------------------------------------------

TEST_F(LenetCli, InfiniteLearningRateMustBeFinite) {
  const Result r = run({"train", "--lr", "inf"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.says("--lr")) << r.err;
  EXPECT_TRUE(r.says("must be finite")) << r.err;
}

TEST_F(LenetCli, IntegersPastTheirRangeAreRefusedNotClamped) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"train", "--epochs", "99999999999999999999"},
        {"train", "--limit", "9223372036854775808"},
        {"train", "--seed", "18446744073709551616"},
        {"eval", "--checkpoint", "c.byot", "--limit", "99999999999999999999"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.status, 2) << args[1] << " " << args[2];
    EXPECT_TRUE(r.says("out of range")) << r.err;
  }
  const Result negative_seed = run({"train", "--seed", "-1"});
  EXPECT_EQ(negative_seed.status, 2);
  EXPECT_TRUE(negative_seed.says("not a whole number")) << negative_seed.err;
}

TEST_F(LenetCli, FileAsDataFolderIsNamedAsAFile) {
  std::ofstream(path("mnist.tar")) << "not a folder";
  const Result r = run({"train", "--data", path("mnist.tar")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("mnist.tar is a file, not a directory")) << r.err;
}

// A file that cannot be read is not damaged: fetching MNIST again would not help.
TEST_F(LenetCli, PermissionDeniedDoesNotSuggestFetchingAgain) {
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    std::ofstream(path(name)) << "x";
  }
  fs::permissions(path("train-images-idx3-ubyte"), fs::perms::none);
  const Result r = run({"train", "--data", dir_.string()}, /*as_nobody=*/true);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(r.says("Permission denied")) << r.err;
  EXPECT_FALSE(r.says("cmake --build build --target mnist")) << r.err;
}

TEST_F(LenetCli, EveryErrorStartsTheSameWay) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"train", "--epoch", "3"},  // refused by the parser
        {"eval", "--checkpoint", path("missing.byot")},     // refused by byotorch
        {"train", "--lr", "inf"}}) {
    const Result r = run(args);
    EXPECT_NE(r.status, 0);
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  }
}

// ---- eval, predict, bench --------------------------------------------------------------

TEST_F(LenetCli, EvalPrintsAccuracyAndConfusionMatrix) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const Result r =
      run({"eval", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--limit", "500"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.says("test accuracy")) << r.out;
  EXPECT_TRUE(r.says("/500)")) << r.out;
  EXPECT_TRUE(r.says("confusion matrix")) << r.out;
  EXPECT_TRUE(r.says("recall")) << r.out;
}

TEST_F(LenetCli, PredictDrawsTheDigitBesideTheProbabilities) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const Result r =
      run({"predict", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--index", "0"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.says("test image 0 (label 7)")) << r.out;
  EXPECT_TRUE(r.says("<- prediction")) << r.out;
  EXPECT_TRUE(r.says("@@")) << r.out;  // the ink of the digit
  // Ten probabilities, one per class ("  9.87%"); the picture's ramp also uses '%', but
  // never after a digit.
  int64_t percentages = 0;
  for (size_t i = 4; i < r.out.size(); ++i) {
    const auto digit = [&](size_t k) { return std::isdigit(static_cast<unsigned char>(r.out[k])); };
    if (r.out[i] == '%' && digit(i - 1) && digit(i - 2) && r.out[i - 3] == '.' && digit(i - 4)) {
      ++percentages;
    }
  }
  EXPECT_EQ(percentages, 10) << r.out;
}

TEST_F(LenetCli, PredictIndexOutOfRangeIsNamed) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  const Result r =
      run({"predict", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--index", "10000"});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("--index 10000")) << r.err;
}

TEST_F(LenetCli, PredictRefusesABadImage) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "modern")).status, 0);
  std::ofstream(path("small.pgm")) << "P2 2 2 255\n0 0 0 0\n";
  Result r = run({"predict", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--image",
                  path("small.pgm")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("28x28")) << r.err;
  std::ofstream(path("photo.jpg")) << "\xff\xd8\xff";
  r = run({"predict", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--image",
           path("photo.jpg")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("not a PGM")) << r.err;
}

// ---- Pictures ---------------------------------------------------------------------------

TEST_F(LenetCli, PlotWritesTheTrainingCurve) {
  auto args = quick_train(path("c.byot"), "modern", "2");
  args.insert(args.end(), {"--metrics-out", path("m.jsonl")});
  ASSERT_EQ(run(args).status, 0);
  const Result r = run({"plot", "--metrics", path("m.jsonl"), "--out", path("curve.svg")});
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string svg = read_file(path("curve.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 100);
  EXPECT_NE(svg.find("modern test accuracy"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
}

TEST_F(LenetCli, PlotRefusesAMalformedLog) {
  std::ofstream(path("m.jsonl")) << "{\"epoch\":1,\"train_loss\":0.5}\n";
  const Result r = run({"plot", "--metrics", path("m.jsonl"), "--out", path("curve.svg")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("m.jsonl:1")) << r.err;
  EXPECT_TRUE(r.says("test_accuracy")) << r.err;
}

TEST_F(LenetCli, ShowWritesFiltersAndFeatureMaps) {
  ASSERT_EQ(run(quick_train(path("c.byot"), "classic")).status, 0);
  const Result r = run({"show", "--checkpoint", path("c.byot"), "--data", mnist_dir(), "--index",
                        "3", "--out-dir", dir_.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* name : {"conv1_filters.png", "input.png", "conv1_maps.png", "conv2_maps.png"}) {
    const std::string png = read_file(path(name));
    EXPECT_EQ(png.substr(1, 3), "PNG") << name;
  }
}

TEST_F(LenetCli, BenchPrintsSpeedAndPeakMemory) {
  const Result r = run({"bench", "--data", mnist_dir(), "--limit", "256", "--threads", "2",
                        "--inference-runs", "1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.says("images/s")) << r.out;
  EXPECT_TRUE(r.says("median of 1")) << r.out;
  EXPECT_TRUE(r.says("peak memory")) << r.out;
  EXPECT_TRUE(r.says("one test image (batch 1, median of 200)")) << r.out;
  EXPECT_TRUE(r.says("2 threads (fewer while other processes keep cores busy)")) << r.out;
}

TEST_F(LenetCli, BenchProfileShowsLayersAndDrawsTheRoofline) {
  // Two epochs, so that the profiled one is warm: in a cold one the first buffers' page
  // faults can push small rows (conv2's weight gradient, below 0.5% of the threads'
  // time on a loaded machine) into "smaller rows".
  const Result r = run({"bench", "--data", mnist_dir(), "--limit", "256", "--epochs", "2",
                        "--threads", "2", "--inference-runs", "1", "--latency-runs", "3",
                        "--fixed-threads", "--roofline", path("roof.svg")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.says("2 threads (fixed), one replica each")) << r.out;
  EXPECT_TRUE(r.says("kernel profile of the last epoch (256 images, 4 steps)")) << r.out;
  // Each replica's kernels on one thread, judged against one thread's roofs.
  EXPECT_TRUE(r.says("2 replicas, one thread each")) << r.out;
  EXPECT_TRUE(r.says("roofs (1 thread)")) << r.out;
  // conv2's three passes, by per-image shape, and the time no kernel accounts for.
  for (const char* row : {"forward   conv", "conv grad input", "conv grad weight",
                          "6×14×14 → 16×10×10 5×5", "outside the kernels", "GFLOP/s (GEMM 768³)"}) {
    EXPECT_TRUE(r.says(row)) << row << "\n" << r.out;
  }
  const std::string svg = read_file(path("roof.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("<circle"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

// A run that fails leaves an existing picture as it was, and creates none.
TEST_F(LenetCli, BenchThatFailsLosesNoPicture) {
  std::ofstream(path("old.svg")) << "keep me";
  Result r = run({"bench", "--data", path("no-mnist"), "--roofline", path("old.svg")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(read_file(path("old.svg")), "keep me");
  r = run({"bench", "--data", path("no-mnist"), "--roofline", path("new.svg")});
  EXPECT_EQ(r.status, 1);
  EXPECT_FALSE(fs::exists(path("new.svg")));
}

TEST_F(LenetCli, BenchRefusesAnUnwritableRooflineBeforeTraining) {
  const Result r = run({"bench", "--data", mnist_dir(), "--limit", "256", "--threads", "1",
                        "--roofline", path("no/such/dir/roof.svg")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("cannot write the roofline picture to " + path("no/such/dir/roof.svg")))
      << r.err;
  EXPECT_FALSE(r.says("train epoch")) << r.out;
}

}  // namespace
}  // namespace byo::lenet
