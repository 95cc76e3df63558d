/// @file
/// @brief Shards of a batch on replicas of the model, one core each.
#include "byo/data_parallel.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "byo/check.h"
#include "byo/fast_kernels.h"
#include "byo/ops.h"
#include "threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace byo {

int64_t count_correct(const Tensor& logits, const Tensor& labels) {
  const std::vector<float> guesses = logits.data().argmax(1).to_vector();
  const std::vector<float> truth = labels.data().to_vector();
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) correct += guesses[i] == truth[i] ? 1 : 0;
  return correct;
}

namespace {

void check_same_parameters(const nn::Module& model, const nn::Module& replica) {
  const std::vector<nn::NamedTensor> ours = model.named_parameters();
  const std::vector<nn::NamedTensor> theirs = replica.named_parameters();
  BYO_CHECK(ours.size() == theirs.size())
      << "DataParallel: the model has " << ours.size() << " parameters but a replica has "
      << theirs.size() << ": make_replica must build the same architecture";
  for (size_t i = 0; i < ours.size(); ++i) {
    BYO_CHECK(ours[i].first == theirs[i].first &&
              ours[i].second.shape() == theirs[i].second.shape())
        << "DataParallel: the model's parameter " << ours[i].first << " "
        << shape_str(ours[i].second.shape()) << " is " << theirs[i].first << " "
        << shape_str(theirs[i].second.shape())
        << " in a replica: make_replica must build the same architecture";
    // Values may be shared (share_weights does it), a gradient may not.
    BYO_CHECK(ours[i].second.impl() != theirs[i].second.impl())
        << "DataParallel: a replica shares the model's tensor " << ours[i].first
        << ": make_replica must build a new model, whose gradients are its own";
  }
}

void check_no_buffers(const nn::Module& module) {
  const std::vector<nn::NamedTensor> buffers = module.named_buffers();
  BYO_CHECK(buffers.empty()) << "DataParallel: the model has buffers (" << buffers.front().first
                             << "): each replica would update its own copy";
}

// images (n, ...) and labels (n).
void check_batch(const data::Batch& batch, int64_t n) {
  const Tensor& images = batch.images;
  const Tensor& labels = batch.labels;
  BYO_CHECK(images.defined() && labels.defined() && images.dim() >= 1 && labels.dim() == 1 &&
            images.size(0) == n && labels.size(0) == n)
      << "DataParallel: a batch of " << n << " needs images (" << n << ", ...) and labels (" << n
      << "), got images " << (images.defined() ? shape_str(images.shape()) : "undefined")
      << " and labels " << (labels.defined() ? shape_str(labels.shape()) : "undefined");
}

// Shard [begin, end) of a loaded batch, after checking it.
std::function<data::Batch(int64_t, int64_t)> slices_of(const data::Batch& batch) {
  const Tensor& images = batch.images;
  BYO_CHECK(images.defined() && images.dim() >= 1 && images.size(0) > 0)
      << "DataParallel: a batch needs images (N, ...) with N ≥ 1, got "
      << (images.defined() ? shape_str(images.shape()) : "undefined images");
  check_batch(batch, images.size(0));
  return [&batch](int64_t begin, int64_t end) -> data::Batch {
    return {Tensor(batch.images.data().slice(0, begin, end)),
            Tensor(batch.labels.data().slice(0, begin, end))};
  };
}

// Shard [begin, end) of the batch of `dataset`'s examples `indices`, loaded when asked.
std::function<data::Batch(int64_t, int64_t)> loads_of(const data::Dataset& dataset,
                                                      std::span<const int64_t> indices) {
  BYO_CHECK(!indices.empty()) << "DataParallel: a batch of no examples";
  return [&dataset, indices](int64_t begin, int64_t end) {
    return dataset.get_batch(
        indices.subspan(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
  };
}

// The replicas' threads have read every weight, so each of its cache lines is now shared
// with their cores, and the optimiser's first write to a line would wait for the others to
// drop it: thousands of waits one after another (LeNet: the step took 50-70 µs instead of
// 15-25). Asking for the lines for writing now starts those handovers together.
void claim_for_writing([[maybe_unused]] const float* data, [[maybe_unused]] int64_t floats) {
#if defined(__GNUC__)
  const auto* bytes = reinterpret_cast<const char*>(data);
  const int64_t size = floats * static_cast<int64_t>(sizeof(float));
  for (int64_t b = 0; b < size; b += 64) __builtin_prefetch(bytes + b, 1);
#endif
}

// The threads of the calling region (1 outside one); this thread is detail::this_thread().
int team_size() {
#ifdef _OPENMP
  return omp_get_num_threads();
#else
  return 1;
#endif
}

}  // namespace

void DataParallel::claim_weights() const {
  for (const Tensor& p : params_) claim_for_writing(p.data().data(), p.numel());
}

void DataParallel::share_weights() {
  for (const std::vector<Tensor>& mine : replica_params_) {
    for (size_t i = 0; i < params_.size(); ++i) {
      // impl(): the replica's parameter keeps its own gradient but takes the model's values.
      if (mine[i].data().data() != params_[i].data().data())
        mine[i].impl()->data = params_[i].data();
    }
  }
}

void DataParallel::check_trains_model(const optim::Optimizer& optimizer) const {
  const std::vector<Tensor>& theirs = optimizer.parameters();
  bool same = theirs.size() == params_.size();
  for (size_t i = 0; same && i < params_.size(); ++i) same = theirs[i].impl() == params_[i].impl();
  BYO_CHECK(same) << "DataParallel: train_step's optimiser has " << theirs.size()
                  << " parameters that are not the model's " << params_.size()
                  << " in the order of parameters(): build it from model.parameters()";
}

DataParallel::DataParallel(nn::Module& model, int shards, Factory make_replica)
    : model_(model),
      shards_(shards),
      make_replica_(std::move(make_replica)),
      params_(model.parameters()) {
  BYO_CHECK(shards >= 1) << "DataParallel: shards must be at least 1, got " << shards;
  check_no_buffers(model);
  for (const Tensor& p : params_) {
    BYO_CHECK(p.defined()) << "DataParallel: the model has a parameter that is not materialised "
                              "yet (a lazy layer): run one batch through it first";
  }
  BYO_CHECK(shards == 1 || make_replica_)
      << "DataParallel: " << shards << " shards need a make_replica function";
  if (shards > 1) add_replica();
}

void DataParallel::add_replica() {
  std::unique_ptr<nn::Module> replica = make_replica_();
  BYO_CHECK(replica != nullptr) << "DataParallel: make_replica returned no model";
  check_same_parameters(model_, *replica);
  check_no_buffers(*replica);
  replica_params_.push_back(replica->parameters());
  replicas_.push_back(std::move(replica));
}

double DataParallel::run_shard(int s, int count, int64_t n, const ShardLoader& load,
                               int64_t& correct) {
  nn::Module& module = s == 0 ? model_ : *replicas_[static_cast<size_t>(s - 1)];
  if (s > 0) {  // the model's weights (share_weights), no gradient yet
    module.zero_grad();
    module.train(model_.is_training());
  }
  const int64_t begin = n * s / count, end = n * (s + 1) / count;
  const data::Batch shard = load(begin, end);
  check_batch(shard, end - begin);
  const Tensor logits = module.forward(shard.images);
  const Tensor loss = cross_entropy(logits, shard.labels);
  const Tensor share =
      count == 1 ? loss : loss * (static_cast<float>(end - begin) / static_cast<float>(n));
  share.backward();
  correct = count_correct(logits, shard.labels);
  return static_cast<double>(share.item());
}

void DataParallel::adopt_lone_gradients(int count) {
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].grad().defined()) continue;
    for (int s = 1; s < count; ++s) {
      // A handle: clearing its gradient clears the replica's.
      Tensor twin = replica_params_[static_cast<size_t>(s - 1)][i];
      if (!twin.grad().defined()) continue;
      params_[i].set_grad(Tensor(twin.grad().data().clone()));
      twin.zero_grad();  // now the model's: the later replicas' are still to be added
      break;
    }
  }
}

void DataParallel::add_and_update(int count, int member, int members, optim::Optimizer* optimizer) {
  int64_t total = 0;
  for (const Tensor& p : params_) total += p.grad().defined() ? p.numel() : 0;
  // This thread's slice [first, last) of the parameters' elements, laid end to end.
  const int64_t first = total * member / members;
  const int64_t last = total * (member + 1) / members;
  int64_t offset = 0;
  for (size_t i = 0; i < params_.size() && offset < last; ++i) {
    const Tensor grad = params_[i].grad();
    if (!grad.defined()) continue;
    const int64_t begin = std::max(first - offset, int64_t{0});
    const int64_t end = std::min(last - offset, params_[i].numel());
    offset += params_[i].numel();
    if (begin >= end) continue;
    if (optimizer != nullptr && members > 1) {
      claim_for_writing(params_[i].data().data() + begin, end - begin);
    }
    float* sum = grad.data().data();
    for (int s = 1; s < count; ++s) {
      const Tensor part = replica_params_[static_cast<size_t>(s - 1)][i].grad();
      if (!part.defined()) continue;
      const float* g = part.data().data();
      for (int64_t k = begin; k < end; ++k) sum[k] += g[k];
    }
    if (optimizer != nullptr) optimizer->update(i, begin, end);
  }
}

StepResult DataParallel::forward_backward(const data::Batch& batch, int threads) {
  const ShardLoader load = slices_of(batch);
  return step(batch.images.size(0), load, threads, nullptr);
}

StepResult DataParallel::forward_backward(const data::Dataset& dataset,
                                          std::span<const int64_t> indices, int threads) {
  return step(static_cast<int64_t>(indices.size()), loads_of(dataset, indices), threads, nullptr);
}

StepResult DataParallel::train_step(const data::Batch& batch, optim::Optimizer& optimizer,
                                    int threads) {
  const ShardLoader load = slices_of(batch);
  return step(batch.images.size(0), load, threads, &optimizer);
}

StepResult DataParallel::train_step(const data::Dataset& dataset, std::span<const int64_t> indices,
                                    optim::Optimizer& optimizer, int threads) {
  return step(static_cast<int64_t>(indices.size()), loads_of(dataset, indices), threads,
              &optimizer);
}

StepResult DataParallel::step(int64_t n, const ShardLoader& load, int threads,
                              optim::Optimizer* optimizer) {
  BYO_CHECK(threads >= 0) << "DataParallel: threads must be 0 (as many as are free) or more, got "
                          << threads;
  if (optimizer != nullptr) check_trains_model(*optimizer);
  const int count = static_cast<int>(std::min<int64_t>(shards(), n));
  while (static_cast<int>(replicas_.size()) < count - 1) add_replica();
  share_weights();
  std::vector<double> losses(static_cast<size_t>(count));
  std::vector<int64_t> correct(static_cast<size_t>(count));
  detail::RegionErrors errors;
  const auto run = [&](int s) {
    const auto i = static_cast<size_t>(s);
    errors.run([&] { losses[i] = run_shard(s, count, n, load, correct[i]); });
  };
  // Once every shard is done: the gradients' sum is complete once each thread adds its
  // slice, and the update may start if the loss is finite.
  bool update = false;
  const auto prepare_update = [&] {
    errors.run([&] { adopt_lone_gradients(count); });
    double loss = 0;
    for (const double l : losses) loss += l;
    update = optimizer != nullptr && !errors.failed() && std::isfinite(loss);
    if (update) errors.run([&] { optimizer->begin_step(); });
    update = update && !errors.failed();
  };
  // Fewer threads than shards: the shards take turns, with the same bits.
  int team = threads > 0 ? std::min(threads, count) : count;
  if (threads == 0 && thread_adaptation()) team = busy_machine_threads(count);
  if (team == 1) {
    // No parallel region: inside one, even of one thread, the kernels' own regions would
    // be nested ones, which start their threads afresh every time.
    for (int s = 0; s < count; ++s) run(s);
    if (!errors.failed()) prepare_update();
    if (!errors.failed())
      errors.run([&] { add_and_update(count, 0, 1, update ? optimizer : nullptr); });
  } else {
    bool ok = true;
#pragma omp parallel num_threads(team)
    {
#pragma omp for schedule(static, 1)
      for (int s = 0; s < count; ++s) run(s);
#pragma omp single
      {
        if (!errors.failed()) prepare_update();
        ok = !errors.failed();
      }
      const auto member = static_cast<int>(detail::this_thread());
      if (ok) {
        errors.run(
            [&] { add_and_update(count, member, team_size(), update ? optimizer : nullptr); });
      }
      if (member == 0 && optimizer == nullptr) claim_weights();  // for the caller's step()
    }
  }
  errors.rethrow();
  StepResult result;
  result.updated = update;
  for (int s = 0; s < count; ++s) {
    result.loss += losses[static_cast<size_t>(s)];
    result.correct += correct[static_cast<size_t>(s)];
  }
  return result;
}

}  // namespace byo
