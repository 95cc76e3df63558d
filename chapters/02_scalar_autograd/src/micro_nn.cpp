/// @file
/// @brief Neuron, Layer, MLP over Scalars.
#include "byo/micro_nn.h"

#include "byo/check.h"

namespace byo::scalar {

Neuron::Neuron(int64_t n_inputs, Activation activation, Generator& gen) : activation_(activation) {
  BYO_CHECK(n_inputs > 0) << "Neuron: needs at least one input, got n_inputs = " << n_inputs;
  for (int64_t i = 0; i < n_inputs; ++i) weight_.emplace_back(gen.uniform(-1.0, 1.0));
  bias_ = Scalar(gen.uniform(-1.0, 1.0));
}

Scalar Neuron::operator()(std::span<const Scalar> x) const {
  BYO_CHECK(static_cast<int64_t>(x.size()) == n_inputs())
      << "Neuron: expected " << n_inputs() << " inputs, got " << x.size();
  Scalar z = bias_;
  for (size_t i = 0; i < x.size(); ++i) z = z + weight_[i] * x[i];
  switch (activation_) {
    case Activation::relu:
      return relu(z);
    case Activation::tanh:
      return tanh(z);
    case Activation::none:
      break;
  }
  return z;
}

std::vector<Scalar> Neuron::parameters() const {
  std::vector<Scalar> params = weight_;
  params.push_back(bias_);
  return params;
}

Layer::Layer(int64_t n_inputs, int64_t n_outputs, Activation activation, Generator& gen) {
  BYO_CHECK(n_outputs > 0) << "Layer: needs at least one neuron, got n_outputs = " << n_outputs;
  for (int64_t i = 0; i < n_outputs; ++i) neurons_.emplace_back(n_inputs, activation, gen);
}

std::vector<Scalar> Layer::operator()(std::span<const Scalar> x) const {
  std::vector<Scalar> out;
  out.reserve(neurons_.size());
  for (const Neuron& neuron : neurons_) out.push_back(neuron(x));
  return out;
}

std::vector<Scalar> Layer::parameters() const {
  std::vector<Scalar> params;
  for (const Neuron& neuron : neurons_) {
    for (Scalar& p : neuron.parameters()) params.push_back(std::move(p));
  }
  return params;
}

MLP::MLP(int64_t n_inputs, const std::vector<int64_t>& layer_sizes, Generator& gen)
    : n_inputs_(n_inputs), sizes_(layer_sizes) {
  BYO_CHECK(!layer_sizes.empty()) << "MLP: needs at least one layer";
  int64_t fan_in = n_inputs;
  for (size_t i = 0; i < layer_sizes.size(); ++i) {
    const bool last = i + 1 == layer_sizes.size();
    layers_.emplace_back(fan_in, layer_sizes[i], last ? Activation::none : Activation::relu, gen);
    fan_in = layer_sizes[i];
  }
}

std::vector<Scalar> MLP::operator()(std::span<const Scalar> x) const {
  std::vector<Scalar> h(x.begin(), x.end());
  for (const Layer& layer : layers_) h = layer(h);
  return h;
}

std::vector<Scalar> MLP::parameters() const {
  std::vector<Scalar> params;
  for (const Layer& layer : layers_) {
    for (Scalar& p : layer.parameters()) params.push_back(std::move(p));
  }
  return params;
}

void MLP::zero_grad() const {
  for (Scalar& p : parameters()) p.zero_grad();
}

std::string MLP::to_string() const {
  std::string text = "MLP(" + std::to_string(n_inputs_);
  for (int64_t size : sizes_) text += " -> " + std::to_string(size);
  return text + ", " + std::to_string(parameters().size()) + " parameters)";
}

Scalar hinge_loss(std::span<const Scalar> scores, std::span<const int> labels) {
  BYO_CHECK(scores.size() == labels.size() && !scores.empty())
      << "hinge_loss: " << scores.size() << " scores and " << labels.size()
      << " labels; need the same number, at least one";
  Scalar total = 0.0;
  for (size_t i = 0; i < scores.size(); ++i) {
    BYO_CHECK(labels[i] == 0 || labels[i] == 1)
        << "hinge_loss: labels must be 0 or 1, label " << i << " is " << labels[i];
    const double y = labels[i] == 1 ? 1.0 : -1.0;
    total = total + relu(1.0 - y * scores[i]);
  }
  return total / static_cast<double>(scores.size());
}

double accuracy(std::span<const Scalar> scores, std::span<const int> labels) {
  BYO_CHECK(scores.size() == labels.size() && !scores.empty())
      << "accuracy: " << scores.size() << " scores and " << labels.size()
      << " labels; need the same number, at least one";
  size_t correct = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    correct += (scores[i].data() > 0.0) == (labels[i] == 1) ? 1 : 0;
  }
  return static_cast<double>(correct) / static_cast<double>(scores.size());
}

}  // namespace byo::scalar
