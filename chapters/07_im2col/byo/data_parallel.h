/// @file
/// @brief Data parallelism on one machine: each core trains a replica of the model on its
///        shard of the batch, and the replicas' gradients are added up.
///
/// This chapter's kernels are each parallel: a LeNet step is about sixty kernel calls, and
/// each splits its work between the cores and waits at its end for the slower one. At
/// batch 64 a call lasts tens of microseconds, so those waits, and the cache lines one core
/// hands to the other between calls, eat much of what the second core brings. Data
/// parallelism (PyTorch's DistributedDataParallel, here on the cores of one machine) splits
/// the step once instead:
///
///     batch of n ──┬─ shard 0 (n₀ images) ─▶ model      forward, backward ─▶ ∇₀ ─┐
///                  └─ shard 1 (n₁ images) ─▶ replica 1  forward, backward ─▶ ∇₁ ─┴─▶ ∇₀ + ∇₁
///
/// A core runs its whole shard with one-thread kernels, on activations that stay in its own
/// caches; the cores meet once, to add the gradients. The replicas compute with the model's
/// own weights (shared, not copied: nothing writes them until every shard is done), and
/// train_step() has each core then update the slice of the weights whose gradients it
/// added, so no core waits while another runs the optimiser. Shard s's loss is its mean
/// cross-entropy times nₛ/n, so the sum is the gradient of the batch's mean loss:
///
///     ∇ (1/n) Σᵢ ℓᵢ  =  Σₛ (nₛ/n) ∇ (1/nₛ) Σ_{i ∈ s} ℓᵢ
///
/// equal to one pass over the whole batch up to rounding, since the sums run in another
/// order. The bits depend on the number of shards, never on how many cores run them: on a
/// busy machine the shards take turns on the cores that are free, with the same result.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "byo/data/dataset.h"
#include "byo/nn/module.h"
#include "byo/optim/optimizer.h"
#include "byo/tensor.h"

namespace byo {

/// @brief What one step measured on its batch.
struct StepResult {
  double loss = 0;       ///< The batch's mean cross-entropy.
  int64_t correct = 0;   ///< Images whose largest logit is at their label.
  bool updated = false;  ///< train_step(): the optimiser ran (not if the loss was not finite).
};

/// @brief How many rows of `logits` (N, classes) have their largest value at `labels` (N).
int64_t count_correct(const Tensor& logits, const Tensor& labels);

/// @brief A model and its replicas: forward_backward() runs the shards of a batch on as many
///        cores as are free and leaves the batch's gradient in the model.
///
///     DataParallel parallel(model, 2, [] { return std::make_unique<Net>(); });
///     for (const data::Batch& batch : loader.epoch(e)) {
///       optimizer.zero_grad();
///       const StepResult r = parallel.forward_backward(batch);  // model.forward, backward
///       optimizer.step();                                       // on the model alone
///     }
///
/// `parallel.train_step(batch, optimizer)` does the last two lines in one, and shares the
/// update between the cores. The optimiser knows the model only; the replicas read its
/// weights. With one shard (or a batch of one image) it is the plain step: forward,
/// cross_entropy, backward on the model. A DataLoader iterator's `indices()` let each
/// shard load its own examples: `parallel.forward_backward(loader.dataset(), it.indices())`.
/// Models with buffers (BatchNorm's running statistics) are refused: each replica would
/// update its own.
class DataParallel {
 public:
  /// @brief Builds a model of the same architecture as the one trained (its weights do not
  ///        matter: they are overwritten before every use).
  using Factory = std::function<std::unique_ptr<nn::Module>()>;

  /// @brief `shards` ≥ 1 shards per batch. `make_replica` builds the first replica now (to
  ///        check it) and the others when a batch first needs them: at most shards − 1.
  DataParallel(nn::Module& model, int shards, Factory make_replica);

  /// @brief Forward and backward of `batch` (images (N, ...), labels (N) class indices):
  ///        adds the gradient of its mean cross-entropy to the model's gradients, as
  ///        `cross_entropy(model(images), labels).backward()` would.
  ///
  /// At most `threads` shards run at once; 0 means one thread per shard, fewer while other
  /// processes keep the cores busy (set_thread_adaptation in byo/fast_kernels.h). The
  /// result is the same for any `threads`.
  StepResult forward_backward(const data::Batch& batch, int threads = 0);

  /// @brief The same for the batch of `dataset`'s examples `indices` (a DataLoader
  ///        iterator's `indices()`), each shard loaded by the thread that trains it: the
  ///        loading runs in parallel too, and the shard's images are in that core's caches.
  StepResult forward_backward(const data::Dataset& dataset, std::span<const int64_t> indices,
                              int threads = 0);

  /// @brief forward_backward(batch), then `optimizer.step()`, with the same bits, but each
  ///        thread updates the elements whose gradients it has just added up.
  ///
  /// `optimizer` must train the model's parameters, in the order of `model.parameters()`.
  /// If the batch's loss is not finite (NaN or infinite) the optimiser does not run, so the
  /// weights stay as they were, and `updated` is false; the gradients are left in the
  /// model, as forward_backward() leaves them.
  StepResult train_step(const data::Batch& batch, optim::Optimizer& optimizer, int threads = 0);

  /// @brief The same for the batch of `dataset`'s examples `indices`, each shard loaded by
  ///        the thread that trains it, as forward_backward(dataset, indices) does.
  StepResult train_step(const data::Dataset& dataset, std::span<const int64_t> indices,
                        optim::Optimizer& optimizer, int threads = 0);

  /// @brief The number of shards a batch is cut into (fewer if it has fewer images).
  int shards() const { return shards_; }

 private:
  // Examples [begin, end) of the batch.
  using ShardLoader = std::function<data::Batch(int64_t begin, int64_t end)>;
  // Every public step: a batch of n examples, loaded shard by shard by `load`, and then
  // the update of `optimizer` if there is one.
  StepResult step(int64_t n, const ShardLoader& load, int threads, optim::Optimizer* optimizer);
  // Checks that `optimizer` trains params_, in that order.
  void check_trains_model(const optim::Optimizer& optimizer) const;
  // Points every replica's parameters at the model's values, wherever they are now.
  void share_weights();
  // Shard s of `count` shards of a batch of n, on the model (s = 0) or replica s.
  double run_shard(int s, int count, int64_t n, const ShardLoader& load, int64_t& correct);
  // A parameter the model's own shard left without a gradient (it took no part) takes the
  // first replica's that has one.
  void adopt_lone_gradients(int count);
  // The model's gradients += replica 1's + ... + replica count−1's, element by element in
  // that order, over this thread's slice of the elements (`member` of `members`); then,
  // with an `optimizer` (whose begin_step() has run), the update of that slice.
  void add_and_update(int count, int member, int members, optim::Optimizer* optimizer);
  // Brings the model's weights into this core's caches, ready for the optimiser to write.
  void claim_weights() const;

  // Builds, checks and keeps one more replica.
  void add_replica();

  nn::Module& model_;
  int shards_;
  Factory make_replica_;
  std::vector<std::unique_ptr<nn::Module>> replicas_;  // shards 1, 2, ...
  std::vector<Tensor> params_;                         // the model's
  std::vector<std::vector<Tensor>> replica_params_;    // each replica's, in the same order
};

}  // namespace byo
