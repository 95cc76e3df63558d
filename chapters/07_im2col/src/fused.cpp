/// @file
/// @brief conv2d_sigmoid_avg_pool2d: the installed convolution, sigmoid and average
///        pooling kernels, a chunk of images at a time, forward and backward.
#include "byo/fused.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "byo/activation_kernels.h"
#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/conv_kernels.h"
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

class ConvSigmoidAvgPoolBackward : public Node {
 public:
  ConvSigmoidAvgPoolBackward(const Layers& l, bool has_bias) : l_(l), has_bias_(has_bias) {}

  // grad_output is (N,K,P',Q'); returns the grads of x (N,C,H,W), weight (K,C,R,S) and
  // bias (K). Chunk by chunk the pooling's backward spreads the gradient into a scratch
  // buffer that stays in cache, and the sigmoid's backward turns it into the gradient of
  // the convolution's output; then the convolution's backward runs on the whole batch.
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    const NDArray go = grad_output.contiguous();
    const NDArray& x = saved(0);
    const NDArray& w = saved(1);
    const NDArray& y = saved(2);
    NDArray grad_z = NDArray::empty(l_.conv.output_shape());
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
    std::vector<NDArray> grads(has_bias_ ? 3 : 2);
    if (needs_input_grad(0)) {
      grads[0] = NDArray::empty(l_.conv.input_shape());
      conv_kernels().grad_input(l_.conv, grad_z.data(), w.data(), grads[0].data());
    }
    if (needs_input_grad(1) || (has_bias_ && needs_input_grad(2))) {
      NDArray gw = NDArray::empty(l_.conv.weight_shape());
      NDArray gb = has_bias_ ? NDArray::empty({l_.conv.out_channels}) : NDArray();
      conv_kernels().grad_weight(l_.conv, x.data(), grad_z.data(), gw.data(),
                                 has_bias_ ? gb.data() : nullptr);
      if (needs_input_grad(1)) grads[1] = gw;
      if (has_bias_ && needs_input_grad(2)) grads[2] = gb;
    }
    return grads;
  }
  std::string name() const override { return "Conv2dSigmoidAvgPool2d"; }

 private:
  Layers l_;
  bool has_bias_;
};

}  // namespace

Tensor conv2d_sigmoid_avg_pool2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                 Size2 stride, Size2 padding, Size2 pool) {
  profiler::Scope scope("Conv2dSigmoidAvgPool2d", profiler::Phase::forward);
  const ConvGeometry conv = conv2d_geometry(x.shape(), weight.shape(), stride, padding);
  const ConvGeometry pooling =
      pool2d_geometry(conv.output_shape(), pool, pool, {0, 0}, "conv2d_sigmoid_avg_pool2d");
  const bool has_bias = bias.defined();
  if (has_bias) {
    BYO_CHECK(bias.dim() == 1 && bias.size(0) == conv.out_channels)
        << "conv2d_sigmoid_avg_pool2d: bias " << shape_str(bias.shape()) << " must be ["
        << conv.out_channels << "] for weight " << shape_str(weight.shape());
  }
  const NDArray xc = x.data().contiguous();
  const NDArray wc = weight.data().contiguous();
  const NDArray bc = has_bias ? bias.data().contiguous() : NDArray();
  NDArray y = NDArray::empty(conv.output_shape());  // σ(z), which the backward needs
  NDArray out = NDArray::empty(pooling.output_shape());
  const Layers l = layers_of(conv, pooling);
  const ConvKernels convolve = conv_kernels();
  const PoolKernels pools = pool_kernels();
  const ActivationKernels act = activation_kernels();
  for_each_chunk(l, [&](int64_t i) {
    thread_local detail::Scratch scratch;
    const int64_t first = l.first(i), count = l.count(i);
    float* z = scratch.reserve(count * l.z_image);
    float* y_chunk = y.data() + first * l.z_image;
    convolve.forward(Layers::of(conv, count), xc.data() + first * l.x_image, wc.data(),
                     has_bias ? bc.data() : nullptr, z);
    act.sigmoid(z, y_chunk, count * l.z_image);
    pools.avg_forward(Layers::of(pooling, count), y_chunk, out.data() + first * l.out_image);
  });

  std::vector<Tensor> inputs = {x, weight};
  if (has_bias) inputs.push_back(bias);
  std::shared_ptr<Node> node;
  if (any_requires_grad(inputs)) {
    node = std::make_shared<ConvSigmoidAvgPoolBackward>(l, has_bias);
    node->save_for_backward({xc, wc, y});
  }
  return make_result(out, node, inputs);
}

}  // namespace byo
