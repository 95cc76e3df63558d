#include "byo/data/dataloader.h"

#include <algorithm>
#include <numeric>
#include <span>

#include "byo/check.h"
#include "byo/random.h"

namespace byo::data {

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  // SplitMix64's finaliser: nearby (seed, epoch) pairs give unrelated seeds, so epoch 1 of
  // seed 0 is not epoch 0 of seed 1.
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(epoch) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

DataLoader::DataLoader(const Dataset& dataset, DataLoaderOptions options)
    : dataset_(dataset), options_(options) {
  BYO_CHECK(options_.batch_size > 0)
      << "DataLoader: batch_size must be positive, not " << options_.batch_size;
  BYO_CHECK(options_.limit >= 0 && options_.limit <= dataset_.size())
      << "DataLoader: limit " << options_.limit << " is not in 0.." << dataset_.size()
      << " (0 means the whole dataset of " << dataset_.size() << " examples)";
  num_examples_ = options_.limit > 0 ? options_.limit : dataset_.size();
}

int64_t DataLoader::size() const {
  const int64_t full = num_examples_ / options_.batch_size;
  const bool partial = num_examples_ % options_.batch_size != 0;
  return full + (partial && !options_.drop_last ? 1 : 0);
}

DataLoader::Epoch DataLoader::epoch(int64_t epoch) const {
  BYO_CHECK(epoch >= 0) << "DataLoader::epoch: epoch " << epoch << " is negative";
  auto order = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(num_examples_));
  std::iota(order->begin(), order->end(), int64_t{0});
  if (options_.shuffle) {
    Generator gen(epoch_seed(options_.seed, epoch));
    gen.shuffle(std::span<int64_t>(*order));
  }
  return Epoch(this, std::move(order));
}

void DataLoader::set_epoch(int64_t epoch) {
  BYO_CHECK(epoch >= 0) << "DataLoader::set_epoch: epoch " << epoch << " is negative";
  next_epoch_ = epoch;
}

DataLoader::Iterator DataLoader::begin() { return epoch(next_epoch_++).begin(); }

std::span<const int64_t> DataLoader::batch_indices(const std::vector<int64_t>& order,
                                                   int64_t batch) const {
  const int64_t start = batch * options_.batch_size;
  const int64_t stop = std::min(start + options_.batch_size, num_examples_);
  return {order.data() + start, static_cast<size_t>(stop - start)};
}

std::span<const int64_t> DataLoader::Iterator::indices() const {
  BYO_CHECK(order_ != nullptr && batch_ < loader_->size())
      << "DataLoader: asking an iterator past the last batch for its indices";
  return loader_->batch_indices(*order_, batch_);
}

const Batch& DataLoader::Iterator::operator*() const {
  BYO_CHECK(order_ != nullptr && batch_ < loader_->size())
      << "DataLoader: dereferencing an iterator past the last batch";
  if (!current_) current_ = loader_->dataset_.get_batch(indices());
  return *current_;
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++batch_;
  current_.reset();
  return *this;
}

}  // namespace byo::data
