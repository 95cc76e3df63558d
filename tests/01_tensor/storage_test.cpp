/// @file
/// @brief Storage alignment, factories, element access and copies.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>

#include "byo/kernels.h"
#include "byo/ndarray.h"

namespace byo {
namespace {

bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

TEST(Storage, IsAlignedToACacheLine) {
  for (int64_t size : {0, 1, 3, 15, 16, 17, 1000}) {
    Storage s(size);
    EXPECT_EQ(s.size(), size);
    EXPECT_TRUE(aligned64(s.data())) << "size " << size;
  }
  EXPECT_TRUE(aligned64(NDArray::zeros({7, 3}).data()));
  EXPECT_THROW(Storage(-1), Error);
  EXPECT_THROW(Storage(int64_t{1} << 62), Error);  // bytes would overflow int64
}

// A stand-in allocator for the seam: counts its calls and checks the bytes come back.
int64_t g_allocated = 0;
int g_releases = 0;
float* counting_allocate(int64_t bytes) {
  g_allocated += bytes;
  return allocate_naive(bytes);
}
void counting_release(float* data, int64_t bytes) {
  g_allocated -= bytes;
  ++g_releases;
  release_naive(data, bytes);
}

TEST(Storage, AllocatesThroughTheSeamAndReleasesToTheSameAllocator) {
  Kernels& table = kernels();
  const Kernels saved = table;
  table.allocate = &counting_allocate;
  table.release = &counting_release;
  auto storage = std::make_shared<Storage>(1000);  // 4000 bytes, rounded up to 4032
  EXPECT_EQ(g_allocated, 4032);
  table = saved;  // another allocator is installed now...
  storage.reset();
  EXPECT_EQ(g_releases, 1);  // ...but the buffer went back to the one that made it
  EXPECT_EQ(g_allocated, 0);
  { Storage empty(0); }  // zero floats still get one cache line
  EXPECT_EQ(g_releases, 1);
}

TEST(Factories, FillValues) {
  EXPECT_EQ(NDArray::zeros({2, 2}).to_vector(), (std::vector<float>{0, 0, 0, 0}));
  EXPECT_EQ(NDArray::ones({3}).to_vector(), (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(NDArray::full({2}, 2.5f).to_vector(), (std::vector<float>{2.5f, 2.5f}));
  const NDArray s = NDArray::scalar(3.0f);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item(), 3.0f);
  EXPECT_TRUE(NDArray::zeros({2, 3}).is_contiguous());
  EXPECT_EQ(NDArray::zeros({2, 3}).strides(), (Strides{3, 1}));
}

TEST(Factories, ArangeLikeTorch) {
  EXPECT_EQ(NDArray::arange(0, 5).to_vector(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(NDArray::arange(1, 2, 0.25f).to_vector(), (std::vector<float>{1, 1.25f, 1.5f, 1.75f}));
  EXPECT_EQ(NDArray::arange(5, 0, -2).to_vector(), (std::vector<float>{5, 3, 1}));
  EXPECT_EQ(NDArray::arange(3, 3).numel(), 0);
  EXPECT_EQ(NDArray::arange(0, 1, 0.3f).numel(), 4);  // ceil(1 / 0.3)
  EXPECT_THROW(NDArray::arange(0, 1, 0), Error);
}

TEST(Factories, FromVectorChecksCount) {
  const NDArray a = NDArray::from_vector({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  EXPECT_EQ(a.at({1, 0}), 4.0f);
  EXPECT_THROW(NDArray::from_vector({1, 2, 3}, {2, 2}), Error);
}

TEST(Factories, RandomIsSeededAndInRange) {
  Generator g1(42), g2(42);
  const NDArray a = NDArray::rand({100}, g1);
  const NDArray b = NDArray::rand({100}, g2);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  for (float x : a.to_vector()) {
    EXPECT_GE(x, 0.0f);
    EXPECT_LT(x, 1.0f);
  }
  Generator g3(1);
  const NDArray n = NDArray::randn({10000}, g3);
  const float mean = n.mean().item();
  EXPECT_NEAR(mean, 0.0f, 0.05f);
  const float var = n.map([mean](float x) { return (x - mean) * (x - mean); }).mean().item();
  EXPECT_NEAR(var, 1.0f, 0.05f);
}

TEST(Elements, AtReadsAndWrites) {
  NDArray a = NDArray::arange(0, 6).reshape({2, 3});
  EXPECT_EQ(a.at({0, 0}), 0.0f);
  EXPECT_EQ(a.at({1, 2}), 5.0f);
  EXPECT_EQ(a.at({-1, -1}), 5.0f);  // Python-style negative indices
  a.at({1, 1}) = 40.0f;
  EXPECT_EQ(a.to_vector(), (std::vector<float>{0, 1, 2, 3, 40, 5}));
  EXPECT_EQ(NDArray::scalar(2.0f).at({}), 2.0f);
}

TEST(Elements, ItemNeedsOneElement) {
  EXPECT_EQ(NDArray::full({1, 1}, 7.0f).item(), 7.0f);
  EXPECT_THROW(NDArray::zeros({2}).item(), Error);
  EXPECT_THROW(NDArray::zeros({0}).item(), Error);
}

TEST(Elements, UndefinedArray) {
  const NDArray a;
  EXPECT_FALSE(a.defined());
  EXPECT_THROW(a.contiguous(), Error);
  EXPECT_THROW(a.at({}), Error);
  EXPECT_THROW(a.map([](float x) { return x; }), Error);
  EXPECT_THROW(a.zip(NDArray::scalar(1), [](float x, float y) { return x + y; }), Error);
  EXPECT_THROW(a.sum(), Error);
  EXPECT_THROW(a.transpose(0, 0), Error);
  EXPECT_THROW(matmul(a, a), Error);
}

TEST(Constructor, RejectsViewsOutsideTheStorage) {
  auto storage = std::make_shared<Storage>(6);
  EXPECT_NO_THROW(NDArray(storage, {2, 3}, {3, 1}, 0));
  EXPECT_NO_THROW(NDArray(storage, {3, 2}, {1, 3}, 0));
  EXPECT_NO_THROW(NDArray(storage, {0, 9}, {9, 1}, 6));  // empty: addresses nothing
  EXPECT_THROW(NDArray(storage, {2, 3}, {3, 1}, 1), Error);
  EXPECT_THROW(NDArray(storage, {2, 4}, {4, 1}, 0), Error);
  EXPECT_THROW(NDArray(storage, {2, 3}, {3, -1}, 2), Error);
  EXPECT_THROW(NDArray(storage, {2, 3}, {3}, 0), Error);
  EXPECT_THROW(NDArray(nullptr, {1}, {1}, 0), Error);
}

TEST(Copies, ContiguousCopiesOnlyWhenNeeded) {
  const NDArray a = NDArray::arange(0, 6).reshape({2, 3});
  EXPECT_EQ(a.contiguous().storage(), a.storage());
  const NDArray t = a.transpose(0, 1);
  const NDArray c = t.contiguous();
  EXPECT_NE(c.storage(), a.storage());
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.to_vector(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(Copies, CloneSharesNothing) {
  const NDArray a = NDArray::ones({3});
  const NDArray b = a.clone();
  b.at({0}) = 5.0f;
  EXPECT_EQ(a.at({0}), 1.0f);
  EXPECT_NE(a.storage(), b.storage());
}

TEST(Copies, CopyIntoAStridedView) {
  const NDArray a = NDArray::zeros({3, 4});
  a.slice(1, 0, 4, 2).copy_(NDArray::from_vector({1, 2, 3, 4, 5, 6}, {3, 2}));
  EXPECT_EQ(a.to_vector(), (std::vector<float>{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}));
  EXPECT_THROW(a.copy_(NDArray::zeros({4, 3})), Error);
}

TEST(Copies, CopyFromAnOverlappingView) {
  // In-place transpose: reading and writing the same storage must not clobber.
  const NDArray a = NDArray::from_vector({1, 2, 3, 4}, {2, 2});
  a.copy_(a.transpose(0, 1));
  EXPECT_EQ(a.to_vector(), (std::vector<float>{1, 3, 2, 4}));
}

TEST(Copies, FillAStridedView) {
  const NDArray a = NDArray::zeros({2, 3});
  a.select(1, 1).fill_(9.0f);
  EXPECT_EQ(a.to_vector(), (std::vector<float>{0, 9, 0, 0, 9, 0}));
}

}  // namespace
}  // namespace byo
