// nn::Module: registration, dotted names, the tree, modes, zero_grad, state_dict, printing.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "byo/nn.h"
#include "byo/ops.h"
#include "nn_test_util.h"

namespace byo::nn {
namespace {

using test::expect_error;
using test::values;

std::vector<std::string> names_of(const std::vector<NamedTensor>& named) {
  std::vector<std::string> out;
  for (const auto& entry : named) out.push_back(entry.first);
  return out;
}

// A model with a named Sequential inside, as PyTorch users write them.
class Net : public Module {
 public:
  explicit Net(Generator& gen) {
    features = register_module(
        "features", std::make_shared<Sequential>(std::make_shared<Linear>(LinearOptions(4, 3), gen),
                                                 std::make_shared<ReLU>()));
    classifier = register_module("classifier", std::make_shared<Linear>(LinearOptions(3, 2), gen));
  }
  Tensor forward(const Tensor& x) override { return classifier->forward(features->forward(x)); }
  std::string type_name() const override { return "Net"; }

  std::shared_ptr<Sequential> features;
  std::shared_ptr<Linear> classifier;
};

TEST(Module, SequentialNamesParametersByPosition) {
  Generator gen(1);
  Sequential seq(std::make_shared<Linear>(LinearOptions(3, 4), gen), std::make_shared<ReLU>(),
                 std::make_shared<Linear>(LinearOptions(4, 2), gen));
  EXPECT_EQ(names_of(seq.named_parameters()),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  const auto params = seq.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].shape(), (Shape{4, 3}));
  EXPECT_EQ(params[1].shape(), (Shape{4}));
  EXPECT_EQ(params[2].shape(), (Shape{2, 4}));
  EXPECT_EQ(params[3].shape(), (Shape{2}));
  for (const Tensor& p : params) EXPECT_TRUE(p.requires_grad());
}

TEST(Module, NestedModulesGiveDottedNames) {
  Generator gen(2);
  Net net(gen);
  EXPECT_EQ(names_of(net.named_parameters()),
            (std::vector<std::string>{"features.0.weight", "features.0.bias", "classifier.weight",
                                      "classifier.bias"}));
  EXPECT_EQ(names_of(net.named_parameters(/*recurse=*/false)), std::vector<std::string>{});

  Sequential outer(std::make_shared<Sequential>(std::make_shared<Linear>(LinearOptions(2, 2), gen)),
                   std::make_shared<Linear>(LinearOptions(2, 1), gen));
  EXPECT_EQ(names_of(outer.named_parameters()),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "1.weight", "1.bias"}));
}

TEST(Module, ParametersShareStorageWithTheLayers) {
  Generator gen(3);
  Net net(gen);
  const auto params = net.parameters();
  EXPECT_EQ(params[2].impl(), net.classifier->weight.impl());
  params[2].data().fill_(7.0f);  // what an optimiser does
  EXPECT_EQ(net.classifier->weight.data().at({1, 2}), 7.0f);
}

TEST(Module, ChildrenInRegistrationOrder) {
  Generator gen(4);
  Net net(gen);
  const auto children = net.children();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].get(), net.features.get());
  EXPECT_EQ(children[1].get(), net.classifier.get());
  EXPECT_EQ(net.named_children()[0].first, "features");
  EXPECT_EQ(net.named_children()[1].first, "classifier");
  EXPECT_EQ(net.features->size(), 2u);
  EXPECT_EQ((*net.features)[1]->type_name(), "ReLU");
  expect_error([&] { (void)(*net.features)[2]; }, "index 2 is out of range for 2 modules");
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  Generator gen(5);
  Net net(gen);
  EXPECT_TRUE(net.is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.features->is_training());
  EXPECT_FALSE((*net.features)[0]->is_training());
  EXPECT_FALSE(net.classifier->is_training());
  net.train();
  EXPECT_TRUE((*net.features)[1]->is_training());
  net.features->eval();  // a subtree alone
  EXPECT_TRUE(net.is_training());
  EXPECT_FALSE((*net.features)[0]->is_training());
  EXPECT_TRUE(net.classifier->is_training());
}

TEST(Module, ZeroGradClearsEveryGradient) {
  Generator gen(6);
  Net net(gen);
  Tensor x = randn({5, 4}, gen);
  net.forward(x).sum().backward();
  for (const Tensor& p : net.parameters()) EXPECT_TRUE(p.grad().defined());
  net.zero_grad();
  for (const Tensor& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, RegistrationRefusesBadNames) {
  Sequential seq;
  seq.register_parameter("w", zeros({2}));
  expect_error([&] { seq.register_parameter("w", zeros({2})); }, "'w' is already registered");
  expect_error([&] { seq.register_buffer("w", zeros({2})); }, "'w' is already registered");
  expect_error([&] { seq.register_parameter("a.b", zeros({2})); }, "contains a '.'");
  expect_error([&] { seq.register_parameter("", zeros({2})); }, "the name is empty");
  expect_error([&] { seq.register_module("m", std::shared_ptr<ReLU>()); }, "null pointer");
}

TEST(Module, BuffersAreSavedButNotTrained) {
  Generator gen(7);
  Linear layer(LinearOptions(2, 2), gen);
  layer.register_buffer("running_mean", from_vector({0.5f, 1.5f}, {2}));
  EXPECT_EQ(layer.parameters().size(), 2u);
  EXPECT_EQ(names_of(layer.named_buffers()), std::vector<std::string>{"running_mean"});
  const StateDict state = layer.state_dict();
  ASSERT_EQ(state.size(), 3u);
  EXPECT_EQ(state.entries()[2].first, "running_mean");
  EXPECT_EQ(state.at("running_mean").to_vector(), (std::vector<float>{0.5f, 1.5f}));
}

TEST(Module, StateDictSharesStorageAndRoundTrips) {
  Generator gen(8);
  Net a(gen);
  Net b(gen);
  const StateDict state = a.state_dict();
  ASSERT_EQ(state.size(), 4u);
  EXPECT_EQ(state.entries()[0].first, "features.0.weight");
  EXPECT_EQ(state.at("classifier.bias").data(), a.classifier->bias.data().data());

  const Tensor b_weight_handle = b.classifier->weight;  // e.g. held by an optimiser
  b.load_state_dict(state);
  EXPECT_EQ(values(b.classifier->weight), values(a.classifier->weight));
  EXPECT_EQ(values(b_weight_handle), values(a.classifier->weight));  // loaded in place
  EXPECT_NE(b.classifier->weight.data().data(), a.classifier->weight.data().data());
}

TEST(Module, LoadStateDictRefusesAndChangesNothing) {
  Generator gen(9);
  Net net(gen);
  const auto before = test::snapshot(net);
  const auto good = [&] {
    StateDict s;
    for (const auto& [name, value] : net.state_dict())
      s.insert(name, value.map([](float v) { return 2.0f * v; }));
    return s;
  };

  StateDict missing;  // everything but classifier.bias
  for (const auto& [name, value] : good()) {
    if (name != "classifier.bias") missing.insert(name, value);
  }
  expect_error([&] { net.load_state_dict(missing); }, "missing 'classifier.bias'");
  EXPECT_EQ(test::snapshot(net), before);

  StateDict extra = good();
  extra.insert("classifier.scale", NDArray::ones({1}));
  expect_error([&] { net.load_state_dict(extra); }, "unexpected 'classifier.scale'");
  EXPECT_EQ(test::snapshot(net), before);

  StateDict wrong_shape;
  for (const auto& [name, value] : good()) {
    wrong_shape.insert(name, name == "classifier.weight" ? NDArray::zeros({3, 2}) : value);
  }
  expect_error([&] { net.load_state_dict(wrong_shape); },
               "'classifier.weight' has shape [3, 2] in the state dict but [2, 3] in the module");
  EXPECT_EQ(test::snapshot(net), before);

  net.load_state_dict(good());
  EXPECT_NE(test::snapshot(net), before);
}

TEST(Module, PrintsLikePyTorch) {
  Generator gen(10);
  Net net(gen);
  EXPECT_EQ(to_string(net),
            "Net(\n"
            "  (features): Sequential(\n"
            "    (0): Linear(in_features=4, out_features=3, bias=true)\n"
            "    (1): ReLU()\n"
            "  )\n"
            "  (classifier): Linear(in_features=3, out_features=2, bias=true)\n"
            ")");
  EXPECT_EQ(to_string(Dropout(0.25, 1)), "Dropout(p=0.25)");
  EXPECT_EQ(to_string(Flatten()), "Flatten(start_dim=1, end_dim=-1)");
}

TEST(StateDict, RefusesDuplicateNamesAndMissingLookups) {
  StateDict state;
  state.insert("a", NDArray::zeros({1}));
  EXPECT_TRUE(state.contains("a"));
  EXPECT_FALSE(state.contains("b"));
  EXPECT_EQ(state.find("b"), nullptr);
  expect_error([&] { state.insert("a", NDArray::zeros({1})); }, "'a' is already used");
  expect_error([&] { (void)state.at("b"); }, "no entry called 'b'");
}

}  // namespace
}  // namespace byo::nn
