/// @file
/// @brief Everything of `byo::optim` in one include: SGD, Adam, the schedulers.
#pragma once

#include "byo/optim/adam.h"
#include "byo/optim/lr_scheduler.h"
#include "byo/optim/optimizer.h"
#include "byo/optim/sgd.h"
