#include "byo/conv_geometry.h"

#include "byo/check.h"

namespace byo {
namespace {

// floor((size + 2·pad − kernel) / stride) + 1, once the caller has checked the window fits.
int64_t out_size(int64_t size, int64_t kernel, int64_t stride, int64_t pad) {
  return (size + 2 * pad - kernel) / stride + 1;
}

void check_stride_padding(Size2 stride, Size2 padding, const char* op_name) {
  BYO_CHECK(stride[0] > 0 && stride[1] > 0)
      << op_name << ": stride must be positive, got (" << stride[0] << ", " << stride[1] << ")";
  BYO_CHECK(padding[0] >= 0 && padding[1] >= 0)
      << op_name << ": padding must be non-negative, got (" << padding[0] << ", " << padding[1]
      << ")";
}

// The geometry of sweeping a `kernel` window over x (N,C,H,W) into `out_channels`
// channels, once the caller has checked that it fits.
ConvGeometry make_geometry(const Shape& x, int64_t out_channels, Size2 kernel, Size2 stride,
                           Size2 padding) {
  ConvGeometry g;
  g.batch = x[0];
  g.in_channels = x[1];
  g.in_h = x[2];
  g.in_w = x[3];
  g.out_channels = out_channels;
  g.kernel_h = kernel[0];
  g.kernel_w = kernel[1];
  g.stride_h = stride[0];
  g.stride_w = stride[1];
  g.pad_h = padding[0];
  g.pad_w = padding[1];
  g.out_h = out_size(g.in_h, g.kernel_h, g.stride_h, g.pad_h);
  g.out_w = out_size(g.in_w, g.kernel_w, g.stride_w, g.pad_w);
  return g;
}

}  // namespace

ConvGeometry conv2d_geometry(const Shape& x, const Shape& w, Size2 stride, Size2 padding) {
  BYO_CHECK(x.size() == 4) << "conv2d: input must be 4-D (N,C,H,W), got " << shape_str(x);
  BYO_CHECK(w.size() == 4) << "conv2d: weight must be 4-D (K,C,R,S), got " << shape_str(w);
  BYO_CHECK(x[1] == w[1]) << "conv2d: input " << shape_str(x) << " has " << x[1]
                          << " channels but weight " << shape_str(w) << " expects " << w[1];
  check_stride_padding(stride, padding, "conv2d");
  BYO_CHECK(w[2] > 0 && w[3] > 0) << "conv2d: empty kernel in weight " << shape_str(w);
  BYO_CHECK(x[2] + 2 * padding[0] >= w[2] && x[3] + 2 * padding[1] >= w[3])
      << "conv2d: kernel " << w[2] << "x" << w[3] << " of weight " << shape_str(w)
      << " is larger than the padded input " << shape_str(x) << " with padding (" << padding[0]
      << ", " << padding[1] << ")";
  return make_geometry(x, w[0], {w[2], w[3]}, stride, padding);
}

ConvGeometry pool2d_geometry(const Shape& x, Size2 kernel, Size2 stride, Size2 padding,
                             const char* op_name) {
  BYO_CHECK(x.size() == 4) << op_name << ": input must be 4-D (N,C,H,W), got " << shape_str(x);
  BYO_CHECK(kernel[0] > 0 && kernel[1] > 0)
      << op_name << ": kernel must be positive, got (" << kernel[0] << ", " << kernel[1] << ")";
  check_stride_padding(stride, padding, op_name);
  // A window that could lie wholly in the padding would have nothing to pool.
  BYO_CHECK(2 * padding[0] <= kernel[0] && 2 * padding[1] <= kernel[1])
      << op_name << ": padding (" << padding[0] << ", " << padding[1]
      << ") must be at most half the kernel (" << kernel[0] << ", " << kernel[1] << ")";
  BYO_CHECK(x[2] + 2 * padding[0] >= kernel[0] && x[3] + 2 * padding[1] >= kernel[1])
      << op_name << ": kernel (" << kernel[0] << ", " << kernel[1]
      << ") is larger than the padded input " << shape_str(x);
  return make_geometry(x, x[1], kernel, stride, padding);
}

}  // namespace byo
