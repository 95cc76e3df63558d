/// @file
/// @brief Chapter 1's allocation entries, fast: a cache of freed buffers and huge pages.
///
/// Two costs hide in a fresh buffer. The C library hands a large one straight over from
/// the kernel as new pages, and the first write to each 4 KB page is a page fault that
/// clears it: a training step allocates the same activations and gradients every time,
/// and without a cache it pays those faults every time (in LeNet's step at batch 128, a
/// tenth of the time). And a big buffer on 4 KB pages needs many TLB entries.
///
/// - Freed buffers of 64 KB or more are kept, by exact size, for the next buffer of the
///   same size: PyTorch's caching allocators in their simplest form (exact sizes, a
///   bounded total, a lock). A thread gets back the buffers it freed, if it can: two
///   threads each training a replica (byo/data_parallel.h) would otherwise swap buffers
///   every step, and every line of a swapped buffer comes from the other core. When the
///   total would pass the bound, the buffers cached longest ago are freed, so a program
///   that switches from training batches to larger test batches soon caches the sizes it
///   now uses.
/// - Buffers of 2 MB or more are aligned to 2 MB and marked MADV_HUGEPAGE (Linux's
///   transparent huge pages): one fault maps 2 MB, and one TLB entry covers it.
#include <atomic>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <limits>
#include <mutex>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "byo/fast_kernels.h"
#include "byo/ndarray.h"

namespace byo {

namespace {

constexpr int64_t kHugePage = int64_t{2} << 20;

static_assert(Storage::kMaxSize <= std::numeric_limits<int64_t>::max() / kHugePage,
              "rounding the largest Storage up to a huge page must not overflow");

// The bytes actually allocated for a request, and their alignment.
struct Block {
  int64_t bytes, align;
};
Block block_for(int64_t bytes) {
  const int64_t align = bytes >= kHugePage ? kHugePage : Storage::kAlignment;
  return {(bytes + align - 1) / align * align, align};
}

class BufferCache {
 public:
  static constexpr int64_t kMinBytes = int64_t{64} << 10;    // smaller blocks: malloc is fast
  static constexpr int64_t kMaxCached = int64_t{128} << 20;  // bytes kept at most

  float* take(int64_t bytes) {
    if (bytes < kMinBytes) return nullptr;
    const std::lock_guard<std::mutex> lock(mutex_);
    // The most recently freed buffer of this size that this thread freed, else the most
    // recently freed one: its lines are the likeliest to be in this core's caches.
    const int me = thread_tag();
    auto chosen = free_.rend();
    for (auto it = free_.rbegin(); it != free_.rend(); ++it) {
      if (it->bytes != bytes) continue;
      if (chosen == free_.rend()) chosen = it;
      if (it->owner == me) {
        chosen = it;
        break;
      }
    }
    if (chosen == free_.rend()) return nullptr;
    float* data = chosen->data;
    free_.erase(std::next(chosen).base());
    cached_ -= bytes;
    return data;
  }
  // Keeps `data`, freeing the oldest buffers to make room; false means the caller frees it.
  bool give(float* data, int64_t bytes) {
    if (bytes < kMinBytes || bytes > kMaxCached) return false;
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back({data, bytes, thread_tag()});
    cached_ += bytes;
    while (cached_ > kMaxCached) {
      std::free(free_.front().data);
      cached_ -= free_.front().bytes;
      free_.pop_front();
    }
    return true;
  }

 private:
  struct Entry {
    float* data;
    int64_t bytes;  // as allocated
    int owner;      // thread_tag() of the thread that freed it
  };
  // A number per thread, for the owner of a freed buffer.
  static int thread_tag() {
    static std::atomic<int> next{0};
    thread_local const int tag = next++;
    return tag;
  }
  std::mutex mutex_;
  std::deque<Entry> free_;  // oldest first
  int64_t cached_ = 0;
};

// Never destroyed, so a Storage freed during static destruction still finds it.
BufferCache& buffer_cache() {
  static auto* cache = new BufferCache;
  return *cache;
}

std::atomic<int64_t> g_cached{0}, g_small{0}, g_fresh{0}, g_fresh_bytes{0};

}  // namespace

AllocatorCounts allocator_counts() {
  return {g_cached.load(), g_small.load(), g_fresh.load(), g_fresh_bytes.load()};
}

float* allocate_cached(int64_t bytes) {
  const Block block = block_for(bytes);
  if (float* data = buffer_cache().take(block.bytes)) {
    g_cached.fetch_add(1, std::memory_order_relaxed);
    return data;
  }
  if (block.bytes < BufferCache::kMinBytes) {
    g_small.fetch_add(1, std::memory_order_relaxed);
  } else {
    g_fresh.fetch_add(1, std::memory_order_relaxed);
    g_fresh_bytes.fetch_add(block.bytes, std::memory_order_relaxed);
  }
  auto* data = static_cast<float*>(
      std::aligned_alloc(static_cast<size_t>(block.align), static_cast<size_t>(block.bytes)));
  if (data == nullptr) throw std::bad_alloc();
#ifdef __linux__
  if (block.align == kHugePage) madvise(data, static_cast<size_t>(block.bytes), MADV_HUGEPAGE);
#endif
  return data;
}

// `data` came from allocate_cached with the same `bytes` (a Storage keeps the release of
// the table that allocated it), so it holds block_for(bytes).bytes.
void release_cached(float* data, int64_t bytes) {
  if (!buffer_cache().give(data, block_for(bytes).bytes)) std::free(data);
}

}  // namespace byo
