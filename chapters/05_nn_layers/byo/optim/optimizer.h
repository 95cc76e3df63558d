/// @file
/// @brief `optim::Optimizer`: the base of SGD and Adam — parameters in, updates in place.
///
/// How parameters reach the optimiser: `model->parameters()` returns Tensor handles that
/// share their TensorImpl with the model's own members, so the optimiser, the model and
/// the checkpoint code all see the same storage:
///
///     Linear::weight ──┐
///                      ├──> TensorImpl { data, grad }  <── optimiser's params_[0]
///     parameters()[0] ─┘
///
///     loss.backward();    // fills every parameter's grad
///     optimizer.step();   // reads grad, writes data in place (nothing is recorded)
///     optimizer.zero_grad();
///
/// One parameter group with one learning rate (libtorch and PyTorch allow several).
///
/// What an optimiser remembers between steps — SGD's momentum buffers, Adam's moments and
/// step counts — is its state. `state_dict()` names each piece "<what>.<parameter index>"
/// ("exp_avg.3"), as PyTorch's `optimizer.state_dict()` keys its state by index, so a
/// checkpoint can hold it beside the model's and a resumed run continues exactly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "byo/nn/state_dict.h"
#include "byo/tensor.h"

namespace byo::optim {

/// @brief Holds the parameters to train and the learning rate; subclasses define step().
class Optimizer {
 public:
  /// @brief Checks every parameter is defined (a lazy layer must have run once), is a
  ///        leaf, is contiguous and is listed once. `name` prefixes errors. A parameter
  ///        that does not require grad is accepted and never updated (a frozen layer).
  Optimizer(std::vector<Tensor> params, double lr, std::string name);
  /// @brief Virtual: optimisers are used through the base class by schedulers.
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// @brief Updates every parameter that has a gradient; parameters without one are
  ///        skipped (they took no part in the last backward). It is begin_step(), then
  ///        update(i, 0, numel) for each parameter i with a gradient.
  void step();

  /// @name A step in pieces
  /// An update is elementwise: element k of a parameter moves by its own gradient, its own
  /// state (a momentum, two moments) and the step's scalars, never by its neighbours'. So
  /// a step can be cut up. begin_step() does what happens once per parameter (creating
  /// its state, counting its steps, Adam's bias corrections); update() then moves a range
  /// of one parameter's elements. Ranges that cover every parameter with a gradient once,
  /// in any order, give step()'s bits, and ranges that do not overlap may be updated by
  /// several threads at once (chapter 7's DataParallel has each core update the elements
  /// whose gradients it has just added up).
  /// @{
  /// @brief Starts a step: prepares every parameter that has a gradient now.
  void begin_step();
  /// @brief Updates elements [begin, end) of parameter `i`, which must have had a gradient
  ///        at the last begin_step(). Refuses an index or a range out of bounds.
  void update(size_t i, int64_t begin, int64_t end);
  /// @}
  /// @brief Clears every parameter's gradient (as PyTorch's `set_to_none=True`).
  void zero_grad();

  double lr() const { return lr_; }
  /// @brief Sets the learning rate (schedulers do this between epochs).
  void set_lr(double lr);
  const std::vector<Tensor>& parameters() const { return params_; }

  /// @brief The running state by name, "<what>.<parameter index>"; empty before the first
  ///        step. The arrays are copies.
  virtual nn::StateDict state_dict() const = 0;
  /// @brief Replaces the running state with `state` (from state_dict() of an optimiser of
  ///        the same kind over the same parameters). Refuses an unknown name, an index
  ///        out of range or a shape other than its parameter's, and then changes nothing.
  virtual void load_state_dict(const nn::StateDict& state) = 0;

 protected:
  /// @brief The gradient of parameter `i` as a contiguous array, or an undefined array if
  ///        it has none; checks its shape.
  NDArray grad_of(size_t i) const;
  /// @brief Splits a state name "exp_avg.3" into ("exp_avg", 3), checking that the index
  ///        names a parameter.
  std::pair<std::string, size_t> parse_state_name(const std::string& name) const;
  /// @brief Checks that the state `value` called `name` has parameter `i`'s shape.
  void check_state_shape(const std::string& name, const NDArray& value, size_t i) const;
  /// @brief The step count stored as the one-element `value` called `name`: a whole number
  ///        from 1 to 2^24, the range in which a float holds every count exactly.
  int64_t read_step_count(const std::string& name, const NDArray& value) const;

  /// @brief begin_step()'s work for parameter `i`, whose gradient is `grad`.
  virtual void prepare(size_t i, const NDArray& grad) = 0;
  /// @brief update()'s work: the formula on elements [begin, end) of parameter `i`, `g`
  ///        its gradient's floats (all of them, indexed as the parameter's).
  virtual void update_elements(size_t i, const float* g, int64_t begin, int64_t end) = 0;

  std::vector<Tensor> params_;  ///< The parameters, in the order given.
  double lr_;
  std::string name_;  ///< "SGD" or "Adam", for messages.

 private:
  std::vector<char> prepared_;  // per parameter: had a gradient at the last begin_step()
};

}  // namespace byo::optim
