/// @file
/// @brief `nn::Sequential`: modules applied one after another, named "0", "1", ...
///
///     auto mlp = std::make_shared<byo::nn::Sequential>(
///         std::make_shared<byo::nn::Linear>(784, 256),
///         std::make_shared<byo::nn::ReLU>(),
///         std::make_shared<byo::nn::Linear>(256, 10));
///     // mlp->named_parameters(): 0.weight, 0.bias, 2.weight, 2.bias
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "byo/nn/module.h"

namespace byo::nn {

/// @brief A chain of modules: forward(x) = m_n(...m_1(m_0(x))).
class Sequential : public Module {
 public:
  /// @brief An empty chain (its forward returns the input).
  Sequential() = default;
  /// @brief The chain of `modules` (any Module subclasses), named by position.
  template <typename... M>
  explicit Sequential(std::shared_ptr<M>... modules) {
    (push_back(std::move(modules)), ...);
  }

  /// @brief Appends `module` under the name of its position ("3").
  void push_back(std::shared_ptr<Module> module);
  /// @brief Appends `module` under `name`.
  void push_back(const std::string& name, std::shared_ptr<Module> module);

  /// @brief Runs every module in order.
  Tensor forward(const Tensor& input) override;

  size_t size() const { return modules_.size(); }
  /// @brief The module at `index` (checked).
  const std::shared_ptr<Module>& operator[](size_t index) const;
  const std::vector<std::shared_ptr<Module>>& modules() const { return modules_; }

  std::string type_name() const override { return "Sequential"; }

 private:
  std::vector<std::shared_ptr<Module>> modules_;
};

}  // namespace byo::nn
