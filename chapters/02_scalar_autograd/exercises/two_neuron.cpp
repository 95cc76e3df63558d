/// @file
/// @brief Exercise 3: the gradient of a two-neuron network, by hand, with plain doubles.
///
/// The network and its loss are in ch02_exercises.h (two_neuron_loss). Without Scalars,
/// compute dL/dw1, dL/dw2, dL/db1, dL/dv, dL/dc: run the forward pass keeping h and y,
/// then go backwards one step at a time, as backward() would:
///     dL/dy -> dL/d(v h + c) -> dL/dv, dL/dc, dL/dh -> dL/d(w1 x1 + w2 x2 + b1) -> ...
/// Return them in a TwoNeuron: `.w1` holds dL/dw1, and so on.
#include <cmath>

#include "byo/check.h"
#include "ch02_exercises.h"

namespace byo::scalar::exercises {

TwoNeuron two_neuron_gradient([[maybe_unused]] const TwoNeuron& net,
                              [[maybe_unused]] const TwoNeuronSample& sample) {
  BYO_NOT_IMPLEMENTED();  // your gradient here
}

}  // namespace byo::scalar::exercises
