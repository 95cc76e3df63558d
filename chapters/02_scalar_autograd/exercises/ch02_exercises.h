/// @file
/// @brief Chapter 2's exercises: the functions you write, which the grader checks.
///
/// Each function is declared here and defined twice: in exercises/NAME.cpp, the file you
/// edit (it starts as a stub that throws byo::NotImplemented), and in
/// exercises/solutions/NAME.cpp, the reference. Grade your files with
///
///     cmake --build build --target ch02_grade
#pragma once

#include <cmath>

#include "byo/scalar.h"

/// @brief The learner's side of chapter 2's exercises.
namespace byo::scalar::exercises {

/// @brief Exercise 1 (tanh_backward.cpp): tanh, with the backward written by you.
Scalar tanh_exercise(const Scalar& x);

/// @brief Exercise 2 (softplus.cpp): the new operation softplus(x) = log(1 + e^x).
///
/// One node with its own backward, made with Scalar::make, finite for any finite x.
Scalar softplus(const Scalar& x);

/// @brief Exercise 3: the parameters of a two-neuron network, or their gradients.
///
///     h = tanh(w1 x1 + w2 x2 + b1)        hidden neuron
///     y = sigmoid(v h + c)                 output neuron
///     L = (y - target)^2                   squared error
struct TwoNeuron {
  double w1 = 0.0;  ///< Hidden neuron: weight of x1.
  double w2 = 0.0;  ///< Hidden neuron: weight of x2.
  double b1 = 0.0;  ///< Hidden neuron: bias.
  double v = 0.0;   ///< Output neuron: weight of h.
  double c = 0.0;   ///< Output neuron: bias.
};

/// @brief Exercise 3: one input of the two-neuron network and the output it should give.
struct TwoNeuronSample {
  double x1 = 0.0;      ///< First input.
  double x2 = 0.0;      ///< Second input.
  double target = 0.0;  ///< The desired output y.
};

/// @brief Exercise 3: the loss L of `net` on `sample`, in plain doubles (given).
inline double two_neuron_loss(const TwoNeuron& net, const TwoNeuronSample& sample) {
  const double h = std::tanh(net.w1 * sample.x1 + net.w2 * sample.x2 + net.b1);
  const double y = 1.0 / (1.0 + std::exp(-(net.v * h + net.c)));
  return (y - sample.target) * (y - sample.target);
}

/// @brief Exercise 3 (two_neuron.cpp): dL/d(each parameter), derived by hand, no Scalars.
///
/// The result uses the TwoNeuron fields for the gradients: `.w1` holds dL/dw1, and so on.
TwoNeuron two_neuron_gradient(const TwoNeuron& net, const TwoNeuronSample& sample);

}  // namespace byo::scalar::exercises
