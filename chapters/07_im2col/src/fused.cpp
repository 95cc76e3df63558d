/// @file
/// @brief conv2d_sigmoid_avg_pool2d and conv2d_max_pool2d: the installed convolution,
///        activation and pooling kernels, a chunk of images at a time, forward and
///        backward.
#include "byo/fused.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "byo/activation_kernels.h"
#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/conv.h"
#include "byo/conv_kernels.h"
#include "byo/fused_kernels.h"
#include "byo/pool_kernels.h"
#include "byo/profiler.h"
#include "threads.h"

namespace byo {
namespace {

// Images are taken in chunks whose convolution output is this many bytes or less (one
// image at least): a few chunks fit in L2 beside what the kernels read.
constexpr int64_t kChunkBytes = int64_t{256} << 10;

// The two geometries, and the floats of one image in each of the three layouts.
struct Layers {
  ConvGeometry conv, pool;
  int64_t x_image, z_image, out_image, images_per_chunk;

  int64_t chunks() const { return (conv.batch + images_per_chunk - 1) / images_per_chunk; }
  // Chunk i's images: [first, first + count).
  int64_t first(int64_t i) const { return i * images_per_chunk; }
  int64_t count(int64_t i) const { return std::min(images_per_chunk, conv.batch - first(i)); }
  static ConvGeometry of(ConvGeometry g, int64_t count) {
    g.batch = count;
    return g;
  }
};

Layers layers_of(const ConvGeometry& conv, const ConvGeometry& pool) {
  const int64_t z_image = conv.out_channels * conv.out_h * conv.out_w;
  return {conv,
          pool,
          conv.in_channels * conv.in_h * conv.in_w,
          z_image,
          pool.in_channels * pool.out_h * pool.out_w,
          std::max<int64_t>(1, kChunkBytes / 4 / std::max<int64_t>(z_image, 1))};
}

// body(i) for every chunk i, the chunks spread over the threads. Inside the region the
// kernels see that they run on one of its threads and start no threads of their own; on
// one thread there is no region (in one, even of one thread, theirs would be nested).
template <class Body>
void for_each_chunk(const Layers& l, const Body& body) {
  const int64_t chunks = l.chunks();
  const int threads = detail::thread_count(chunks);
  if (threads == 1) {
    for (int64_t i = 0; i < chunks; ++i) body(i);
    return;
  }
  detail::RegionErrors errors;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t i = 0; i < chunks; ++i) errors.run([&] { body(i); });
  errors.rethrow();
}

// The convolution's three inputs as the kernels read them, and the geometries.
struct Inputs {
  NDArray x, w, b;  // b undefined without bias
  Layers l;
  const float* bias() const { return b.defined() ? b.data() : nullptr; }
};

Inputs prepare(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
               Size2 padding, Size2 pool, const char* op) {
  const ConvGeometry conv = conv2d_geometry(x.shape(), weight.shape(), stride, padding);
  const ConvGeometry pooling = pool2d_geometry(conv.output_shape(), pool, pool, {0, 0}, op);
  if (bias.defined()) {
    BYO_CHECK(bias.dim() == 1 && bias.size(0) == conv.out_channels)
        << op << ": bias " << shape_str(bias.shape()) << " must be [" << conv.out_channels
        << "] for weight " << shape_str(weight.shape());
  }
  return {x.data().contiguous(), weight.data().contiguous(),
          bias.defined() ? bias.data().contiguous() : NDArray(), layers_of(conv, pooling)};
}

// Chunk i's convolution output (count(i) images), in this thread's scratch buffer: it
// stays valid until the thread's next call.
const float* convolve_chunk(const ConvKernels& convolve, const Inputs& in, int64_t i) {
  thread_local detail::Scratch scratch;
  const Layers& l = in.l;
  float* z = scratch.reserve(l.count(i) * l.z_image);
  convolve.forward(Layers::of(l.conv, l.count(i)), in.x.data() + l.first(i) * l.x_image,
                   in.w.data(), in.bias(), z);
  return z;
}

std::vector<Tensor> inputs_of(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  std::vector<Tensor> inputs = {x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return inputs;
}

// The node of a fused op: the gradient of the convolution's output comes from the
// pooling's (and activation's) backward, chunk by chunk; then the convolution's backward
// runs on the whole batch and gives the grads of x, weight and bias. Without x's gradient
// (a first layer, whose x is the images) grad_z serves only the weight gradient, and an
// installed fused kernel takes that from go directly (byo/fused_kernels.h).
class FusedConvBackward : public Node {
 public:
  FusedConvBackward(const Layers& l, bool has_bias) : l_(l), has_bias_(has_bias) {}

  std::vector<NDArray> backward(const NDArray& grad_output) override {
    const NDArray go = grad_output.contiguous();
    if (needs_input_grad(0) || !has_fused_grad_weight()) {
      NDArray grad_z = NDArray::empty(l_.conv.output_shape());
      grad_conv_output(go, grad_z);
      return conv2d_backward(*this, l_.conv, saved(0), saved(1), has_bias_, grad_z);
    }
    std::vector<NDArray> grads(has_bias_ ? 3 : 2);
    NDArray gw = NDArray::empty(l_.conv.weight_shape());
    NDArray gb = has_bias_ ? NDArray::empty({l_.conv.out_channels}) : NDArray();
    fused_grad_weight(go, gw.data(), has_bias_ ? gb.data() : nullptr);
    if (needs_input_grad(1)) grads[1] = gw;
    if (has_bias_ && needs_input_grad(2)) grads[2] = gb;
    return grads;
  }

 protected:
  // grad_z (N,K,P,Q) from the gradient of the op's output go (N,K,P',Q').
  virtual void grad_conv_output(const NDArray& go, NDArray& grad_z) = 0;
  // Whether the installed fused table has this op's weight-gradient kernel, and the call.
  virtual bool has_fused_grad_weight() const = 0;
  virtual void fused_grad_weight(const NDArray& go, float* grad_w, float* grad_bias) = 0;
  Layers l_;
  bool has_bias_;
};

// Saved: x, w, and y = σ(z).
class ConvSigmoidAvgPoolBackward : public FusedConvBackward {
 public:
  using FusedConvBackward::FusedConvBackward;
  std::string name() const override { return "Conv2dSigmoidAvgPool2d"; }

 protected:
  // Chunk by chunk, the pooling's backward spreads the gradient into a scratch buffer
  // that stays in cache, and the sigmoid's backward takes it from there.
  void grad_conv_output(const NDArray& go, NDArray& grad_z) override {
    const NDArray& y = saved(2);
    const PoolKernels pool = pool_kernels();
    const ActivationKernels act = activation_kernels();
    for_each_chunk(l_, [&](int64_t i) {
      thread_local detail::Scratch scratch;
      const int64_t first = l_.first(i), floats = l_.count(i) * l_.z_image;
      float* grad_y = scratch.reserve(floats);
      pool.avg_backward(Layers::of(l_.pool, l_.count(i)), go.data() + first * l_.out_image, grad_y);
      act.sigmoid_backward(grad_y, y.data() + first * l_.z_image,
                           grad_z.data() + first * l_.z_image, floats);
    });
  }
  bool has_fused_grad_weight() const override {
    return fused_kernels().grad_weight_sigmoid_avg_pool != nullptr;
  }
  void fused_grad_weight(const NDArray& go, float* grad_w, float* grad_bias) override {
    fused_kernels().grad_weight_sigmoid_avg_pool(
        l_.conv, saved(0).data(), {l_.pool, go.data(), saved(2).data()}, grad_w, grad_bias);
  }
};

// Saved: x, w, and which cell of each window won.
class ConvMaxPoolBackward : public FusedConvBackward {
 public:
  ConvMaxPoolBackward(const Layers& l, bool has_bias, std::unique_ptr<int64_t[]> argmax)
      : FusedConvBackward(l, has_bias), argmax_(std::move(argmax)) {}
  std::string name() const override { return "Conv2dMaxPool2d"; }
  void release_saved() override {
    FusedConvBackward::release_saved();
    argmax_.reset();
  }

 protected:
  void grad_conv_output(const NDArray& go, NDArray& grad_z) override {
    check_saved();
    pool_kernels().max_backward(l_.pool, go.data(), argmax_.get(), grad_z.data());
  }
  bool has_fused_grad_weight() const override {
    return fused_kernels().grad_weight_max_pool != nullptr;
  }
  void fused_grad_weight(const NDArray& go, float* grad_w, float* grad_bias) override {
    check_saved();
    fused_kernels().grad_weight_max_pool(l_.conv, saved(0).data(),
                                         {l_.pool, go.data(), argmax_.get()}, grad_w, grad_bias);
  }

 private:
  void check_saved() const {
    BYO_CHECK(argmax_ != nullptr)
        << "Conv2dMaxPool2d: backward through a graph that was already freed; pass "
           "retain_graph=true to the first backward to run it twice";
  }
  std::unique_ptr<int64_t[]> argmax_;  // (N,K,P',Q'): h·Q + w of each window's maximum
};

}  // namespace

Tensor conv2d_sigmoid_avg_pool2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                 Size2 stride, Size2 padding, Size2 pool) {
  profiler::Scope scope("Conv2dSigmoidAvgPool2d", profiler::Phase::forward);
  const Inputs in = prepare(x, weight, bias, stride, padding, pool, "conv2d_sigmoid_avg_pool2d");
  const Layers& l = in.l;
  NDArray y = NDArray::empty(l.conv.output_shape());  // σ(z), which the backward needs
  NDArray out = NDArray::empty(l.pool.output_shape());
  const ConvKernels convolve = conv_kernels();
  const PoolKernels pools = pool_kernels();
  const ActivationKernels act = activation_kernels();
  for_each_chunk(l, [&](int64_t i) {
    const int64_t first = l.first(i), count = l.count(i);
    const float* z = convolve_chunk(convolve, in, i);
    float* y_chunk = y.data() + first * l.z_image;
    act.sigmoid(z, y_chunk, count * l.z_image);
    pools.avg_forward(Layers::of(l.pool, count), y_chunk, out.data() + first * l.out_image);
  });
  const std::vector<Tensor> inputs = inputs_of(x, weight, bias);
  std::shared_ptr<Node> node;
  if (any_requires_grad(inputs)) {
    node = std::make_shared<ConvSigmoidAvgPoolBackward>(l, bias.defined());
    node->save_for_backward({in.x, in.w, y});
  }
  return make_result(out, node, inputs);
}

Tensor conv2d_max_pool2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
                         Size2 padding, Size2 pool) {
  profiler::Scope scope("Conv2dMaxPool2d", profiler::Phase::forward);
  const Inputs in = prepare(x, weight, bias, stride, padding, pool, "conv2d_max_pool2d");
  const Layers& l = in.l;
  NDArray out = NDArray::empty(l.pool.output_shape());
  const std::vector<Tensor> inputs = inputs_of(x, weight, bias);
  const bool grad = any_requires_grad(inputs);
  // Where each window's maximum was, for the backward; inference does not ask. Not zeroed
  // first: the kernel writes every entry.
  std::unique_ptr<int64_t[]> argmax =
      grad ? std::make_unique_for_overwrite<int64_t[]>(static_cast<size_t>(out.numel())) : nullptr;
  const ConvKernels convolve = conv_kernels();
  const PoolKernels pools = pool_kernels();
  for_each_chunk(l, [&](int64_t i) {
    const int64_t first = l.first(i), count = l.count(i);
    const float* z = convolve_chunk(convolve, in, i);
    pools.max_forward(Layers::of(l.pool, count), z, out.data() + first * l.out_image,
                      grad ? argmax.get() + first * l.out_image : nullptr);
  });
  std::shared_ptr<Node> node;
  if (grad) {
    node = std::make_shared<ConvMaxPoolBackward>(l, bias.defined(), std::move(argmax));
    node->save_for_backward({in.x, in.w});
  }
  return make_result(out, node, inputs);
}

}  // namespace byo
