// `lenet export` and `lenet import`: a checkpoint out to .npz and back in evaluates the same,
// and an .npz that is not a LeNet's weights is refused with the missing key named.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "data_dir.h"

namespace byo::lenet {
namespace {

namespace fs = std::filesystem;

struct LenetRun {
  int status = -1;
  std::string output;  // stdout and stderr together
};

LenetRun lenet(const std::string& args) {
  LenetRun r;
  const std::string command = std::string(BYO_TEST_LENET) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) r.output.append(buffer, n);
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// The line that starts with `marker`, without its last ", ..." part (the seconds taken).
std::string after(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  const std::string line = text.substr(at, text.find('\n', at) - at);
  return line.substr(0, line.rfind(", "));
}

class LenetWeights : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("byo_lenet_weights_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(LenetWeights, ExportThenImportEvaluatesTheSame) {
  const std::string data = " --data " + testing::mnist_dir();
  ASSERT_EQ(lenet("train --variant modern --epochs 1 --limit 256 --test-limit 200 --threads 1"
                  " --save " +
                  path("c.byot") + data)
                .status,
            0);
  const LenetRun exported =
      lenet("export --checkpoint " + path("c.byot") + " --out " + path("w.npz"));
  ASSERT_EQ(exported.status, 0) << exported.output;
  EXPECT_NE(exported.output.find("wrote 10 arrays (61706 float32 values)"), std::string::npos)
      << exported.output;
  const LenetRun imported =
      lenet("import --weights " + path("w.npz") + " --variant modern --out " + path("back.byot"));
  ASSERT_EQ(imported.status, 0) << imported.output;
  const LenetRun a = lenet("eval --limit 500 --checkpoint " + path("c.byot") + data);
  const LenetRun b = lenet("eval --limit 500 --checkpoint " + path("back.byot") + data);
  ASSERT_EQ(a.status, 0) << a.output;
  ASSERT_EQ(b.status, 0) << b.output;
  const std::string accuracy = after(a.output, "test accuracy");
  ASSERT_FALSE(accuracy.empty()) << a.output;
  EXPECT_EQ(after(b.output, "test accuracy"), accuracy);
}

TEST_F(LenetWeights, ImportNamesWhatIsMissing) {
  // The logits file is a valid .npz, but not a LeNet's state dict.
  const LenetRun r = lenet("import --weights data/torch_lenet_logits.npz --out " + path("x.byot"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("conv1.weight"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("x.byot")));
  const LenetRun missing =
      lenet("import --weights " + path("none.npz") + " --out " + path("x.byot"));
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_NE(missing.output.find("none.npz"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace byo::lenet
