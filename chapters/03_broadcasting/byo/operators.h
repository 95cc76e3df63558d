/// @file
/// @brief Arithmetic and comparison operators on NDArrays and floats, all broadcasting.
///
/// `a + b` works for any two shapes that broadcast (`[3,1] + [1,4]` is `[3,4]`), and a
/// float on either side acts as a 0-d array. Comparisons give 0/1 floats, as a mask that
/// can be multiplied in. Every result is a new contiguous array; the compound assignments
/// (`+=` ...) are the only operators that write into an existing one.
#pragma once

#include "byo/ndarray.h"

namespace byo {

/// @name Arithmetic (broadcasting; a new contiguous array)
/// @{
/// @brief Elementwise a + b.
NDArray operator+(const NDArray& a, const NDArray& b);
/// @brief Elementwise a + s.
NDArray operator+(const NDArray& a, float s);
/// @brief Elementwise s + a.
NDArray operator+(float s, const NDArray& a);
/// @brief Elementwise a - b.
NDArray operator-(const NDArray& a, const NDArray& b);
/// @brief Elementwise a - s.
NDArray operator-(const NDArray& a, float s);
/// @brief Elementwise s - a.
NDArray operator-(float s, const NDArray& a);
/// @brief Elementwise a * b.
NDArray operator*(const NDArray& a, const NDArray& b);
/// @brief Elementwise a * s.
NDArray operator*(const NDArray& a, float s);
/// @brief Elementwise s * a.
NDArray operator*(float s, const NDArray& a);
/// @brief Elementwise a / b (IEEE: x/0 is ±inf, 0/0 is NaN, as in PyTorch).
NDArray operator/(const NDArray& a, const NDArray& b);
/// @brief Elementwise a / s.
NDArray operator/(const NDArray& a, float s);
/// @brief Elementwise s / a.
NDArray operator/(float s, const NDArray& a);
/// @brief Elementwise -a.
NDArray operator-(const NDArray& a);
/// @}

/// @name Comparisons (broadcasting; 1.0f where true, 0.0f where false)
/// @{
/// @brief a == b (NaN is never equal, as in IEEE).
NDArray operator==(const NDArray& a, const NDArray& b);
/// @brief a == s.
NDArray operator==(const NDArray& a, float s);
/// @brief s == a.
NDArray operator==(float s, const NDArray& a);
/// @brief a != b.
NDArray operator!=(const NDArray& a, const NDArray& b);
/// @brief a != s.
NDArray operator!=(const NDArray& a, float s);
/// @brief s != a.
NDArray operator!=(float s, const NDArray& a);
/// @brief a < b.
NDArray operator<(const NDArray& a, const NDArray& b);
/// @brief a < s.
NDArray operator<(const NDArray& a, float s);
/// @brief s < a.
NDArray operator<(float s, const NDArray& a);
/// @brief a <= b.
NDArray operator<=(const NDArray& a, const NDArray& b);
/// @brief a <= s.
NDArray operator<=(const NDArray& a, float s);
/// @brief s <= a.
NDArray operator<=(float s, const NDArray& a);
/// @brief a > b.
NDArray operator>(const NDArray& a, const NDArray& b);
/// @brief a > s.
NDArray operator>(const NDArray& a, float s);
/// @brief s > a.
NDArray operator>(float s, const NDArray& a);
/// @brief a >= b.
NDArray operator>=(const NDArray& a, const NDArray& b);
/// @brief a >= s.
NDArray operator>=(const NDArray& a, float s);
/// @brief s >= a.
NDArray operator>=(float s, const NDArray& a);
/// @}

/// @name In-place compound assignment
/// These write into the elements of `a` itself, like PyTorch's `add_`: every view sharing
/// `a`'s storage sees the change. `b` must broadcast to `a`'s shape (the shape of `a`
/// never changes), and `a` must not be a broadcast view with stride-0 dimensions (one
/// storage element would receive several results). Contiguous `a` is updated with no
/// temporary; a strided `a`, or a `b` sharing `a`'s storage, goes through one.
/// @{
/// @brief a = a + b, in place; returns `a`.
NDArray& operator+=(NDArray& a, const NDArray& b);
/// @brief a = a + s, in place; returns `a`.
NDArray& operator+=(NDArray& a, float s);
/// @brief a = a - b, in place; returns `a`.
NDArray& operator-=(NDArray& a, const NDArray& b);
/// @brief a = a - s, in place; returns `a`.
NDArray& operator-=(NDArray& a, float s);
/// @brief a = a * b, in place; returns `a`.
NDArray& operator*=(NDArray& a, const NDArray& b);
/// @brief a = a * s, in place; returns `a`.
NDArray& operator*=(NDArray& a, float s);
/// @brief a = a / b, in place; returns `a`.
NDArray& operator/=(NDArray& a, const NDArray& b);
/// @brief a = a / s, in place; returns `a`.
NDArray& operator/=(NDArray& a, float s);
/// @}

}  // namespace byo
