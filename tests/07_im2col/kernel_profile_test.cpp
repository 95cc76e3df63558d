// KernelProfile: a row per kernel and per-image shape with the work counted exactly, the
// tables put back afterwards, the results unchanged; and its table and picture.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "byo/conv.h"
#include "byo/fused.h"
#include "byo/kernel_profile.h"
#include "byo/ops.h"

namespace byo {
namespace {

class Profile : public ::testing::Test {
 protected:
  void SetUp() override { use_fast_kernels(); }
  void TearDown() override { use_naive_kernels(); }
};

const KernelRow* find(const std::vector<KernelRow>& rows, const std::string& pass,
                      const std::string& kernel) {
  for (const KernelRow& row : rows) {
    if (row.pass == pass && row.kernel == kernel) return &row;
  }
  return nullptr;
}

// One conv2d step of LeNet's conv2 on a batch of 4, then relu and max pooling.
std::vector<float> step(Generator& gen) {
  const Tensor x(NDArray::randn({4, 6, 14, 14}, gen), true);
  const Tensor w(NDArray::randn({16, 6, 5, 5}, gen), true);
  const Tensor b(NDArray::randn({16}, gen), true);
  const Tensor y = max_pool2d(conv2d(x, w, b).relu(), {2, 2});
  y.sum().backward();
  std::vector<float> out = y.data().to_vector();
  for (const float v : w.grad().data().to_vector()) out.push_back(v);
  return out;
}

TEST_F(Profile, CountsEachPassOfEachShape) {
  Generator gen(3);
  std::vector<KernelRow> rows;
  {
    const KernelProfile profile;
    step(gen);
    step(gen);
    rows = profile.rows();
  }
  const std::string conv2 = "6×14×14 → 16×10×10 5×5";
  // 2 FLOP per multiply-add: 4 images × 16·10·10 outputs × 6·5·5 taps, twice.
  const double conv_flop = 2.0 * 2 * 4 * 16 * 100 * 150;
  for (const char* kernel : {"conv", "conv grad input", "conv grad weight"}) {
    const KernelRow* row =
        find(rows, kernel == std::string("conv") ? "forward" : "backward", kernel);
    ASSERT_NE(row, nullptr) << kernel;
    EXPECT_EQ(row->shape, conv2);
    EXPECT_EQ(row->calls, 2) << kernel;
    EXPECT_GT(row->seconds, 0.0);
  }
  EXPECT_DOUBLE_EQ(find(rows, "forward", "conv")->flop, conv_flop);
  EXPECT_DOUBLE_EQ(find(rows, "backward", "conv grad input")->flop, conv_flop);
  // The weight gradient also sums the output gradient for the bias.
  EXPECT_DOUBLE_EQ(find(rows, "backward", "conv grad weight")->flop, conv_flop + 2 * 4 * 1600);
  // Forward bytes: x, w, bias and out, each once.
  EXPECT_DOUBLE_EQ(find(rows, "forward", "conv")->bytes,
                   2 * 4.0 * (4 * 6 * 196 + 16 * 150 + 16 + 4 * 1600));
  const KernelRow* pool = find(rows, "forward", "max pool");
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->shape, "16×10×10 → 16×5×5 2×2");
  EXPECT_NE(find(rows, "forward", "relu"), nullptr);
  EXPECT_NE(find(rows, "backward", "relu"), nullptr);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_GE(rows[i - 1].seconds, rows[i].seconds);
}

// LeNet's first layer fused with its pooling, on images that need no gradient: the
// weight gradient comes from the pooled gradient in one kernel, and no pooling's (or
// sigmoid's) backward runs apart.
TEST_F(Profile, CountsTheFusedWeightGradientAsOneRow) {
  Generator gen(6);
  std::vector<KernelRow> rows;
  {
    const KernelProfile profile;
    const Tensor x(NDArray::randn({16, 1, 28, 28}, gen), false);
    const Tensor w(NDArray::randn({6, 1, 5, 5}, gen), true);
    const Tensor b(NDArray::randn({6}, gen), true);
    conv2d_max_pool2d(x, w, b, {1, 1}, {2, 2}, {2, 2}).sum().backward();
    rows = profile.rows();
  }
  const KernelRow* row = find(rows, "backward", "conv grad weight (pooled)");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->shape, "1×28×28 → 6×28×28 5×5");
  EXPECT_EQ(row->calls, 1);
  // 16 images × 6·28·28 outputs × 25 taps multiply-adds, and the bias's sums
  EXPECT_DOUBLE_EQ(row->flop, 2.0 * 16 * 4704 * 25 + 16 * 4704);
  // x, the pooled gradient and its winners (8 bytes each), w and the bias
  EXPECT_DOUBLE_EQ(row->bytes, 4.0 * (16 * 784 + 16 * 1176 + 150 + 6) + 8.0 * 16 * 1176);
  EXPECT_EQ(find(rows, "backward", "max pool"), nullptr);
  EXPECT_EQ(find(rows, "backward", "conv grad weight"), nullptr);

  // Classic LeNet's first layer: the pooling's and the sigmoid's backward are in the row too,
  // which reads y instead of the winners.
  {
    const KernelProfile profile;
    const Tensor x(NDArray::randn({16, 1, 28, 28}, gen), false);
    const Tensor w(NDArray::randn({6, 1, 5, 5}, gen), true);
    const Tensor b(NDArray::randn({6}, gen), true);
    conv2d_sigmoid_avg_pool2d(x, w, b, {1, 1}, {2, 2}, {2, 2}).sum().backward();
    rows = profile.rows();
  }
  row = find(rows, "backward", "conv grad weight (pooled)");
  ASSERT_NE(row, nullptr);
  EXPECT_DOUBLE_EQ(row->flop, 2.0 * 16 * 4704 * 25 + 16 * 4704);
  EXPECT_DOUBLE_EQ(row->bytes, 4.0 * (16 * 784 + 16 * 1176 + 16 * 4704 + 150 + 6));
  EXPECT_EQ(find(rows, "backward", "avg pool"), nullptr);
  EXPECT_EQ(find(rows, "backward", "sigmoid"), nullptr);
}

TEST_F(Profile, PutsTheTablesBackAndChangesNoResult) {
  const Kernels before = kernels();
  const ConvKernels conv_before = conv_kernels();
  Generator plain_gen(5);
  const std::vector<float> plain = step(plain_gen);
  std::vector<float> profiled;
  {
    const KernelProfile profile;
    EXPECT_NE(conv_kernels().forward, conv_before.forward);
    Generator gen(5);
    profiled = step(gen);
  }
  EXPECT_EQ(kernels().gemm, before.gemm);
  EXPECT_EQ(conv_kernels().forward, conv_before.forward);
  EXPECT_EQ(conv_kernels().grad_weight, conv_before.grad_weight);
  ASSERT_EQ(plain.size(), profiled.size());
  EXPECT_EQ(std::memcmp(plain.data(), profiled.data(), plain.size() * sizeof(float)), 0);
}

TEST_F(Profile, OneAtATime) {
  const KernelProfile profile;
  EXPECT_THROW(KernelProfile second, Error);
}

TEST_F(Profile, ResetForgetsTheRows) {
  KernelProfile profile;
  Generator gen(1);
  step(gen);
  EXPECT_FALSE(profile.rows().empty());
  profile.reset();
  EXPECT_TRUE(profile.rows().empty());
}

TEST_F(Profile, TableAndRooflineShowTheRowsAgainstTheRoofs) {
  std::vector<KernelRow> rows;
  {
    const KernelProfile profile;
    Generator gen(2);
    step(gen);
    rows = profile.rows();
  }
  double kernel_seconds = 0;
  for (const KernelRow& row : rows) kernel_seconds += row.seconds;
  const Roofs roofs{100.0, 10.0, 1};  // ridge at 10 FLOP per byte
  std::ostringstream table;
  print_profile(table, rows, roofs, 2 * kernel_seconds);
  // The slowest row has a line of its own; rows under half a percent share one.
  EXPECT_NE(table.str().find(rows.front().kernel + "  "), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("outside the kernels"), std::string::npos);
  EXPECT_NE(table.str().find("50.0%"), std::string::npos) << table.str();  // half outside
  EXPECT_NE(table.str().find("ridge at 10.0 FLOP/B"), std::string::npos) << table.str();
  const std::string svg = roofline_svg(rows, roofs, kernel_seconds, "test");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("peak 100 GFLOP/s"), std::string::npos);
  size_t circles = 0, dots = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  for (const KernelRow& row : rows) dots += row.intensity() > 0 && row.gflops() > 0 ? 1 : 0;
  EXPECT_GE(dots, 6u);  // conv's three passes, pooling and relu both ways
  EXPECT_EQ(circles, dots);
}

TEST_F(Profile, RoofsAreMeasured) {
  const Roofs roofs = measure_roofs();
  EXPECT_GT(roofs.gflops, 0.1);
  EXPECT_GT(roofs.gbytes_per_second, 0.1);
  EXPECT_GE(roofs.threads, 1);
}

}  // namespace
}  // namespace byo
