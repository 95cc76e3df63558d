/// @file
/// @brief `data::DataLoader`: a dataset cut into batches, shuffled per epoch, for a range-for.
///
///     byo::data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 1});
///     for (int64_t epoch = 0; epoch < 5; ++epoch) {
///       for (const byo::data::Batch& batch : loader.epoch(epoch)) {
///         // batch.images (64, 1, 28, 28), batch.labels (64)
///       }
///     }
///
/// Shuffling is reproducible and resumable: epoch e visits the examples in an order drawn
/// from a Generator seeded with `epoch_seed(seed, e)`, which depends on nothing else. A run
/// restarted at epoch 3 sees exactly the batches the uninterrupted run saw at epoch 3.
/// Iterating the loader itself (`for (auto& b : loader)`) walks epoch 0, then 1, and so on,
/// as a PyTorch DataLoader draws a new order each time it is iterated.
///
/// Batches are made when the iterator reaches them, so only one batch is in memory at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "byo/data/dataset.h"

namespace byo::data {

/// @brief How a DataLoader cuts its dataset into batches.
struct DataLoaderOptions {
  int64_t batch_size = 64;  ///< Examples per batch (the last may be smaller).
  bool shuffle = false;     ///< Visit the examples in a new random order every epoch.
  bool drop_last = false;   ///< Skip the last batch if it is smaller than batch_size.
  uint64_t seed = 0;        ///< Fixes every epoch's order (with shuffle).
  int64_t limit = 0;        ///< Use only the first `limit` examples; 0 means all.
};

/// @brief The seed of epoch `epoch`'s shuffle: a hash (SplitMix64) of `seed` and `epoch`.
uint64_t epoch_seed(uint64_t seed, int64_t epoch);

/// @brief Batches of a Dataset, in order or shuffled per epoch; see the file comment.
///
/// The loader keeps a reference to the dataset, which must outlive it.
class DataLoader {
 public:
  /// @brief Walks the batches of one epoch; made by `DataLoader::epoch` or a range-for.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = const Batch*;
    using reference = const Batch&;

    /// @brief The current batch, made on first access.
    const Batch& operator*() const;
    /// @brief The current batch's examples, as indices into the dataset, without making the
    ///        batch: for a caller that loads them itself (chapter 7's DataParallel loads
    ///        each shard of a batch on the thread that trains it).
    std::span<const int64_t> indices() const;
    const Batch* operator->() const { return &**this; }
    Iterator& operator++();
    /// @brief Same position (iterators of one epoch).
    bool operator==(const Iterator& other) const { return batch_ == other.batch_; }

   private:
    friend class DataLoader;
    Iterator(const DataLoader* loader, std::shared_ptr<const std::vector<int64_t>> order,
             int64_t batch)
        : loader_(loader), order_(std::move(order)), batch_(batch) {}

    const DataLoader* loader_;
    std::shared_ptr<const std::vector<int64_t>> order_;  // the epoch's example order
    int64_t batch_;
    mutable std::optional<Batch> current_;
  };

  /// @brief The batches of one epoch, as a range: `for (auto& b : loader.epoch(3))`.
  class Epoch {
   public:
    Iterator begin() const { return Iterator(loader_, order_, 0); }
    Iterator end() const { return Iterator(loader_, order_, loader_->size()); }
    int64_t size() const { return loader_->size(); }
    /// @brief The example indices in the order this epoch visits them.
    const std::vector<int64_t>& order() const { return *order_; }

   private:
    friend class DataLoader;
    Epoch(const DataLoader* loader, std::shared_ptr<const std::vector<int64_t>> order)
        : loader_(loader), order_(std::move(order)) {}

    const DataLoader* loader_;
    std::shared_ptr<const std::vector<int64_t>> order_;
  };

  /// @brief Batches of `dataset` (kept by reference) as `options` say; checks the options.
  DataLoader(const Dataset& dataset, DataLoaderOptions options = {});
  /// @brief Refused: a temporary dataset would be destroyed while the loader still reads it.
  DataLoader(const Dataset&& dataset, DataLoaderOptions options = {}) = delete;

  /// @brief Batches per epoch (Python's `len(loader)`).
  int64_t size() const;
  /// @brief Examples per epoch: the dataset's size, or `limit`.
  int64_t num_examples() const { return num_examples_; }
  const DataLoaderOptions& options() const { return options_; }
  /// @brief The dataset the batches come from.
  const Dataset& dataset() const { return dataset_; }

  /// @brief The batches of epoch `epoch` (>= 0); the same epoch always gives the same batches.
  Epoch epoch(int64_t epoch) const;

  /// @brief The epoch that the next range-for over the loader walks (starts at 0).
  int64_t next_epoch() const { return next_epoch_; }
  /// @brief Makes the next range-for walk epoch `epoch` (to resume a run).
  void set_epoch(int64_t epoch);
  /// @brief Starts the next epoch (and counts it): what a range-for over the loader calls.
  Iterator begin();
  Iterator end() const { return Iterator(this, nullptr, size()); }

 private:
  std::span<const int64_t> batch_indices(const std::vector<int64_t>& order, int64_t batch) const;

  const Dataset& dataset_;
  DataLoaderOptions options_;
  int64_t num_examples_ = 0;
  int64_t next_epoch_ = 0;
};

}  // namespace byo::data
