// The atomic operations behind the __tsan_atomic* hooks. In a controlled run each one is a scheduling
// point, then the real operation, then its effect on happens-before, which can depend on the outcome
// (a failed compare-exchange only reads, under its failure order). Memory orders arrive as the ABI's
// ints (0 relaxed .. 5 seq_cst, the values of __ATOMIC_*) and are passed on to the __atomic builtins
// as they are; the compilers treat an order they cannot see at compile time as seq_cst or dispatch on
// it, never as anything weaker. `site` is the hook's return address: where the program's code is.
#pragma once

#include "internal/surface.hpp"

namespace weft::instrument {

using internal::atomic_access;
using internal::atomic_step;

template <typename T>
T atomic_load(const volatile T* object, int order, const void* site) {
  atomic_step step(atomic_access::load, const_cast<const T*>(object), sizeof(T), site);
  const T value = __atomic_load_n(object, order);
  step.done(atomic_access::load, order);
  return value;
}

template <typename T>
void atomic_store(volatile T* object, T value, int order, const void* site) {
  atomic_step step(atomic_access::store, const_cast<const T*>(object), sizeof(T), site);
  __atomic_store_n(object, value, order);
  step.done(atomic_access::store, order);
}

template <typename T>
T atomic_exchange(volatile T* object, T value, int order, const void* site) {
  atomic_step step(atomic_access::read_modify_write, const_cast<const T*>(object), sizeof(T), site);
  const T old = __atomic_exchange_n(object, value, order);
  step.done(atomic_access::read_modify_write, order);
  return old;
}

enum class fetch_op { add, sub, bit_and, bit_or, bit_xor, nand };

template <fetch_op op, typename T>
T atomic_fetch(volatile T* object, T value, int order, const void* site) {
  atomic_step step(atomic_access::read_modify_write, const_cast<const T*>(object), sizeof(T), site);
  T old;
  if constexpr (op == fetch_op::add) old = __atomic_fetch_add(object, value, order);
  if constexpr (op == fetch_op::sub) old = __atomic_fetch_sub(object, value, order);
  if constexpr (op == fetch_op::bit_and) old = __atomic_fetch_and(object, value, order);
  if constexpr (op == fetch_op::bit_or) old = __atomic_fetch_or(object, value, order);
  if constexpr (op == fetch_op::bit_xor) old = __atomic_fetch_xor(object, value, order);
  if constexpr (op == fetch_op::nand) old = __atomic_fetch_nand(object, value, order);
  step.done(atomic_access::read_modify_write, order);
  return old;
}

// Returns whether `object` held `*expected` (and now holds `desired`); otherwise `*expected` receives
// what it held. The ABI returns this as an int.
template <bool weak, typename T>
int atomic_compare_exchange(volatile T* object, T* expected, T desired, int order, int failure_order,
                            const void* site) {
  atomic_step step(atomic_access::read_modify_write, const_cast<const T*>(object), sizeof(T), site);
  const bool exchanged = __atomic_compare_exchange_n(object, expected, desired, weak, order, failure_order);
  step.done(exchanged ? atomic_access::read_modify_write : atomic_access::load,
            exchanged ? order : failure_order);
  return exchanged ? 1 : 0;
}

// The _val form returns the value `object` held before, whether or not it was replaced.
template <typename T>
T atomic_compare_exchange_value(volatile T* object, T expected, T desired, int order, int failure_order,
                                const void* site) {
  (void)atomic_compare_exchange<false>(object, &expected, desired, order, failure_order, site);
  return expected;
}

}  // namespace weft::instrument
