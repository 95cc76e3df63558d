// Exercise 1 — the backward of max pooling.
//
// In the forward, window (n, c, p, q) chose one input cell and recorded it in
// argmax[n,c,p,q] as h·W + w. Only that cell influenced the output, so the whole gradient
// grad_out[n,c,p,q] goes to grad_x[n,c,h,w] — added, because windows that overlap may
// choose the same cell. Every other cell gets 0.
//
// Hints: g.out_index(n, c, p, q) and g.x_index(n, c, 0, 0) give buffer positions;
// start by zeroing grad_x (it holds garbage).
#include "ch06_exercises.h"

#include "byo/check.h"

namespace byo::exercises {

void max_pool2d_backward(const ConvGeometry& g, const float* grad_out, const int64_t* argmax,
                         float* grad_x) {
  (void)g, (void)grad_out, (void)argmax, (void)grad_x;
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
