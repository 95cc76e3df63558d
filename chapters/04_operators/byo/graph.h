/// @file
/// @brief `byo::to_dot`: the autograd graph behind a Tensor, as Graphviz text.
#pragma once

#include <string>

#include "byo/tensor.h"

namespace byo {

/// @brief The graph that backward() would walk from `root`, in Graphviz's DOT language:
///        one box per op (its name), one ellipse per leaf that requires grad (its shape),
///        arrows in the direction of the forward pass. Render with `dot -Tsvg`.
std::string to_dot(const Tensor& root);

}  // namespace byo
