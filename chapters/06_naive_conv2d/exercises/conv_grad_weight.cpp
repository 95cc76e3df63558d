// Exercise 2 — the gradient of conv2d with respect to its weights and bias.
//
// The forward computed  out[n,k,p,q] = bias[k] + Σ_c Σ_r Σ_s x[n,c,h,w] · w[k,c,r,s]
// with h = p·stride_h − pad_h + r and w = q·stride_w − pad_w + s (taps outside the input
// read zero). Differentiate: each tap w[k,c,r,s] meets x[n,c,h,w] once per output
// position, and bias[k] is added once per output position of filter k.
//
// Hints: the loops are the forward's loops; zero both outputs first; skip taps whose
// (h, w) fall outside the input, exactly as the forward does.
#include "ch06_exercises.h"

#include "byo/check.h"

namespace byo::exercises {

void conv2d_grad_weight(const ConvGeometry& g, const float* x, const float* grad_out, float* grad_w,
                        float* grad_bias) {
  (void)g, (void)x, (void)grad_out, (void)grad_w, (void)grad_bias;
  BYO_NOT_IMPLEMENTED();
}

}  // namespace byo::exercises
