/// @file
/// @brief `byo::nn::StateDict`: a model's named tensors, in registration order.
///
/// A state dict is what a checkpoint holds: every parameter and buffer of a module tree
/// under its dotted name ("features.0.weight"), in the order `named_parameters()` lists
/// them. It is the bridge between a Module (byo/nn/module.h) and a file
/// (byo/serialize.h): `module.state_dict()` → `save` → file → `load` → `load_state_dict`.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "byo/ndarray.h"

namespace byo::nn {

/// @brief An ordered map from dotted names to arrays; names are unique.
class StateDict {
 public:
  /// @brief One named array.
  using Entry = std::pair<std::string, NDArray>;

  /// @brief Appends `value` under `name`; throws `byo::Error` if the name is already used.
  void insert(std::string name, NDArray value);
  /// @brief The array called `name`, or nullptr.
  const NDArray* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  /// @brief The array called `name`; throws `byo::Error` naming it if there is none.
  const NDArray& at(const std::string& name) const;
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  /// @brief The entries in insertion order.
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // name -> position in entries_
};

}  // namespace byo::nn
