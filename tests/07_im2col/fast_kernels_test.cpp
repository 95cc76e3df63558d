/// @file
/// @brief Every fast kernel against its naive twin, the tables installed whole, and one
///        layout, one set of bits: an op on a strided view equals the op on its
///        contiguous copy, bit for bit, in either table.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "byo/conv_gemm.h"
#include "byo/elementwise.h"
#include "byo/fast_kernels.h"
#include "byo/ndarray.h"
#include "byo/operators.h"
#include "byo/pool_fast.h"
#include "byo/random.h"
#include "support/arrays.h"
#include "support/threads.h"

namespace byo {
namespace {

using test::bits;

std::vector<float> random_floats(int64_t n, float scale, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(gen.normal()) * scale;
  return v;
}

TEST(KernelTables, UseFastAndUseNaiveInstallWholeTables) {
  KernelsGuard restore(KernelSet::naive);
  use_fast_kernels();
  EXPECT_STREQ(kernels().name, "fast");
  EXPECT_EQ(kernels().gemm, fast_kernels().gemm);
  EXPECT_EQ(kernels().allocate, &allocate_cached);
  EXPECT_EQ(kernels().release, &release_cached);
  EXPECT_EQ(kernels().sum, &sum_lanes);
  EXPECT_EQ(kernels().copy, &copy_tiled);
  EXPECT_STREQ(activation_kernels().name, "fast");
  EXPECT_EQ(activation_kernels().sigmoid, &sigmoid_fast);
  EXPECT_EQ(activation_kernels().relu_backward, &relu_backward_fast);
  EXPECT_EQ(conv_kernels().forward, fast_conv_kernels().forward);
  EXPECT_EQ(pool_kernels().max_forward, fast_pool_kernels().max_forward);
  EXPECT_EQ(fused_kernels().grad_weight_max_pool, &conv2d_grad_weight_max_pool_fast);
  EXPECT_EQ(fused_kernels().grad_weight_sigmoid_avg_pool,
            &conv2d_grad_weight_sigmoid_avg_pool_fast);

  use_naive_kernels();
  EXPECT_STREQ(kernels().name, "naive");
  EXPECT_EQ(kernels().gemm, &gemm_naive);
  EXPECT_EQ(kernels().allocate, &allocate_naive);
  EXPECT_EQ(kernels().release, &release_naive);
  EXPECT_EQ(kernels().sum, &sum_naive);
  EXPECT_EQ(kernels().copy, &copy_naive);
  EXPECT_STREQ(activation_kernels().name, "naive");
  EXPECT_EQ(activation_kernels().sigmoid, &sigmoid_naive);
  EXPECT_EQ(activation_kernels().sigmoid_backward, &sigmoid_backward_naive);
  EXPECT_EQ(activation_kernels().relu, &relu_naive);
  EXPECT_EQ(activation_kernels().relu_backward, &relu_backward_naive);
  EXPECT_EQ(conv_kernels().forward, &conv2d_forward_naive);
  EXPECT_STREQ(pool_kernels().name, "naive");
  EXPECT_EQ(fused_kernels().grad_weight_max_pool, nullptr);
  EXPECT_EQ(fused_kernels().grad_weight_sigmoid_avg_pool, nullptr);
  EXPECT_STREQ(fused_kernels().name, "naive");
}

TEST(KernelTables, GuardRestoresWhatWasInstalled) {
  KernelsGuard outer(KernelSet::naive);
  {
    KernelsGuard fast(KernelSet::fast);
    EXPECT_STREQ(kernels().name, "fast");
    EXPECT_STREQ(activation_kernels().name, "fast");
    {
      KernelsGuard naive(KernelSet::naive);
      EXPECT_STREQ(kernels().name, "naive");
    }
    EXPECT_STREQ(kernels().name, "fast");
    EXPECT_EQ(conv_kernels().grad_weight, fast_conv_kernels().grad_weight);
    EXPECT_STREQ(fused_kernels().name, "fast");
  }
  EXPECT_STREQ(kernels().name, "naive");
  EXPECT_STREQ(activation_kernels().name, "naive");
  EXPECT_EQ(conv_kernels().grad_weight, &conv2d_grad_weight_naive);
  EXPECT_STREQ(pool_kernels().name, "naive");
  EXPECT_EQ(fused_kernels().grad_weight_max_pool, nullptr);
}

// ---------------------------------------------------------------------------------------
// Allocation

TEST(AllocateCached, ReusesAFreedBufferOfTheSameSize) {
  const int64_t bytes = int64_t{1} << 20;  // above the cache's 64 KB threshold
  float* first = allocate_cached(bytes);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  first[bytes / 4 - 1] = 1.0f;  // the whole buffer is ours
  release_cached(first, bytes);
  float* second = allocate_cached(bytes);
  EXPECT_EQ(second, first);
  release_cached(second, bytes);
}

// A buffer this thread freed comes back to it before one another thread freed later: its
// lines are in this core's caches, the other's in the other core's.
TEST(AllocateCached, AThreadGetsBackTheBufferItFreed) {
  const int64_t bytes = (int64_t{1} << 20) + 4096;  // a size no other test uses
  float* mine = allocate_cached(bytes);
  float* theirs = allocate_cached(bytes);
  release_cached(mine, bytes);
  std::thread([&] { release_cached(theirs, bytes); }).join();  // freed last, by another thread
  float* first = allocate_cached(bytes);
  float* second = allocate_cached(bytes);  // none of this thread's left: the other's
  EXPECT_EQ(first, mine);
  EXPECT_EQ(second, theirs);
  release_cached(first, bytes);
  release_cached(second, bytes);
}

TEST(AllocateCached, AlignsLargeBuffersToHugePages) {
  const int64_t bytes = (int64_t{2} << 20) + 64;  // just above 2 MB: rounded to 4 MB
  float* data = allocate_cached(bytes);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % (uintptr_t{2} << 20), 0u);
  data[bytes / 4 - 1] = 1.0f;
  release_cached(data, bytes);
}

TEST(AllocateCached, AStorageGoesBackToTheAllocatorThatMadeIt) {
  KernelsGuard restore(KernelSet::naive);
  const int64_t floats = int64_t{1} << 18;  // 1 MB
  float* made = nullptr;
  {
    std::shared_ptr<Storage> storage;
    {
      KernelsGuard fast(KernelSet::fast);
      storage = std::make_shared<Storage>(floats);
      made = storage->data();
    }
    // The naive table is installed again; the storage still returns to the cache.
  }
  float* again = allocate_cached(floats * 4);
  EXPECT_EQ(again, made);
  release_cached(again, floats * 4);
}

// ---------------------------------------------------------------------------------------
// Sum

TEST(SumLanes, MatchesTheRunningSumAndIgnoresTheStride) {
  for (int64_t n : {0, 1, 31, 32, 33, 100, 4099}) {
    const std::vector<float> x = random_floats(n, 1.0f, 7 + n);
    double exact = 0.0;
    for (float v : x) exact += v;
    const float naive = sum_naive(x.data(), n, 1, 0.0f);
    const float fast = sum_lanes(x.data(), n, 1, 0.0f);
    EXPECT_NEAR(fast, exact, 1e-5 * (1.0 + std::sqrt(static_cast<double>(n)))) << n;
    if (n < 32) {
      EXPECT_EQ(fast, naive) << "short rows add left to right, n = " << n;
    }
    // The same values three floats apart: the same bits.
    std::vector<float> spread(static_cast<size_t>(3 * n + 1), -1e30f);
    for (int64_t i = 0; i < n; ++i) spread[3 * i] = x[i];
    EXPECT_EQ(sum_lanes(spread.data(), n, 3, 0.0f), fast) << n;
    EXPECT_EQ(sum_naive(spread.data(), n, 3, 0.0f), naive) << n;
  }
}

// ---------------------------------------------------------------------------------------
// Copy

TEST(CopyTiled, EqualsTheOdometerOnEveryLayout) {
  Generator gen(4);
  const NDArray x = NDArray::randn({3, 37, 50}, gen);  // not multiples of the 16 × 32 tiles
  const std::vector<NDArray> views = {x.permute({0, 2, 1}),
                                      x.permute({2, 1, 0}),
                                      x.permute({1, 2, 0}),
                                      x.slice(2, 1, 50, 3),
                                      x.slice(1, 0, 37, 2).transpose(1, 2),
                                      x.permute({0, 2, 1}).slice(1, 0, 0, 1),  // empty
                                      x.select(0, 1).transpose(0, 1),
                                      x.transpose(0, 2).select(0, 7)};
  for (const NDArray& v : views) {
    NDArray naive = NDArray::empty(v.shape()), fast = NDArray::empty(v.shape());
    copy_naive(v.storage()->data() + v.offset(), v.shape(), v.strides(), naive.data());
    copy_tiled(v.storage()->data() + v.offset(), v.shape(), v.strides(), fast.data());
    EXPECT_EQ(bits(fast), bits(naive)) << shape_str(v.shape()) << " " << shape_str(v.strides());
    // And both are the elements in row-major order, read one by one.
    std::vector<int64_t> index(v.dim(), 0);
    std::vector<float> want;
    if (v.numel() > 0) {
      do {
        want.push_back(v.at(index));
      } while (next_index(index, v.shape()));
    }
    EXPECT_EQ(naive.to_vector(), want);
  }
}

// ---------------------------------------------------------------------------------------
// Activations

TEST(SigmoidFast, WithinTwoUlpOfTheNaiveSigmoid) {
  std::vector<float> x;
  for (float v = -200.0f; v <= 200.0f; v += 0.0173f) x.push_back(v);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 87.0f, -87.3f, -103.9f, -104.0f, -150.0f}) {
    x.push_back(v);
  }
  const auto n = static_cast<int64_t>(x.size());
  std::vector<float> fast(x.size()), naive(x.size());
  sigmoid_fast(x.data(), fast.data(), n);
  sigmoid_naive(x.data(), naive.data(), n);
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])));
    // 2 ulp of the result, and denormals absolutely
    const double tolerance = 2.5e-7 * want + 1e-44;
    EXPECT_NEAR(fast[i], want, tolerance) << "x = " << x[i];
    EXPECT_NEAR(naive[i], want, tolerance) << "x = " << x[i];
  }
}

TEST(SigmoidFast, KeepsNaNAndSaturatesAtInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  const float x[] = {std::nanf(""), inf, -inf, 0.0f, 1e6f, -1e6f, 2.0f, 3.0f, 4.0f};
  float y[9];
  sigmoid_fast(x, y, 9);
  EXPECT_TRUE(std::isnan(y[0]));
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 0.5f);
  EXPECT_EQ(y[4], 1.0f);
  EXPECT_EQ(y[5], 0.0f);
}

TEST(SigmoidFast, AVectorLaneAndTheTailGiveTheSameBits) {
  // A call on one float computes it in a vector of its own, the tail of the array; in a
  // long array the same float sits in a vector among others. The bits must agree, so that
  // they do not depend on where the float lies nor on where a thread's piece starts.
  std::vector<float> x = random_floats(4099, 120.0f, 9);
  x[1] = std::nanf("");
  x[2] = 1e-30f;
  x[3] = -87.3f;  // a denormal result
  x[4] = -0.0f;
  const auto n = static_cast<int64_t>(x.size());
  std::vector<float> y(x.size());
  sigmoid_fast(x.data(), y.data(), n);
  for (size_t i = 0; i < x.size(); ++i) {
    float lone = 0.0f;
    sigmoid_fast(&x[i], &lone, 1);
    if (std::isnan(lone)) {  // NaN stays NaN; its sign bit is not part of the promise
      ASSERT_TRUE(std::isnan(y[i]));
      continue;
    }
    ASSERT_EQ(0, std::memcmp(&lone, &y[i], sizeof(float))) << "x = " << x[i];
  }
}

TEST(ActivationsFast, ReluAndTheGradientsEqualTheNaiveLoopsExactly) {
  const int64_t n = 100003;  // large enough to be split over threads, with a tail
  std::vector<float> x = random_floats(n, 3.0f, 1);
  x[5] = std::nanf("");
  x[6] = 0.0f;
  x[7] = -0.0f;
  const std::vector<float> g = random_floats(n, 1.0f, 2);
  std::vector<float> fast(n), naive(n);
  relu_fast(x.data(), fast.data(), n);
  relu_naive(x.data(), naive.data(), n);
  EXPECT_EQ(0, std::memcmp(fast.data(), naive.data(), n * sizeof(float)));
  relu_backward_fast(g.data(), x.data(), fast.data(), n);
  relu_backward_naive(g.data(), x.data(), naive.data(), n);
  EXPECT_EQ(0, std::memcmp(fast.data(), naive.data(), n * sizeof(float)));
  sigmoid_backward_fast(g.data(), x.data(), fast.data(), n);
  sigmoid_backward_naive(g.data(), x.data(), naive.data(), n);
  EXPECT_EQ(0, std::memcmp(fast.data(), naive.data(), n * sizeof(float)));
}

TEST(ActivationsFast, TheBitsDoNotDependOnTheThreadCount) {
  const int64_t n = 300001;
  const std::vector<float> x = random_floats(n, 10.0f, 3);
  std::vector<float> one(n), two(n), three(n);
  {
    test::Threads threads(1);
    sigmoid_fast(x.data(), one.data(), n);
  }
  {
    test::Threads threads(2);
    sigmoid_fast(x.data(), two.data(), n);
  }
  {
    test::Threads threads(3);
    sigmoid_fast(x.data(), three.data(), n);
  }
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), n * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(one.data(), three.data(), n * sizeof(float)));
}

// ---------------------------------------------------------------------------------------
// One layout, one set of bits

class OneLayoutOneSetOfBits : public ::testing::TestWithParam<KernelSet> {};

TEST_P(OneLayoutOneSetOfBits, StridedInputsGiveTheBitsOfTheirContiguousCopy) {
  KernelsGuard tables(GetParam());
  Generator gen(11);
  // (64, 300) viewed transposed: every op below walks it with stride 300.
  const NDArray base = NDArray::randn({64, 300}, gen) * 4.0f;
  const NDArray strided = base.transpose(0, 1);
  const NDArray copy = strided.contiguous();
  ASSERT_FALSE(strided.is_contiguous());
  const NDArray grad = NDArray::randn({300, 64}, gen);

  EXPECT_EQ(bits(strided.sum()), bits(copy.sum()));
  EXPECT_EQ(bits(strided.mean()), bits(copy.mean()));
  EXPECT_EQ(bits(strided.sum({1})), bits(copy.sum({1})));
  EXPECT_EQ(bits(strided.sum({0})), bits(copy.sum({0})));
  EXPECT_EQ(bits(strided.mean({1}, true)), bits(copy.mean({1}, true)));
  EXPECT_EQ(bits(strided.max(1)), bits(copy.max(1)));
  EXPECT_EQ(bits(sigmoid(strided)), bits(sigmoid(copy)));
  EXPECT_EQ(bits(relu(strided)), bits(relu(copy)));
  EXPECT_EQ(bits(exp(strided)), bits(exp(copy)));
  EXPECT_EQ(bits(strided + 1.5f), bits(copy + 1.5f));
  EXPECT_EQ(bits(sigmoid_backward(grad, strided)), bits(sigmoid_backward(grad, copy)));
  EXPECT_EQ(bits(relu_backward(grad.transpose(0, 1).contiguous().transpose(0, 1), strided)),
            bits(relu_backward(grad, copy)));
}

INSTANTIATE_TEST_SUITE_P(BothTables, OneLayoutOneSetOfBits,
                         ::testing::Values(KernelSet::naive, KernelSet::fast),
                         [](const auto& info) {
                           return info.param == KernelSet::fast ? "fast" : "naive";
                         });

TEST(FastAgainstNaive, ArrayOpsAgreeWithinRounding) {
  Generator gen(5);
  const NDArray x = NDArray::randn({128, 1000}, gen) * 3.0f;
  const NDArray g = NDArray::randn({128, 1000}, gen);
  NDArray naive[5], fast[5];
  for (int run = 0; run < 2; ++run) {
    KernelsGuard tables(run == 0 ? KernelSet::naive : KernelSet::fast);
    NDArray* out = run == 0 ? naive : fast;
    const NDArray y = sigmoid(x);
    out[0] = y;
    out[1] = sigmoid_backward(g, y);
    out[2] = relu(x);
    out[3] = x.sum({1});
    out[4] = x.mean();
  }
  EXPECT_TRUE(allclose(fast[0], naive[0], 3e-7f, 1e-30f));
  // Near y = 1, 1 − y keeps only the last bits of y: there a 1-ulp difference in y is an
  // absolute difference of |g| · 2^-24 in the gradient.
  EXPECT_TRUE(allclose(fast[1], naive[1], 1e-6f, 1e-6f));
  EXPECT_EQ(bits(fast[2]), bits(naive[2]));
  EXPECT_TRUE(allclose(fast[3], naive[3], 1e-5f, 1e-4f));
  EXPECT_TRUE(allclose(fast[4], naive[4], 1e-4f, 1e-5f));
}

}  // namespace
}  // namespace byo
