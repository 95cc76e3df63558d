/// @file
/// @brief Exercise 3, solution: the two-neuron network's gradient by hand.
#include <cmath>

#include "ch02_exercises.h"

namespace byo::scalar::exercises {

TwoNeuron two_neuron_gradient(const TwoNeuron& net, const TwoNeuronSample& sample) {
  // Forward, keeping the intermediate values that the derivatives need.
  const double h = std::tanh(net.w1 * sample.x1 + net.w2 * sample.x2 + net.b1);
  const double y = 1.0 / (1.0 + std::exp(-(net.v * h + net.c)));

  // Backward, one link of the chain at a time.
  const double dy = 2.0 * (y - sample.target);  // L = (y - target)^2
  const double dz2 = dy * y * (1.0 - y);        // y = sigmoid(z2), z2 = v h + c
  const double dh = dz2 * net.v;
  const double dz1 = dh * (1.0 - h * h);  // h = tanh(z1), z1 = w1 x1 + w2 x2 + b1

  TwoNeuron grad;
  grad.w1 = dz1 * sample.x1;
  grad.w2 = dz1 * sample.x2;
  grad.b1 = dz1;
  grad.v = dz2 * h;
  grad.c = dz2;
  return grad;
}

}  // namespace byo::scalar::exercises
