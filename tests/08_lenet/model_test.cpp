// LeNet5: the layers' shapes, the parameter count and names, the two variants, the init.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "byo/check.h"
#include "byo/conv.h"
#include "byo/fast_kernels.h"
#include "byo/gemm.h"
#include "byo/models/lenet.h"
#include "byo/ops.h"

namespace byo::models {
namespace {

TEST(LeNet5, ShapesThroughEveryStage) {
  for (LeNetVariant variant : {LeNetVariant::classic, LeNetVariant::modern}) {
    Generator gen(1);
    LeNet5 model(variant, gen);
    Generator data(2);
    const LeNetActivations a = model.forward_all(randn({3, 1, 28, 28}, data));
    EXPECT_EQ(a.conv1.shape(), (Shape{3, 6, 28, 28}));
    EXPECT_EQ(a.pool1.shape(), (Shape{3, 6, 14, 14}));
    EXPECT_EQ(a.conv2.shape(), (Shape{3, 16, 10, 10}));
    EXPECT_EQ(a.pool2.shape(), (Shape{3, 16, 5, 5}));
    EXPECT_EQ(a.logits.shape(), (Shape{3, 10}));
  }
}

TEST(LeNet5, ParameterCountAndNamesMatchPyTorch) {
  Generator gen(0);
  LeNet5 model(LeNetVariant::modern, gen);
  // conv1 6·1·5·5+6, conv2 16·6·5·5+16, fc1 120·400+120, fc2 84·120+84, fc3 10·84+10.
  EXPECT_EQ(count_parameters(model), 156 + 2416 + 48120 + 10164 + 850);
  EXPECT_EQ(count_parameters(model), 61706);
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight",
                                             "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
                                             "fc2.bias", "fc3.weight", "fc3.bias"}));
}

TEST(LeNet5, VariantsDifferInActivationAndPooling) {
  Generator gen(0);
  std::ostringstream classic, modern;
  classic << LeNet5(LeNetVariant::classic, gen);
  modern << LeNet5(LeNetVariant::modern, gen);
  EXPECT_NE(classic.str().find("Sigmoid"), std::string::npos);
  EXPECT_NE(classic.str().find("AvgPool2d"), std::string::npos);
  EXPECT_EQ(classic.str().find("ReLU"), std::string::npos);
  EXPECT_NE(modern.str().find("ReLU"), std::string::npos);
  EXPECT_NE(modern.str().find("MaxPool2d"), std::string::npos);
  EXPECT_EQ(modern.str().find("Sigmoid"), std::string::npos);
}

// Xavier uniform: |w| < sqrt(6/(fan_in+fan_out)); Kaiming (ReLU): |w| < sqrt(6/fan_in).
// Both bounds are reached closely by 48000 draws; biases are zero.
TEST(LeNet5, InitialisationFollowsTheVariant) {
  Generator gen(3);
  LeNet5 classic(LeNetVariant::classic, gen);
  LeNet5 modern(LeNetVariant::modern, gen);
  const auto max_abs = [](const Tensor& t) {
    float m = 0;
    for (float v : t.data().to_vector()) m = std::max(m, std::fabs(v));
    return m;
  };
  const double xavier = std::sqrt(6.0 / (400 + 120));
  const double kaiming = std::sqrt(6.0 / 400);
  EXPECT_LT(max_abs(classic.fc1->weight), xavier);
  EXPECT_GT(max_abs(classic.fc1->weight), 0.99 * xavier);
  EXPECT_LT(max_abs(modern.fc1->weight), kaiming);
  EXPECT_GT(max_abs(modern.fc1->weight), 0.99 * kaiming);
  EXPECT_EQ(max_abs(classic.fc1->bias), 0.0f);
  EXPECT_EQ(max_abs(modern.conv1->bias), 0.0f);
}

TEST(LeNet5, SameSeedSameWeights) {
  Generator a(7), b(7);
  LeNet5 first(LeNetVariant::classic, a), second(LeNetVariant::classic, b);
  EXPECT_EQ(first.conv2->weight.data().to_vector(), second.conv2->weight.data().to_vector());
}

TEST(LeNet5, WrongInputShapeNamesIt) {
  Generator gen(0);
  LeNet5 model(LeNetVariant::modern, gen);
  try {
    model.forward(zeros({2, 3, 28, 28}));
    FAIL() << "expected byo::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3, 28, 28]"), std::string::npos) << e.what();
  }
}

TEST(LeNet5, VariantNames) {
  EXPECT_EQ(parse_variant("classic"), LeNetVariant::classic);
  EXPECT_EQ(parse_variant("modern"), LeNetVariant::modern);
  EXPECT_EQ(variant_name(LeNetVariant::classic), "classic");
  EXPECT_THROW(parse_variant("lenet"), Error);
}

// The modern net pools before its ReLU. The textbook order, ReLU then pooling, must give
// the same logits and the same gradients to the bit, with the kernels lenet trains with and
// with the plain ones. Half of each image is zero, so conv1's output there is its bias:
// whole windows of ties, positive and negative, and of exact zeros.
TEST(LeNet5, PoolingBeforeReLUChangesNoBit) {
  for (const bool fast : {false, true}) {
    SCOPED_TRACE(fast ? "fast kernels" : "naive kernels");
    const KernelsGuard tables(fast ? KernelSet::fast : KernelSet::naive);
    Generator gen(4);
    LeNet5 model(LeNetVariant::modern, gen);
    model.conv1->bias.data().copy_(
        NDArray::from_vector({0.5f, -0.5f, 0.0f, 1.0f, -1.0f, 0.0f}, {6}));
    Generator data(5);
    const Tensor input = randn({4, 1, 28, 28}, data);
    input.data().slice(2, 0, 14).fill_(0.0f);
    const Tensor labels = from_vector({1, 7, 3, 0}, {4});

    const auto gradients = [&model](const Tensor& logits, const Tensor& labels) {
      model.zero_grad();
      cross_entropy(logits, labels).backward();
      std::vector<std::vector<float>> grads;
      for (const Tensor& p : model.parameters()) grads.push_back(p.grad().data().to_vector());
      return grads;
    };
    const Tensor ours = model.forward(input);
    const auto our_grads = gradients(ours, labels);

    Tensor h = max_pool2d(relu(model.conv1->forward(input)), {2, 2});
    h = max_pool2d(relu(model.conv2->forward(h)), {2, 2});
    h = relu(model.fc2->forward(relu(model.fc1->forward(h.flatten(1)))));
    const Tensor textbook = model.fc3->forward(h);
    EXPECT_EQ(ours.data().to_vector(), textbook.data().to_vector());
    EXPECT_EQ(our_grads, gradients(textbook, labels));
  }
}

// An empty batch is legal, as in PyTorch: ten logits for each of no images, through the
// naive kernels and the fast ones.
TEST(LeNet5, EmptyBatchGivesNoLogitsInBothKernelTables) {
  for (const bool fast : {false, true}) {
    fast ? use_fast_kernels() : use_naive_kernels();
    for (const LeNetVariant variant : {LeNetVariant::classic, LeNetVariant::modern}) {
      Generator gen(1);
      LeNet5 model(variant, gen);
      const Tensor logits = model.forward(zeros({0, 1, 28, 28}));
      EXPECT_EQ(logits.shape(), (Shape{0, 10})) << (fast ? "fast" : "naive");
    }
  }
  use_naive_kernels();
}

}  // namespace
}  // namespace byo::models
