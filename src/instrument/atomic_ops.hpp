// The atomic operations behind the __tsan_atomic* hooks: a scheduling point in a controlled run, then
// the real operation. Memory orders arrive as the ABI's ints (0 relaxed .. 5 seq_cst, the values of
// __ATOMIC_*) and are passed on to the __atomic builtins as they are; the compilers treat an order
// they cannot see at compile time as seq_cst or dispatch on it, never as anything weaker.
#pragma once

#include "weft/atomic.hpp"

namespace weft::instrument {

using detail::atomic_access;

template <typename T>
T atomic_load(const volatile T* object, int order) {
  detail::maybe_point(atomic_access::load, const_cast<const T*>(object));
  return __atomic_load_n(object, order);
}

template <typename T>
void atomic_store(volatile T* object, T value, int order) {
  detail::maybe_point(atomic_access::store, const_cast<const T*>(object));
  __atomic_store_n(object, value, order);
}

template <typename T>
T atomic_exchange(volatile T* object, T value, int order) {
  detail::maybe_point(atomic_access::read_modify_write, const_cast<const T*>(object));
  return __atomic_exchange_n(object, value, order);
}

enum class fetch_op { add, sub, bit_and, bit_or, bit_xor, nand };

template <fetch_op op, typename T>
T atomic_fetch(volatile T* object, T value, int order) {
  detail::maybe_point(atomic_access::read_modify_write, const_cast<const T*>(object));
  if constexpr (op == fetch_op::add) return __atomic_fetch_add(object, value, order);
  if constexpr (op == fetch_op::sub) return __atomic_fetch_sub(object, value, order);
  if constexpr (op == fetch_op::bit_and) return __atomic_fetch_and(object, value, order);
  if constexpr (op == fetch_op::bit_or) return __atomic_fetch_or(object, value, order);
  if constexpr (op == fetch_op::bit_xor) return __atomic_fetch_xor(object, value, order);
  if constexpr (op == fetch_op::nand) return __atomic_fetch_nand(object, value, order);
}

// Returns whether `object` held `*expected` (and now holds `desired`); otherwise `*expected` receives
// what it held. The ABI returns this as an int.
template <bool weak, typename T>
int atomic_compare_exchange(volatile T* object, T* expected, T desired, int order, int failure_order) {
  detail::maybe_point(atomic_access::read_modify_write, const_cast<const T*>(object));
  return __atomic_compare_exchange_n(object, expected, desired, weak, order, failure_order) ? 1 : 0;
}

// The _val form returns the value `object` held before, whether or not it was replaced.
template <typename T>
T atomic_compare_exchange_value(volatile T* object, T expected, T desired, int order, int failure_order) {
  detail::maybe_point(atomic_access::read_modify_write, const_cast<const T*>(object));
  __atomic_compare_exchange_n(object, &expected, desired, false, order, failure_order);
  return expected;
}

}  // namespace weft::instrument
