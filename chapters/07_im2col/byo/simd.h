/// @file
/// @brief The SIMD vector types of chapter 7's kernels, defined once.
///
/// GCC and Clang's vector extensions: a `Vec` is kSimdWidth floats that `+`, `*`, `<`
/// and `?:` work on lane by lane (`vec * scalar` broadcasts the scalar), and the
/// compiler turns them into the CPU's SIMD instructions. No intrinsics, so one source
/// serves AVX-512, AVX, SSE and NEON. Loads and stores go through memcpy, which compiles
/// to one unaligned vector move.
///
/// - `Vec`: the machine's native width, for the GEMM micro-kernel and the convolutions.
/// - `VecInt`: as many int32 lanes, for bit tricks on a Vec (the sigmoid's 2^n).
/// - `Float8` / `Int8`: exactly 8 lanes of float / int32, for kernels whose lane pattern is
///   fixed by the data (pooling's 2×2 windows, the 8×8 transpose).
#pragma once

#include <cstdint>
#include <cstring>

namespace byo {

#if defined(__GNUC__)
/// @brief Floats per SIMD vector: 16 with AVX-512, 8 with AVX, else 4 (SSE, NEON).
///
/// BYO_SIMD_WIDTH, set by the build of byo_ch07 and carried by its target, is the width the
/// library was compiled for; it wins, so a program built without -march=native that
/// includes this header agrees with the library on the tile's layout.
#if defined(BYO_SIMD_WIDTH)
inline constexpr int64_t kSimdWidth = BYO_SIMD_WIDTH;
#elif defined(__AVX512F__)
inline constexpr int64_t kSimdWidth = 16;
#elif defined(__AVX__)
inline constexpr int64_t kSimdWidth = 8;
#else
inline constexpr int64_t kSimdWidth = 4;
#endif
/// @brief A SIMD vector of kSimdWidth floats.
typedef float Vec __attribute__((vector_size(kSimdWidth * sizeof(float))));
/// @brief kSimdWidth int32s: a Vec's lanes as integers, for work on their bits.
typedef int32_t VecInt __attribute__((vector_size(kSimdWidth * sizeof(int32_t))));
/// @brief Eight floats.
typedef float Float8 __attribute__((vector_size(8 * sizeof(float))));
/// @brief Eight int32s (a comparison of two Float8 gives one: -1 where true, 0 where false).
typedef int32_t Int8 __attribute__((vector_size(8 * sizeof(int32_t))));
/// @brief Defined where Float8 and Int8 exist.
#define BYO_HAVE_VECTOR8 1
#else
// Plain fallback for compilers without vector extensions: a "vector" of one float, so
// code written for Vec compiles to scalar code.
/// @brief Floats per "vector": 1, as this compiler has no vector extensions.
inline constexpr int64_t kSimdWidth = 1;
/// @brief The fallback "vector": one float.
using Vec = float;
/// @brief The fallback's lanes as an integer.
using VecInt = int32_t;
#endif

/// @brief Whether a kernel may keep about 30 vectors in registers, as AVX-512's 32 allow.
///        With narrower vectors the kernels count on 16 (AVX2, SSE), and hold fewer sums.
inline constexpr bool kManyRegisters = kSimdWidth >= 16;

// __builtin_shufflevector (Clang, GCC 12+) rearranges lanes across two vectors.
#if defined(BYO_HAVE_VECTOR8) && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
/// @brief Defined where Float8 lanes can be shuffled.
#define BYO_HAVE_SHUFFLEVECTOR 1
#endif
#endif

/// @brief Loads kSimdWidth floats from `p` (any alignment).
inline Vec load_vec(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// @brief `x` in every lane: x · 1 lane by lane, which the compiler turns into one
///        broadcast. (Vec{} + x would turn −0 into +0.)
inline Vec broadcast(float x) { return x * (Vec{} + 1.0f); }

/// @brief Stores `v` to kSimdWidth floats at `p` (any alignment).
inline void store_vec(float* p, Vec v) { std::memcpy(p, &v, sizeof(v)); }

#ifdef BYO_HAVE_VECTOR8
/// @brief Loads 8 floats from `p` (any alignment).
inline Float8 load8(const float* p) {
  Float8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/// @brief Stores 8 floats (or int32s) at `p` (any alignment).
template <typename V>
inline void store8(void* p, V v) {
  static_assert(sizeof(V) == 32, "store8 stores 8 lanes of 4 bytes");
  std::memcpy(p, &v, sizeof(v));
}
#endif

/// @brief `v`, held in a register from here on: the compiler may not fold the load that
///        made it into the instructions that use it as a memory operand, which would load
///        it again for each use.
inline Vec in_register(Vec v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+v"(v));
#elif defined(__GNUC__) && defined(__aarch64__)
  asm("" : "+w"(v));
#endif
  return v;
}

/// @brief Hints the CPU to start loading the cache line at `p` (no effect on results).
inline void prefetch(const float* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

}  // namespace byo
