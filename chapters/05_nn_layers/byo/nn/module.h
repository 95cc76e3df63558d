/// @file
/// @brief `byo::nn::Module`: the base of every layer and model — a tree of named parts.
///
/// A module owns three kinds of named things, each kept in the order it was registered:
///
///     parameters   tensors the optimiser trains      register_parameter("weight", w)
///     buffers      tensors it saves but never trains register_buffer("running_mean", m)
///     children     sub-modules                       register_module("features", seq)
///
/// Walking the tree gives every parameter a dotted name, the path from the root:
///
///     Net                                   named_parameters():
///     ├── features: Sequential                features.0.weight   [256, 784]
///     │   ├── 0: Linear                       features.0.bias     [256]
///     │   └── 1: ReLU                         classifier.weight   [10, 256]
///     └── classifier: Linear                  classifier.bias     [10]
///
/// The same names are the keys of `state_dict()`, so a checkpoint maps one to one onto
/// the tree that wrote it. As in libtorch, modules live in `std::shared_ptr`s (a child is
/// shared by its parent and by whoever built it) and are neither copyable nor movable:
/// a copy would silently share, or silently not share, its parameters.
///
/// `forward` takes one Tensor and returns one: every layer of this project has a single
/// input, so the single-input signature keeps Sequential and the layers simple.
/// (libtorch's forward may take any arguments; Python's takes anything.)
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "byo/nn/state_dict.h"
#include "byo/tensor.h"

namespace byo::nn {

/// @brief A tensor with its dotted name.
using NamedTensor = std::pair<std::string, Tensor>;

/// @brief The base class of layers and models: parameters, buffers and children by name.
class Module {
 public:
  /// @brief A module with nothing registered, in training mode.
  Module() = default;
  /// @brief Virtual: modules are used through pointers to the base.
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;

  /// @brief Computes the module's output from `input`; every layer overrides it.
  virtual Tensor forward(const Tensor& input) = 0;
  /// @brief The same as `forward(input)`, so a module reads like a function: `net(x)`.
  Tensor operator()(const Tensor& input) { return forward(input); }

  /// @brief The class name printed by `operator<<`, e.g. "Linear".
  virtual std::string type_name() const = 0;
  /// @brief The settings printed inside the parentheses, e.g. "in_features=3, ...".
  virtual std::string extra_repr() const { return ""; }

  /// @name Registration
  /// @{
  /// @brief Registers `tensor` as a parameter called `name` (no dots; unique within this
  ///        module), sets its requires_grad, and returns the same handle. An undefined
  ///        tensor registers a not-yet-materialised parameter (see LazyLinear).
  Tensor register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  /// @brief Registers a tensor that is saved in state_dict() but never trained.
  Tensor register_buffer(const std::string& name, Tensor tensor);
  /// @brief Registers `module` as the child called `name`; returns it, typed as given.
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  /// @}

  /// @name The tree
  /// @{
  /// @brief Every parameter of this module and (if `recurse`) of its descendants, in the
  ///        order of named_parameters(). Not-yet-materialised ones are undefined tensors.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// @brief Parameters with dotted names: this module's own first, then each child's
  ///        under its name ("0.weight", "features.0.weight"), in registration order.
  std::vector<NamedTensor> named_parameters(bool recurse = true) const;
  /// @brief Buffers with dotted names, ordered as named_parameters().
  std::vector<NamedTensor> named_buffers(bool recurse = true) const;
  /// @brief The direct children, in registration order.
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  /// @}

  /// @name Modes and gradients
  /// @{
  /// @brief Sets training mode (true) or evaluation mode (false) here and in every
  ///        descendant; layers such as Dropout behave differently in the two.
  void train(bool on = true);
  void eval() { train(false); }
  /// @brief True in training mode (the default).
  bool is_training() const { return training_; }
  /// @brief Clears the gradient of every parameter (as PyTorch's `set_to_none=True`).
  void zero_grad();
  /// @}

  /// @name Checkpoints
  /// @{
  /// @brief Every parameter, then every buffer, by dotted name; the arrays share storage
  ///        with the module (clone them for a snapshot). Throws if a parameter is not
  ///        materialised.
  StateDict state_dict() const;
  /// @brief Copies `state` into the parameters and buffers. Checks first that the names
  ///        are exactly this module's (none missing, none unexpected) and every shape
  ///        matches; if anything is wrong it throws `byo::Error` and changes nothing.
  ///        A lazy parameter is materialised from the loaded shape.
  void load_state_dict(const StateDict& state);
  /// @}

 protected:
  /// @brief Checks that a lazy (undefined) parameter called `name` may be materialised with
  ///        `shape`; the default refuses, since only lazy layers register undefined ones.
  virtual void check_materialize(const std::string& name, const Shape& shape) const;
  /// @brief Creates the lazy parameter `name` from `value` (already checked).
  virtual void materialize(const std::string& name, const NDArray& value);
  /// @brief Replaces the registered parameter `name` (which must exist) by `tensor`.
  void replace_parameter(const std::string& name, Tensor tensor);

 private:
  friend std::ostream& operator<<(std::ostream& os, const Module& module);

  // One parameter or buffer slot of the tree, with the module that owns it.
  struct Slot {
    std::string name;  // dotted, from the root of the walk
    Module* owner;
    std::string local_name;
    Tensor* tensor;
  };
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;
  void collect(const std::string& prefix, bool recurse, bool buffers,
               std::vector<NamedTensor>& out) const;
  void collect_slots(const std::string& prefix, std::vector<Slot>& out);
  void print(std::ostream& os, int indent) const;

  std::vector<NamedTensor> parameters_;
  std::vector<NamedTensor> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// @brief Prints the tree as PyTorch does: `Sequential(\n  (0): Linear(in_features=...)\n)`.
std::ostream& operator<<(std::ostream& os, const Module& module);

/// @brief The same text as `operator<<`.
std::string to_string(const Module& module);

}  // namespace byo::nn
