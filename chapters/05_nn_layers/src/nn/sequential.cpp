#include "byo/nn/sequential.h"

#include <utility>

#include "byo/check.h"

namespace byo::nn {

void Sequential::push_back(std::shared_ptr<Module> module) {
  push_back(std::to_string(modules_.size()), std::move(module));
}

void Sequential::push_back(const std::string& name, std::shared_ptr<Module> module) {
  register_module(name, module);
  modules_.push_back(std::move(module));
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& module : modules_) x = module->forward(x);
  return x;
}

const std::shared_ptr<Module>& Sequential::operator[](size_t index) const {
  BYO_CHECK(index < modules_.size())
      << "Sequential: index " << index << " is out of range for " << modules_.size() << " modules";
  return modules_[index];
}

}  // namespace byo::nn
