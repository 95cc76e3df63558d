// conv2d and pooling as chapter 4 ops: check the shapes, run the kernel, record a Node.
#include "byo/conv.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "byo/autograd.h"
#include "byo/conv_kernels.h"
#include "byo/pool_kernels.h"
#include "byo/profiler.h"

namespace byo {
namespace {

class Conv2dBackward : public Node {
 public:
  Conv2dBackward(const ConvGeometry& g, bool has_bias) : g_(g), has_bias_(has_bias) {}

  std::vector<NDArray> backward(const NDArray& grad_output) override {
    return conv2d_backward(*this, g_, saved(0), saved(1), has_bias_, grad_output.contiguous());
  }
  std::string name() const override { return "Conv2d"; }

 private:
  ConvGeometry g_;
  bool has_bias_;
};

class AvgPool2dBackward : public Node {
 public:
  explicit AvgPool2dBackward(const ConvGeometry& g) : g_(g) {}

  // grad_output is (N,C,P,Q); returns the grad of x (N,C,H,W).
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    const NDArray go = grad_output.contiguous();
    NDArray gx = NDArray::empty(g_.input_shape());
    pool_kernels().avg_backward(g_, go.data(), gx.data());
    return {gx};
  }
  std::string name() const override { return "AvgPool2d"; }

 private:
  ConvGeometry g_;
};

class MaxPool2dBackward : public Node {
 public:
  MaxPool2dBackward(const ConvGeometry& g, std::unique_ptr<int64_t[]> argmax)
      : g_(g), argmax_(std::move(argmax)) {}

  // grad_output is (N,C,P,Q); returns the grad of x (N,C,H,W).
  std::vector<NDArray> backward(const NDArray& grad_output) override {
    BYO_CHECK(argmax_ != nullptr)
        << "MaxPool2d: backward through a graph that was already freed; pass "
           "retain_graph=true to the first backward to run it twice";
    const NDArray go = grad_output.contiguous();
    NDArray gx = NDArray::empty(g_.input_shape());
    pool_kernels().max_backward(g_, go.data(), argmax_.get(), gx.data());
    return {gx};
  }
  std::string name() const override { return "MaxPool2d"; }
  // The chosen cells are the only thing this node saves; free them like saved values.
  void release_saved() override {
    Node::release_saved();
    argmax_.reset();
  }

 private:
  ConvGeometry g_;
  std::unique_ptr<int64_t[]> argmax_;  // (N,C,P,Q): h·W + w of each window's maximum
};

}  // namespace

// grad_output is (N,K,P,Q); the grads are of x (N,C,H,W), weight (K,C,R,S) and bias (K).
std::vector<NDArray> conv2d_backward(const Node& node, const ConvGeometry& g, const NDArray& x,
                                     const NDArray& weight, bool has_bias,
                                     const NDArray& grad_output) {
  std::vector<NDArray> grads(has_bias ? 3 : 2);
  if (node.needs_input_grad(0)) {
    grads[0] = NDArray::empty(g.input_shape());
    conv_kernels().grad_input(g, grad_output.data(), weight.data(), grads[0].data());
  }
  if (node.needs_input_grad(1) || (has_bias && node.needs_input_grad(2))) {
    NDArray gw = NDArray::empty(g.weight_shape());
    NDArray gb = has_bias ? NDArray::empty({g.out_channels}) : NDArray();
    conv_kernels().grad_weight(g, x.data(), grad_output.data(), gw.data(),
                               has_bias ? gb.data() : nullptr);
    if (node.needs_input_grad(1)) grads[1] = gw;
    if (has_bias && node.needs_input_grad(2)) grads[2] = gb;
  }
  return grads;
}

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Size2 stride,
              Size2 padding) {
  profiler::Scope scope("Conv2d", profiler::Phase::forward);
  const ConvGeometry g = conv2d_geometry(x.shape(), weight.shape(), stride, padding);
  const bool has_bias = bias.defined();
  if (has_bias) {
    BYO_CHECK(bias.dim() == 1 && bias.size(0) == g.out_channels)
        << "conv2d: bias " << shape_str(bias.shape()) << " must be [" << g.out_channels
        << "] for weight " << shape_str(weight.shape());
  }
  // The kernels read plain (N,C,H,W) buffers: a view is copied once here.
  const NDArray xc = x.data().contiguous();
  const NDArray wc = weight.data().contiguous();
  const NDArray bc = has_bias ? bias.data().contiguous() : NDArray();
  NDArray out = NDArray::empty(g.output_shape());
  conv_kernels().forward(g, xc.data(), wc.data(), has_bias ? bc.data() : nullptr, out.data());

  std::vector<Tensor> inputs = {x, weight};
  if (has_bias) inputs.push_back(bias);
  std::shared_ptr<Node> node;
  if (any_requires_grad(inputs)) {
    node = std::make_shared<Conv2dBackward>(g, has_bias);
    node->save_for_backward({xc, wc});
  }
  return make_result(out, node, inputs);
}

Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding) {
  profiler::Scope scope("AvgPool2d", profiler::Phase::forward);
  const ConvGeometry g = pool2d_geometry(x.shape(), kernel, stride, padding, "avg_pool2d");
  const NDArray xc = x.data().contiguous();
  NDArray out = NDArray::empty(g.output_shape());
  pool_kernels().avg_forward(g, xc.data(), out.data());
  std::shared_ptr<Node> node;
  if (any_requires_grad({x})) node = std::make_shared<AvgPool2dBackward>(g);
  return make_result(out, node, {x});
}

Tensor avg_pool2d(const Tensor& x, Size2 kernel) { return avg_pool2d(x, kernel, kernel); }

Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding) {
  profiler::Scope scope("MaxPool2d", profiler::Phase::forward);
  const ConvGeometry g = pool2d_geometry(x.shape(), kernel, stride, padding, "max_pool2d");
  const NDArray xc = x.data().contiguous();
  NDArray out = NDArray::empty(g.output_shape());
  // The winners' positions are only needed by the backward; inference skips them (at
  // batch 1000 they would be 8 bytes written for every output).
  const bool needs_grad = any_requires_grad({x});
  // Not zeroed first: the kernel writes every entry.
  std::unique_ptr<int64_t[]> argmax =
      needs_grad ? std::make_unique_for_overwrite<int64_t[]>(static_cast<size_t>(out.numel()))
                 : nullptr;
  pool_kernels().max_forward(g, xc.data(), out.data(), argmax.get());
  std::shared_ptr<Node> node;
  if (needs_grad) node = std::make_shared<MaxPool2dBackward>(g, std::move(argmax));
  return make_result(out, node, {x});
}

Tensor max_pool2d(const Tensor& x, Size2 kernel) { return max_pool2d(x, kernel, kernel); }

}  // namespace byo
