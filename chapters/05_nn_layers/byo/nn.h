/// @file
/// @brief Everything of `byo::nn` in one include: Module, the layers, BatchNorm, losses, init.
#pragma once

#include "byo/nn/batchnorm.h"
#include "byo/nn/init.h"
#include "byo/nn/layers.h"
#include "byo/nn/linear.h"
#include "byo/nn/loss.h"
#include "byo/nn/module.h"
#include "byo/nn/sequential.h"
#include "byo/nn/state_dict.h"
