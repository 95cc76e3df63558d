/// @file
/// @brief Everything of `byo::optim` in one include: SGD, Adam, AdamW, RMSprop, the schedulers.
#pragma once

#include "byo/optim/adam.h"
#include "byo/optim/adamw.h"
#include "byo/optim/lr_scheduler.h"
#include "byo/optim/optimizer.h"
#include "byo/optim/rmsprop.h"
#include "byo/optim/sgd.h"
