#include "byo/nn/module.h"

#include <algorithm>
#include <ostream>
#include <sstream>
#include <unordered_set>

#include "byo/check.h"

namespace byo::nn {

// ---- StateDict -------------------------------------------------------------------------

void StateDict::insert(std::string name, NDArray value) {
  BYO_CHECK(!index_.contains(name))
      << "StateDict::insert: the name '" << name << "' is already used";
  index_.emplace(name, entries_.size());
  entries_.emplace_back(std::move(name), std::move(value));
}

const NDArray* StateDict::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

const NDArray& StateDict::at(const std::string& name) const {
  const NDArray* value = find(name);
  BYO_CHECK(value != nullptr) << "StateDict::at: no entry called '" << name << "'";
  return *value;
}

// ---- Registration ----------------------------------------------------------------------

void Module::check_new_name(const std::string& name, const char* what) const {
  BYO_CHECK(!name.empty()) << type_name() << "::register_" << what << ": the name is empty";
  BYO_CHECK(name.find('.') == std::string::npos)
      << type_name() << "::register_" << what << ": the name '" << name
      << "' contains a '.', which separates the levels of dotted names";
  const auto same = [&](const auto& entry) { return entry.first == name; };
  BYO_CHECK(std::none_of(parameters_.begin(), parameters_.end(), same) &&
            std::none_of(buffers_.begin(), buffers_.end(), same) &&
            std::none_of(children_.begin(), children_.end(), same))
      << type_name() << "::register_" << what << ": the name '" << name
      << "' is already registered";
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_new_name(name, "parameter");
  if (tensor.defined()) tensor.requires_grad_(requires_grad);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
  check_new_name(name, "buffer");
  BYO_CHECK(tensor.defined()) << type_name() << "::register_buffer: '" << name
                              << "' is an undefined tensor";
  buffers_.emplace_back(name, tensor);
  return tensor;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "module");
  BYO_CHECK(module != nullptr) << type_name() << "::register_module: '" << name
                               << "' is a null pointer";
  BYO_CHECK(module.get() != this) << type_name() << "::register_module: '" << name
                                  << "' is the module itself";
  children_.emplace_back(name, std::move(module));
}

void Module::replace_parameter(const std::string& name, Tensor tensor) {
  for (auto& [own_name, slot] : parameters_) {
    if (own_name == name) {
      slot = std::move(tensor);
      return;
    }
  }
  BYO_CHECK(false) << type_name() << "::replace_parameter: no parameter called '" << name << "'";
}

// ---- Walking the tree ------------------------------------------------------------------
// Module trees are a few levels deep, so these walks recurse (autograd graphs, which can
// be 100 000 nodes long, never do).

void Module::collect(const std::string& prefix, bool recurse, bool buffers,
                     std::vector<NamedTensor>& out) const {
  for (const auto& [name, tensor] : buffers ? buffers_ : parameters_) {
    out.emplace_back(prefix + name, tensor);
  }
  if (!recurse) return;
  for (const auto& [name, child] : children_) {
    child->collect(prefix + name + ".", recurse, buffers, out);
  }
}

void Module::collect_slots(const std::string& prefix, std::vector<Slot>& out) {
  for (auto* list : {&parameters_, &buffers_}) {
    for (auto& [name, tensor] : *list) out.push_back({prefix + name, this, name, &tensor});
  }
  for (const auto& [name, child] : children_) child->collect_slots(prefix + name + ".", out);
}

std::vector<NamedTensor> Module::named_parameters(bool recurse) const {
  std::vector<NamedTensor> out;
  collect("", recurse, /*buffers=*/false, out);
  return out;
}

std::vector<NamedTensor> Module::named_buffers(bool recurse) const {
  std::vector<NamedTensor> out;
  collect("", recurse, /*buffers=*/true, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, tensor] : named_parameters(recurse)) out.push_back(std::move(tensor));
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  out.reserve(children_.size());
  for (const auto& entry : children_) out.push_back(entry.second);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (const auto& entry : children_) entry.second->train(on);
}

void Module::zero_grad() {
  for (auto& [name, tensor] : named_parameters()) {
    if (tensor.defined()) tensor.zero_grad();
  }
}

// ---- Checkpoints -----------------------------------------------------------------------

StateDict Module::state_dict() const {
  StateDict state;
  std::vector<NamedTensor> all = named_parameters();
  std::vector<NamedTensor> buffers = named_buffers();
  all.insert(all.end(), buffers.begin(), buffers.end());
  for (const auto& [name, tensor] : all) {
    BYO_CHECK(tensor.defined()) << "state_dict: the parameter '" << name
                                << "' is not materialised yet (a lazy layer that has not "
                                   "seen its first forward): run one forward pass first";
    state.insert(name, tensor.data());
  }
  return state;
}

void Module::check_materialize(const std::string& name, const Shape& /*shape*/) const {
  BYO_CHECK(false) << type_name() << ": the parameter '" << name
                   << "' is undefined and this module cannot materialise it";
}

void Module::materialize(const std::string& name, const NDArray& /*value*/) {
  BYO_CHECK(false) << type_name() << ": the parameter '" << name
                   << "' is undefined and this module cannot materialise it";
}

void Module::load_state_dict(const StateDict& state) {
  // Phase 1 validates everything; only phase 2 writes, so a refusal changes nothing.
  std::vector<Slot> slots;
  collect_slots("", slots);
  std::unordered_set<std::string> expected;
  for (const Slot& slot : slots) {
    expected.insert(slot.name);
    const NDArray* value = state.find(slot.name);
    BYO_CHECK(value != nullptr) << "load_state_dict: missing '" << slot.name
                                << "': the module has it, the state dict does not";
    if (slot.tensor->defined()) {
      BYO_CHECK(value->shape() == slot.tensor->shape())
          << "load_state_dict: '" << slot.name << "' has shape " << shape_str(value->shape())
          << " in the state dict but " << shape_str(slot.tensor->shape()) << " in the module";
    } else {
      slot.owner->check_materialize(slot.local_name, value->shape());
    }
  }
  for (const auto& [name, value] : state) {
    BYO_CHECK(expected.contains(name)) << "load_state_dict: unexpected '" << name
                                       << "': the state dict has it, the module does not";
  }
  for (const Slot& slot : slots) {
    const NDArray& value = state.at(slot.name);
    if (slot.tensor->defined()) {
      slot.tensor->data().copy_(value);  // in place: optimisers keep their handles
    } else {
      slot.owner->materialize(slot.local_name, value);
    }
  }
}

// ---- Printing --------------------------------------------------------------------------

void Module::print(std::ostream& os, int indent) const {
  os << type_name() << "(" << extra_repr();
  if (children_.empty()) {
    os << ")";
    return;
  }
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  os << "\n";
  for (const auto& [name, child] : children_) {
    os << pad << "(" << name << "): ";
    child->print(os, indent + 2);
    os << "\n";
  }
  os << std::string(static_cast<size_t>(indent), ' ') << ")";
}

std::ostream& operator<<(std::ostream& os, const Module& module) {
  module.print(os, 0);
  return os;
}

std::string to_string(const Module& module) {
  std::ostringstream os;
  os << module;
  return os.str();
}

}  // namespace byo::nn
