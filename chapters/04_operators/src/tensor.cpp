#include "byo/tensor.h"

#include <ostream>
#include <string>
#include <utility>

#include "byo/autograd.h"
#include "byo/check.h"
#include "byo/ops.h"

namespace byo {

Tensor::Tensor(NDArray data, bool requires_grad) : impl_(std::make_shared<TensorImpl>()) {
  BYO_CHECK(data.defined()) << "Tensor: the data is an undefined NDArray";
  impl_->data = std::move(data);
  impl_->requires_grad = requires_grad;
}

const NDArray& Tensor::data() const {
  BYO_CHECK(defined()) << "Tensor: use of an undefined tensor";
  return impl_->data;
}

bool Tensor::requires_grad() const { return defined() && impl_->requires_grad; }

Tensor& Tensor::requires_grad_(bool requires_grad) {
  BYO_CHECK(defined()) << "requires_grad_: undefined tensor";
  BYO_CHECK(is_leaf() || requires_grad)
      << "requires_grad_: only a leaf's flag can be turned off; use detach() on a tensor "
         "made by "
      << impl_->grad_fn->name();
  impl_->requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  if (!defined() || !impl_->grad.defined()) return Tensor();
  return Tensor(impl_->grad);
}

void Tensor::set_grad(const Tensor& grad) {
  BYO_CHECK(defined()) << "set_grad: undefined tensor";
  if (!grad.defined()) {
    impl_->grad = NDArray();
    return;
  }
  BYO_CHECK(grad.shape() == shape()) << "set_grad: gradient of shape " << shape_str(grad.shape())
                                     << " for a tensor of shape " << shape_str(shape());
  impl_->grad = grad.data();
}

void Tensor::zero_grad() {
  if (defined()) impl_->grad = NDArray();
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  static const std::shared_ptr<Node> none;
  return defined() ? impl_->grad_fn : none;
}

void Tensor::backward() const {
  BYO_CHECK(defined()) << "backward: undefined tensor";
  BYO_CHECK(numel() == 1) << "backward: a gradient can be implied only for a one-element "
                             "output, this one has shape "
                          << shape_str(shape()) << "; pass backward(grad_output)";
  run_backward(*this, NDArray::ones(shape()), /*retain_graph=*/false);
}

void Tensor::backward(const Tensor& grad_output, bool retain_graph) const {
  BYO_CHECK(defined()) << "backward: undefined tensor";
  BYO_CHECK(grad_output.defined()) << "backward: undefined grad_output";
  BYO_CHECK(grad_output.shape() == shape())
      << "backward: grad_output has shape " << shape_str(grad_output.shape())
      << " but the output has shape " << shape_str(shape());
  run_backward(*this, grad_output.data(), retain_graph);
}

Tensor Tensor::detach() const { return Tensor(data(), false); }

// The methods forward to the free functions of byo/ops.h.
Tensor Tensor::add(const Tensor& other) const { return byo::add(*this, other); }
Tensor Tensor::sub(const Tensor& other) const { return byo::sub(*this, other); }
Tensor Tensor::mul(const Tensor& other) const { return byo::mul(*this, other); }
Tensor Tensor::div(const Tensor& other) const { return byo::div(*this, other); }
Tensor Tensor::neg() const { return byo::neg(*this); }
Tensor Tensor::pow(float exponent) const { return byo::pow(*this, exponent); }
Tensor Tensor::exp() const { return byo::exp(*this); }
Tensor Tensor::log() const { return byo::log(*this); }
Tensor Tensor::sqrt() const { return byo::sqrt(*this); }
Tensor Tensor::sigmoid() const { return byo::sigmoid(*this); }
Tensor Tensor::tanh() const { return byo::tanh(*this); }
Tensor Tensor::relu() const { return byo::relu(*this); }
Tensor Tensor::matmul(const Tensor& other) const { return byo::matmul(*this, other); }
Tensor Tensor::sum() const { return byo::sum(*this); }
Tensor Tensor::sum(const std::vector<int64_t>& dims, bool keepdim) const {
  return byo::sum(*this, dims, keepdim);
}
Tensor Tensor::mean() const { return byo::mean(*this); }
Tensor Tensor::mean(const std::vector<int64_t>& dims, bool keepdim) const {
  return byo::mean(*this, dims, keepdim);
}
Tensor Tensor::max(int64_t dim, bool keepdim) const { return byo::max(*this, dim, keepdim); }
Tensor Tensor::reshape(const Shape& shape) const { return byo::reshape(*this, shape); }
Tensor Tensor::view(const Shape& shape) const { return byo::view(*this, shape); }
Tensor Tensor::permute(const std::vector<int64_t>& dims) const { return byo::permute(*this, dims); }
Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  return byo::transpose(*this, dim0, dim1);
}
Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  return byo::flatten(*this, start_dim, end_dim);
}
Tensor Tensor::log_softmax(int64_t dim) const { return byo::log_softmax(*this, dim); }
Tensor Tensor::softmax(int64_t dim) const { return byo::softmax(*this, dim); }

Tensor zeros(const Shape& shape, bool requires_grad) {
  return Tensor(NDArray::zeros(shape), requires_grad);
}
Tensor ones(const Shape& shape, bool requires_grad) {
  return Tensor(NDArray::ones(shape), requires_grad);
}
Tensor full(const Shape& shape, float value, bool requires_grad) {
  return Tensor(NDArray::full(shape, value), requires_grad);
}
Tensor randn(const Shape& shape, Generator& gen, bool requires_grad) {
  return Tensor(NDArray::randn(shape, gen), requires_grad);
}
Tensor rand(const Shape& shape, Generator& gen, bool requires_grad) {
  return Tensor(NDArray::rand(shape, gen), requires_grad);
}
Tensor from_vector(const std::vector<float>& values, const Shape& shape, bool requires_grad) {
  return Tensor(NDArray::from_vector(values, shape), requires_grad);
}

// Scalars become 0-d tensors that need no gradient; broadcasting does the rest.
namespace {
Tensor scalar(float s) { return Tensor(NDArray::scalar(s)); }
}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, float s) { return add(a, scalar(s)); }
Tensor operator+(float s, const Tensor& a) { return add(scalar(s), a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, float s) { return sub(a, scalar(s)); }
Tensor operator-(float s, const Tensor& a) { return sub(scalar(s), a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, float s) { return mul(a, scalar(s)); }
Tensor operator*(float s, const Tensor& a) { return mul(scalar(s), a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, float s) { return div(a, scalar(s)); }
Tensor operator/(float s, const Tensor& a) { return div(scalar(s), a); }
Tensor operator-(const Tensor& a) { return neg(a); }

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  std::string text = to_string(t.data());
  std::string suffix;
  if (t.grad_fn()) {
    suffix = ", grad_fn=<" + t.grad_fn()->name() + "Backward>";
  } else if (t.requires_grad()) {
    suffix = ", requires_grad=True";
  }
  // NDArray prints "tensor(...)"; PyTorch puts the autograd note inside the parentheses.
  if (!suffix.empty() && !text.empty() && text.back() == ')') {
    text.insert(text.size() - 1, suffix);
  }
  return os << text;
}

}  // namespace byo
